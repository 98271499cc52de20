/* Dashboard charts with the vendored Chart.js: every <canvas data-chart="ID"> is drawn from
   the JSON element #ID that the page writes with json_script:
   {"labels": [...], "stacked": true|false, "series": [{"key": ..., "label": ..., "data": [...]}]}.
   The numbers are also in a table beside each chart (for reading, screen readers and print);
   a chart only draws them. No inline script, so it works under a strict CSP. */
(function () {
  "use strict";

  if (typeof Chart === "undefined") {
    return;
  }

  // Colours by meaning (status, RAT compliance, visits); health categories by rank (1 = best).
  var COLOURS = {
    aktif: "#19764a",
    kurang_aktif: "#e0a800",
    tidak_aktif: "#dc3545",
    on_time: "#19764a",
    late: "#fd7e14",
    not_filed: "#dc3545",
    visits: "#0d6efd",
    visited: "#20c997",
  };
  var RANKS = ["#19764a", "#20c997", "#e0a800", "#fd7e14", "#dc3545", "#6c757d"];

  function colour(key, index) {
    if (COLOURS[key]) {
      return COLOURS[key];
    }
    var rank = /^rank-(\d+)$/.exec(key || "");
    var position = rank ? Math.max(parseInt(rank[1], 10) - 1, 0) : index;
    return RANKS[Math.min(position, RANKS.length - 1)];
  }

  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = [];

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var stacked = Boolean(spec.stacked);
    charts.push(
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: spec.labels,
          datasets: spec.series.map(function (series, index) {
            return {
              label: series.label,
              data: series.data,
              backgroundColor: colour(series.key, index),
              borderColor: colour(series.key, index),
            };
          }),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: reducedMotion ? false : {},
          scales: {
            x: { stacked: stacked },
            y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } },
          },
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        },
      })
    );
  });

  // Redraw at the printed width (the canvas keeps its screen size otherwise).
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
