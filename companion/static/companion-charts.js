/* Draws every chart on the page from the Vega spec the book build compiled and embedded next to
   it, with the vega script shipped in _static/vendor/ (no vega-lite, no compiling here).
   The "Data behind this chart" table and its CSV are built from the same embedded rows when the
   reader opens them, so each chart's data travel in the page once. Works from file:// too. */
(function () {
  "use strict";
  var SPEC_TYPE = "application/vnd.companion.vega+json";
  var EMPTY = "\u2014";
  var tip = null;

  function text(value, column) {
    if (value === null || value === undefined || value === "" || (typeof value === "number" && isNaN(value))) {
      return EMPTY;
    }
    if (typeof value === "number") {
      // Years print as years (2017, not 2,017), as in the book's other tables (companion/tables.py).
      if (column && /(^|_)years?(_|$)/.test(column)) { return String(value); }
      return value.toLocaleString("en", { maximumFractionDigits: 6 });
    }
    var day = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d+)?$/.exec(String(value));
    if (day) {
      return new Date(day[1] + "T00:00:00Z").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    }
    return String(value);
  }

  function heading(column) {
    var words = column.replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  // A source key links to its entry in the bibliography, as in the book's other tables.
  function citeAnchor(key) {
    return "cite-" + key.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  /* A plain tooltip: Vega calls this with the hovered item's tooltip value. */
  function tooltip(handler, event, item, value) {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "companion-tooltip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    if (value === null || value === undefined || value === "") {
      tip.style.display = "none";
      return;
    }
    tip.textContent = "";
    if (typeof value === "object") {
      var table = document.createElement("table");
      Object.keys(value).forEach(function (key) {
        var row = table.insertRow();
        var name = document.createElement("th");
        name.textContent = key;
        row.appendChild(name);
        row.insertCell().textContent = text(value[key]);
      });
      tip.appendChild(table);
    } else {
      tip.textContent = text(value);
    }
    tip.style.display = "block";
    var x = event.clientX + 14, y = event.clientY + 14;
    var width = tip.offsetWidth, height = tip.offsetHeight;
    if (x + width > window.innerWidth - 8) { x = Math.max(8, event.clientX - width - 14); }
    if (y + height > window.innerHeight - 8) { y = Math.max(8, event.clientY - height - 14); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function rowsOf(spec) {
    var rows = [];
    (spec.data || []).forEach(function (dataset) {
      if (Array.isArray(dataset.values)) { rows = rows.concat(dataset.values); }
    });
    return rows;
  }

  function columnsOf(rows) {
    var seen = [];
    rows.forEach(function (row) {
      Object.keys(row).forEach(function (key) { if (seen.indexOf(key) < 0) { seen.push(key); } });
    });
    return seen;
  }

  function csvField(value) {
    var s = value === null || value === undefined ? "" : String(value);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /* The table and CSV download, built the first time the reader opens the details. */
  function fillDetails(details, spec, id, node) {
    if (details.dataset.filled) { return; }
    details.dataset.filled = "true";
    var rows = rowsOf(spec), columns = columnsOf(rows);
    var wrap = document.createElement("div");
    wrap.className = "companion-table-wrap";
    var table = document.createElement("table");
    table.className = "companion-table companion-chart-data";
    var title = node.dataset.label;
    table.createCaption().textContent = "The rows this chart draws" + (title ? ": " + title : "");
    var head = table.createTHead().insertRow();
    columns.forEach(function (column) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = heading(column);
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      columns.forEach(function (column, position) {
        var cell = position === 0 ? document.createElement("th") : document.createElement("td");
        if (position === 0) { cell.scope = "row"; }
        tr.appendChild(cell);
        var value = row[column];
        if (column === "source" && value) {
          var link = document.createElement("a");
          link.href = "bibliography.html#" + citeAnchor(String(value));
          link.textContent = String(value);
          cell.appendChild(link);
        } else {
          cell.textContent = text(value, column);
        }
        cell.setAttribute("data-label", heading(column));
        if (typeof value === "number") { cell.className = "num"; }
      });
    });
    wrap.appendChild(table);
    details.appendChild(wrap);
    var csv = [columns.map(csvField).join(",")].concat(rows.map(function (row) {
      return columns.map(function (column) { return csvField(row[column]); }).join(",");
    })).join("\n") + "\n";
    var link = document.createElement("a");
    link.download = id + ".csv";
    link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    link.textContent = "Download the data (CSV)";
    var p = document.createElement("p");
    p.appendChild(link);
    details.appendChild(p);
  }

  function draw(node) {
    var target = document.getElementById(node.dataset.target);
    if (!target) {
      console.error("companion-charts: no element with id " + node.dataset.target);
      return;
    }
    var spec;
    try {
      spec = JSON.parse(node.textContent);
    } catch (err) {
      target.dataset.chartError = "unparseable spec";
      console.error("companion-charts: chart " + node.dataset.target + " has an unparseable spec: " + err);
      return;
    }
    if (!spec.config && window.companionChartConfig) {
      spec.config = window.companionChartConfig;  // the book's one chart config (companion/vega.py)
    }
    var details = document.querySelector('details[data-chart="' + node.dataset.target + '"]');
    if (details) {
      details.addEventListener("toggle", function () { if (details.open) { fillDetails(details, spec, node.dataset.target, node); } });
    }
    if (!window.vega || typeof window.vega.View !== "function") {
      target.dataset.chartError = "vega missing";
      console.error("companion-charts: vega is not loaded; chart " + node.dataset.target + " not drawn");
      return;
    }
    var view;
    // Vega reports a spec it cannot draw through its logger, not by rejecting: catch it there.
    var failed = null;
    var logger = {
      level: function () { return logger; },
      error: function () { failed = failed || [].slice.call(arguments).join(" "); },
      warn: function () { console.warn.apply(console, ["companion-charts:"].concat([].slice.call(arguments))); },
      info: function () {}, debug: function () {}
    };
    try {
      view = new window.vega.View(window.vega.parse(spec), { renderer: "svg", container: target, hover: true, logger: logger });
      view.tooltip(tooltip);
    } catch (err) {
      target.dataset.chartError = String(err);
      console.error("companion-charts: chart " + node.dataset.target + " failed to draw: " + err);
      return;
    }
    view.runAsync()
      .then(function () {
        if (failed) { throw new Error(failed); }
        // Name the chart for screen readers; Vega's ARIA labels each axis and mark inside it.
        var svg = target.querySelector("svg");
        var label = node.dataset.label;
        if (svg && label) {
          svg.setAttribute("role", "graphics-document");
          svg.setAttribute("aria-roledescription", "chart");
          svg.setAttribute("aria-label", label);
          if (document.getElementById(node.dataset.target + "-caption")) {
            svg.setAttribute("aria-describedby", node.dataset.target + "-caption");
          }
        }
        target.dataset.chartDrawnMs = String(Math.round(performance.now()));  // for `make bench`
        target.dataset.chartDrawn = "true";
      })
      .catch(function (err) {
        target.dataset.chartError = String(err);
        console.error("companion-charts: chart " + node.dataset.target + " failed to draw: " + err);
      });
  }

  function drawAll() {
    document.querySelectorAll('script[type="' + SPEC_TYPE + '"]').forEach(draw);
  }

  // Draw as soon as the page is parsed ("interactive"), not at DOMContentLoaded, which waits for
  // every deferred script of the theme (its icon script alone is 1.5 MB).
  if (document.readyState === "loading") {
    document.addEventListener("readystatechange", function parsed() {
      if (document.readyState !== "loading") {
        document.removeEventListener("readystatechange", parsed);
        drawAll();
      }
    });
  } else {
    drawAll();
  }
})();
