// Search fields (koperasi_registry/widgets.py): a <select data-search-url> holds only its
// chosen option(s); this turns it into a type-to-search field over the vendored Tom Select.
// - an empty query lists the first 20 (on focus), then at least data-search-min characters
//   (2) search, debounced (300 ms); the server matches, so every answer replaces the list;
// - data-search-depends="district" sends the value of the same form's field "district"
//   along (a desa within the chosen kecamatan), and a change there empties this field;
// - data-search-offline="cooperatives": when the server cannot be reached (no signal), the
//   offline copy of the user's cooperatives (#kr-pwa data-offline-data-url, answered by the
//   service worker from its cache) is searched here instead, by name or village;
// - keyboard: arrows, Enter, Escape, Backspace (Tom Select); large touch targets (app.css).
// Loaded by base.html with defer after tom-select.complete.min.js; no inline script (CSP).
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }
  var english = (document.documentElement.lang || "id").indexOf("en") === 0;
  var TEXT = english ? {
    typeMore: "Type at least %s letters to search…", none: "Nothing found", loading: "Searching…",
    more: "More results: type more letters to narrow them down.", failed: "Search failed; try again.",
    placeholder: "Type to search…"
  } : {
    typeMore: "Ketik sedikitnya %s huruf untuk mencari…", none: "Tidak ditemukan", loading: "Mencari…",
    more: "Masih ada hasil lain: ketik lebih banyak huruf untuk mempersempit.", failed: "Pencarian gagal; coba lagi.",
    placeholder: "Ketik untuk mencari…"
  };

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.outerHTML;
  }

  var PAGE = 20;
  var THROTTLE = 300;  // ms without typing before a search leaves

  // The user's offline copy (assistants:offline_data): what a search field with
  // data-search-offline searches without signal. One fetch a page; the service worker
  // answers it from its cache when the network fails.
  var offlineCopy = null;
  function offlineData() {
    var root = document.getElementById("kr-pwa");
    var url = root && root.dataset.offlineDataUrl;
    if (!url) { return Promise.reject(new Error("no offline copy")); }
    offlineCopy = offlineCopy || fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error(response.status); }
        return response.json();
      });
    offlineCopy.catch(function () { offlineCopy = null; });
    return offlineCopy;
  }
  function offlineOption(row) {
    return { id: String(row.id), text: row.village ? row.name + " (" + row.village + ")" : row.name };
  }
  function offlineResults(kind, query) {
    if (kind !== "cooperatives") { return Promise.reject(new Error("no offline copy of " + kind)); }
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return offlineData().then(function (data) {
      var found = (data.cooperatives || []).filter(function (row) {
        var haystack = (row.name + " " + (row.village || "")).toLowerCase();
        return words.every(function (word) { return haystack.indexOf(word) !== -1; });
      }).map(offlineOption);
      return { results: found.slice(0, PAGE), more: found.length > PAGE };
    });
  }

  function dependencyFields(select) {
    var names = (select.dataset.searchDepends || "").split(" ").filter(Boolean);
    var form = select.form;
    return names.map(function (name) {
      return form ? form.elements.namedItem(name) : document.querySelector('[name="' + name + '"]');
    }).filter(Boolean);
  }

  function enhance(select) {
    if (select.tomselect) { return; }
    var url = select.dataset.searchUrl;
    var minChars = parseInt(select.dataset.searchMin || "2", 10);
    var depends = dependencyFields(select);
    var more = false;
    var failed = false;
    var controller = null;
    // Searches are numbered: an answer (from the server or the offline copy) for any but the
    // newest is outdated and shown nowhere, since answers can come back in any order.
    var sequence = 0;
    var waiting = null;  // the search held back until the user pauses typing (its timer)
    var emptyLabel = "";
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value === "") { emptyLabel = option.textContent; }
    });
    var plugins = select.multiple ? ["remove_button"] : [];
    if (!select.multiple && !select.required) { plugins.push("clear_button"); }

    // Tom Select counts the searches under way and drops its "loading" class at zero; its
    // load callback also redraws the list and reopens it when the field has the focus. A
    // search ended without an answer to show (replaced, or dropped when an option is picked)
    // is taken off that count alone, as Tom Select's own throttle does for a search it drops.
    function release(control) {
      control.loading = Math.max(control.loading - 1, 0);
      if (!control.loading) { control.wrapper.classList.remove(control.settings.loadingClass); }
    }

    function search(control, query, request, callback) {
      var params = new URLSearchParams({ q: query });
      depends.forEach(function (field) { if (field.value) { params.set(field.name, field.value); } });
      var separator = url.indexOf("?") === -1 ? "?" : "&";
      if (controller) { controller.abort(); }  // an older search still under way is outdated
      var mine = controller = new AbortController();
      failed = false;
      fetch(url + separator + params.toString(), {
        headers: { Accept: "application/json" }, credentials: "same-origin", signal: mine.signal
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).catch(function (error) {
        if (request !== sequence || !select.dataset.searchOffline) { throw error; }
        // No signal: the offline copy of the user's own rows.
        return offlineResults(select.dataset.searchOffline, query);
      }).then(function (data) {
        if (controller === mine) { controller = null; }
        if (request !== sequence) { release(control); return; }
        more = Boolean(data.more);
        // Only this answer's rows (and what is chosen): earlier answers do not linger.
        control.clearOptions();
        control.loadedSearches = {};
        callback(data.results);
      }, function () {
        if (controller === mine) { controller = null; }
        if (request !== sequence) { release(control); return; }
        // Failed (or aborted by the browser): the callback all the same, or Tom Select keeps
        // its "loading" class; the list says the search failed instead of showing the rows
        // of an earlier query as if they matched this one.
        failed = true;
        more = false;
        control.clearOptions();
        control.loadedSearches = {};
        callback();
      });
    }

    // A pick, or the focus leaving, ends the typing: the input refresh Tom Select still holds
    // (refreshThrottle, 300 ms after the last letter) would search again, reopen the list and
    // take the focus from the field the user has moved to; the search held back until typing
    // pauses would do the same. A pick also makes the search under way outdated. What the
    // list now holds answers no query the field has: the next focus asks for the first page.
    function stopSearching(control, dropAnswer) {
      var dropped = false;
      if (control.refreshTimeout) {
        window.clearTimeout(control.refreshTimeout);
        control.refreshTimeout = null;
        dropped = true;
      }
      if (waiting) {
        window.clearTimeout(waiting);
        waiting = null;
        release(control);
        dropped = true;
      }
      if (dropAnswer && controller) {
        sequence += 1;
        controller.abort();  // its own handler takes it off Tom Select's count
        controller = null;
        dropped = true;
      }
      if (dropped) { control.wrapper.classList.remove("preloaded"); }
    }

    var settings = {
      valueField: "id",
      labelField: "text",
      searchField: [],
      sortField: [{ field: "$order" }],
      score: function () { return function () { return 1; }; },  // the server has matched
      maxOptions: null,
      preload: "focus",
      // The 300 ms pause in typing is this file's own timer (below), not Tom Select's
      // loadThrottle, whose timer cannot be stopped when an option is picked.
      loadThrottle: null,
      allowEmptyOption: false,
      hidePlaceholder: false,
      placeholder: select.dataset.placeholder || emptyLabel || TEXT.placeholder,
      plugins: plugins,
      closeAfterSelect: true,
      shouldLoad: function (query) { return query.length === 0 || query.length >= minChars; },
      load: function (query, callback) {
        var control = this;
        if (waiting) {  // typing went on: only the newest query is searched
          window.clearTimeout(waiting);
          release(control);
        }
        sequence += 1;
        var request = sequence;
        waiting = window.setTimeout(function () {
          waiting = null;
          search(control, query, request, callback);
        }, THROTTLE);
      },
      render: {
        option: function (data) { return "<div>" + text(data.text) + "</div>"; },
        item: function (data) { return "<div>" + text(data.text) + "</div>"; },
        no_results: function () { return '<div class="no-results">' + text(failed ? TEXT.failed : TEXT.none) + "</div>"; },
        not_loading: function () {
          return '<div class="no-results">' + text(TEXT.typeMore.replace("%s", minChars)) + "</div>";
        },
        loading: function () { return '<div class="loading">' + text(TEXT.loading) + "</div>"; },
        dropdown_footer: function () {
          return '<div class="search-select-more small text-body-secondary px-2 py-1" hidden>' + text(TEXT.more) + "</div>";
        }
      },
      onLoad: function () {
        var footer = this.dropdown.querySelector(".search-select-more");
        if (footer) { footer.hidden = !more; }
      }
    };
    if (!select.multiple) { settings.maxItems = 1; }
    var control = new window.TomSelect(select, settings);
    // Accessible name: the <label for=id> now names Tom Select's text input.
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label && control.control_input) {
      if (!label.id) { label.id = select.id + "-label"; }
      control.control_input.setAttribute("aria-labelledby", label.id);
    }
    // Tom Select ignores a blur while the window lacks the system's focus (document.hasFocus()
    // false: a split screen, a notification, a busy browser): it then believes it still has
    // the focus, keeps the list open over the form, and a late search answer reopens the list
    // and takes the focus from the field the user has moved to, whose letters go astray.
    if (control.control_input) {
      control.control_input.addEventListener("blur", function () {
        window.setTimeout(function () {
          var active = document.activeElement;
          if (control.wrapper.contains(active) || control.dropdown.contains(active)) { return; }
          stopSearching(control, false);  // a late answer is still taken in, the list closed
          if (!control.isFocused) { return; }
          control.isFocused = false;
          control.close();
          control.refreshState();
        }, 0);
      });
    }
    control.on("item_add", function () { stopSearching(control, true); });
    depends.forEach(function (field) {
      field.addEventListener("change", function () {
        stopSearching(control, true);  // an answer for the former choice there is outdated
        control.clear();
        control.clearOptions();
        control.wrapper.classList.remove("preloaded");
      });
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-search-url]").forEach(enhance);
  }
  enhanceAll(document);
  // Forms added later (htmx swaps, formset rows) get the same treatment.
  document.addEventListener("htmx:afterSettle", function (event) { enhanceAll(event.target); });
  window.searchSelect = {
    enhance: enhance, enhanceAll: enhanceAll, offlineData: offlineData, offlineOption: offlineOption
  };
})();
