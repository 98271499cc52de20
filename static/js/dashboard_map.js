/* Dashboard map: located cooperatives coloured by status, and village coverage rings, with
   the vendored Leaflet. The configuration comes from the page (#map-config): the two GeoJSON
   URLs, the tile URL (empty: no tile layer, so nothing is requested from another host),
   colours and the words to show. Markers are circle markers (no images); above
   svgMaxPoints they are painted on a canvas instead of one SVG path each. */
(function () {
  "use strict";

  var element = document.getElementById("map");
  var configElement = document.getElementById("map-config");
  if (!element || !configElement || typeof L === "undefined") {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var labels = config.labels;
  var statusLine = document.getElementById("map-status");

  // Indonesia, until the points are known.
  var map = L.map(element, { zoomSnap: 0.5, scrollWheelZoom: false }).setView([-2.5, 118], 4);
  map.attributionControl.setPrefix(false);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  // Village rings below the cooperative points.
  map.createPane("villages").style.zIndex = 390;

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) {
      node.className = className;
    }
    return node;
  }

  function link(href, content) {
    var node = text("a", content);
    node.href = href;
    return node;
  }

  function cooperativePopup(properties) {
    var box = document.createElement("div");
    box.appendChild(text("strong", properties.name, "d-block"));
    box.appendChild(text("span", labels.status + ": " + properties.status_label, "d-block"));
    box.appendChild(text("span", properties.village + ", " + labels.district + " " + properties.district, "d-block"));
    if (properties.merah_putih) {
      box.appendChild(text("span", labels.merahPutih, "d-block"));
    }
    box.appendChild(link(properties.url, labels.open));
    return box;
  }

  function villagePopup(properties) {
    var box = document.createElement("div");
    box.appendChild(text("strong", properties.name, "d-block"));
    box.appendChild(text("span", labels.district + " " + properties.district, "d-block"));
    box.appendChild(text("span", labels.hasActive + ": " + (properties.has_active ? labels.yes : labels.no), "d-block"));
    box.appendChild(text("span", labels.hasMerahPutih + ": " + (properties.has_merah_putih ? labels.yes : labels.no), "d-block"));
    box.appendChild(text("span", labels.located + ": " + properties.located, "d-block"));
    box.appendChild(link(properties.url, labels.openList));
    return box;
  }

  function cooperativeLayer(collection) {
    var renderer = collection.features.length > config.svgMaxPoints ? L.canvas() : L.svg();
    return L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        var colour = config.statusColours[feature.properties.status] || "#6c757d";
        return L.circleMarker(latlng, {
          renderer: renderer,
          radius: 7,
          color: "#fff",
          weight: 1.5,
          fillColor: colour,
          fillOpacity: 0.95,
          className: "map-cooperative",
        });
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(function () { return cooperativePopup(feature.properties); });
      },
    });
  }

  function villageLayer(collection) {
    return L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          pane: "villages",
          radius: 16,
          color: config.coverageColours[feature.properties.coverage],
          weight: 3,
          fillOpacity: 0.08,
          className: "map-village",
        });
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(function () { return villagePopup(feature.properties); });
      },
    });
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  Promise.all([load(config.cooperativesUrl), load(config.villagesUrl)])
    .then(function (collections) {
      var cooperatives = cooperativeLayer(collections[0]);
      var villages = villageLayer(collections[1]);
      villages.addTo(map);
      cooperatives.addTo(map);
      var overlays = {};
      overlays[labels.cooperatives] = cooperatives;
      overlays[labels.villages] = villages;
      L.control.layers(null, overlays, { collapsed: window.innerWidth < 576, position: "topright" }).addTo(map);

      var count = collections[0].features.length;
      var bounds = cooperatives.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14, animate: false });
      }
      var message = count
        ? labels.drawn.replace("{n}", count).replace("{v}", collections[1].features.length)
        : labels.empty;
      if (collections[0].truncated || collections[1].truncated) {
        message += " " + labels.truncated;
      }
      statusLine.textContent = message;
      element.dataset.points = String(count);
      element.dataset.villages = String(collections[1].features.length);
      element.dataset.state = "ready";
    })
    .catch(function () {
      statusLine.textContent = labels.error;
      element.dataset.state = "error";
    });
})();
