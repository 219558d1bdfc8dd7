/* The product's theme: small progressive touches on FAB's pages. Nothing here is needed to
   use a page; without it the filters and tables work exactly as FAB ships them. */
(function () {
  "use strict";

  /* A number, an amount or a rate: "12", "1,234.50", "-3", "96.5 %", "15,000.00 (3)". */
  var NUMERIC = /^[-+]?(?:¥|HK\$|\$)?\s*\d{1,3}(?:,\d{3})*(?:\.\d+)?\s*%?(?:\s*\(\d+\))?$|^[-+]?\d+(?:\.\d+)?\s*%?$/;

  /* Right-align the columns whose every filled cell is a number, so figures line up. */
  function alignNumericColumns(table) {
    var rows = table.tBodies.length ? table.tBodies[0].rows : [];
    if (!rows.length) { return; }
    var columns = {};
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].cells;
      if (cells.length === 1 && cells[0].colSpan > 1) { continue; }  // "No records" row
      for (var c = 0; c < cells.length; c++) {
        var text = (cells[c].textContent || "").trim();
        if (!text) { continue; }
        var numeric = NUMERIC.test(text);
        columns[c] = columns[c] === undefined ? numeric : columns[c] && numeric;
      }
    }
    Object.keys(columns).forEach(function (index) {
      if (!columns[index]) { return; }
      var i = Number(index);
      for (var r = 0; r < rows.length; r++) {
        if (rows[r].cells[i]) { rows[r].cells[i].classList.add("num"); }
      }
      var head = table.tHead && table.tHead.rows[0];
      if (head && head.cells[i]) { head.cells[i].classList.add("num"); }
    });
  }

  /* In list tables a short value (a number, a date, a name) stays on one line; long text
     still wraps. The table then scrolls sideways in its box instead of breaking
     "WO-2026-000001" or "2026-12-01 18:36" over three lines. */
  var SHORT = 24;
  function keepShortCellsWhole(table) {
    var cells = table.querySelectorAll("tbody > tr > td");
    for (var i = 0; i < cells.length; i++) {
      var text = (cells[i].textContent || "").replace(/\s+/g, " ").trim();
      if (text && text.length <= SHORT) { cells[i].classList.add("theme-short"); }
    }
  }

  /* FAB's search panel starts closed even when filters are active, which hides them. Open
     it when a filter is set and show how many are set on its (sticky) heading. */
  function showActiveFilters() {
    var form = document.getElementById("filter_form");
    if (!form) { return; }
    var group = form.closest(".panel-group");
    if (!group) { return; }
    group.classList.add("theme-search");
    var active = form.querySelectorAll("table.filters tbody tr").length;
    var toggle = group.querySelector(".accordion-toggle");
    if (toggle && active) {
      var badge = document.createElement("span");
      badge.className = "badge theme-filter-count";
      badge.textContent = String(active);
      toggle.appendChild(badge);
    }
    var body = group.querySelector(".panel-collapse");
    if (body && active && !body.classList.contains("in")) {
      body.classList.add("in");
      if (toggle) { toggle.setAttribute("aria-expanded", "true"); }
    }
  }

  function ready() {
    showActiveFilters();
    var tables = document.querySelectorAll("table.table");
    for (var t = 0; t < tables.length; t++) {
      if (!tables[t].classList.contains("filters")) { alignNumericColumns(tables[t]); }
    }
    var lists = document.querySelectorAll(".well + .table-responsive > table, table#queue");
    for (var l = 0; l < lists.length; l++) { keepShortCellsWhole(lists[l]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
