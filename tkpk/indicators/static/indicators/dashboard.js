// The indicator dashboard (indicators/dashboard.html). Every chart is drawn from the <table>
// beside it: the <th data-series> columns are its datasets, the first cell of each row its
// label and the cells' data-value its numbers, so the chart and its table view never differ.
// Once a chart stands, its table is hidden and a button toggles it; print shows both. The map
// loads the kecamatan boundaries from data-map-url. No inline script: the CSP forbids it.
"use strict";

(function () {
  const COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384"];
  const NUMBER = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 4 });
  const charts = new Set();

  function numberOf(text) {
    if (text === undefined || text === "") {
      return null;
    }
    const value = Number(text);
    return Number.isFinite(value) ? value : null;
  }

  function tableData(table) {
    const heads = Array.from(table.tHead.rows[0].cells);
    const rows = Array.from(table.tBodies[0].rows);
    const datasets = [];
    heads.forEach(function (th, index) {
      if (!th.dataset.series) {
        return;
      }
      datasets.push({
        label: th.textContent.trim(),
        style: th.dataset.series,
        stack: th.dataset.stack || undefined,
        data: rows.map(function (row) {
          return numberOf(row.cells[index].dataset.value);
        }),
      });
    });
    return { labels: rows.map((row) => row.cells[0].textContent.trim()), datasets: datasets };
  }

  function dash(style) {
    if (style === "dashed") {
      return [6, 4];
    }
    return style === "dotted" ? [2, 3] : [];
  }

  function setTable(tableId, shown) {
    const wrap = document.getElementById(tableId + "-wrap");
    const button = document.querySelector('[data-toggle-table="' + tableId + '"]');
    if (wrap) {
      wrap.hidden = !shown;
    }
    if (button) {
      button.setAttribute("aria-expanded", shown ? "true" : "false");
      button.classList.toggle("active", shown);
    }
  }

  function drawChart(canvas) {
    if (canvas.dataset.drawn || !window.Chart) {
      return;
    }
    const tableId = canvas.dataset.chartTable;
    const table = document.getElementById(tableId);
    if (!table) {
      return;
    }
    const kind = canvas.dataset.chart;
    const horizontal = "chartHorizontal" in canvas.dataset;
    const stacked = "chartStacked" in canvas.dataset;
    const found = tableData(table);
    const chart = new window.Chart(canvas, {
      type: kind,
      data: {
        labels: found.labels,
        datasets: found.datasets.map(function (set, index) {
          const colour = COLOURS[index % COLOURS.length];
          return {
            label: set.label,
            data: set.data,
            stack: set.stack,
            borderColor: colour,
            backgroundColor: kind === "line" ? colour : colour + "cc",
            borderDash: dash(set.style),
            borderWidth: set.style === "thin" ? 1 : 2,
            pointRadius: set.style === "dotted" ? 0 : 3,
            spanGaps: true,
            tension: 0,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: kind !== "line" } },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                const value = context.parsed[horizontal ? "x" : "y"];
                return context.dataset.label + ": " + (value === null ? "—" : NUMBER.format(value));
              },
            },
          },
        },
      },
    });
    charts.add(chart);
    canvas.dataset.drawn = "1";
    setTable(tableId, false);
  }

  function shade(share, low, high) {
    // From light to dark red as the share of deciles 1-2 grows.
    const steps = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
    if (share === null || share === undefined) {
      return "#e9ecef";
    }
    const position = high > low ? (share - low) / (high - low) : 0.5;
    return steps[Math.min(steps.length - 1, Math.floor(position * steps.length))];
  }

  function drawMap(element) {
    if (element.dataset.drawn || !window.L) {
      return;
    }
    element.dataset.drawn = "1";
    fetch(element.dataset.mapUrl, { credentials: "same-origin" })
      .then((response) => response.json())
      .then(function (data) {
        const shares = data.features
          .map((feature) => feature.properties.share)
          .filter((share) => share !== null);
        const low = Math.min.apply(null, shares);
        const high = Math.max.apply(null, shares);
        const map = window.L.map(element, { attributionControl: false, scrollWheelZoom: false });
        const layer = window.L.geoJSON(data, {
          style: function (feature) {
            return {
              color: "#495057",
              weight: 1,
              fillColor: shade(feature.properties.share, low, high),
              fillOpacity: 0.8,
            };
          },
          onEachFeature: function (feature, shape) {
            const share = feature.properties.share;
            shape.bindTooltip(
              feature.properties.name + " — " + element.dataset.mapLabel + ": " +
                (share === null ? "—" : NUMBER.format(share) + " %"),
            );
          },
        }).addTo(map);
        if (data.features.length) {
          map.fitBounds(layer.getBounds());
        }
        element.dataset.features = String(data.features.length);
      });
  }

  function setUp(root) {
    root.querySelectorAll("canvas[data-chart]").forEach(drawChart);
    root.querySelectorAll("[data-map]").forEach(drawMap);
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-toggle-table]");
    if (!button) {
      return;
    }
    const wrap = document.getElementById(button.dataset.toggleTable + "-wrap");
    setTable(button.dataset.toggleTable, wrap ? wrap.hidden : true);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    charts.forEach(function (chart) {
      if (!document.body.contains(chart.canvas)) {
        chart.destroy();
        charts.delete(chart);
      }
    });
    setUp(event.target);
  });

  window.addEventListener("beforeprint", function () {
    charts.forEach((chart) => chart.resize());
  });

  setUp(document);
})();
