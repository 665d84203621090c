/* The claims ledger table: filter by text and verdict, sort by any column. Works offline. */
(function () {
  "use strict";
  function setup() {
    var table = document.getElementById("ledger-table");
    if (!table) return;
    var body = table.tBodies[0];
    var filter = document.getElementById("ledger-filter");
    var verdict = document.getElementById("ledger-verdict");
    var count = document.getElementById("ledger-count");
    function apply() {
      var text = (filter.value || "").toLowerCase();
      var wanted = verdict.value;
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var ok = (!wanted || row.dataset.verdict === wanted) &&
                 (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + body.rows.length + " claims shown";
    }
    filter.addEventListener("input", apply);
    verdict.addEventListener("change", apply);
    table.querySelectorAll("button.table-sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var column = Number(button.dataset.column);
        var ascending = button.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
        button.parentElement.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        button.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].textContent.trim(), y = b.cells[column].textContent.trim();
          var nx = Number(x), ny = Number(y);
          var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    apply();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
