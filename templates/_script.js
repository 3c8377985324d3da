// Progressive enhancement only: without it the page reads in full (static matrix, static SVG).
(function () {
  "use strict";
  var table = document.getElementById("matrix-table");
  var controls = document.getElementById("matrix-controls");
  if (table && controls) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var buttons = table.querySelectorAll("button[data-sort]");
    var ascendingFirst = { position: true, date: true, source: true };
    var keyOf = function (row, key) {
      var raw = row.dataset[key] || "";
      if (key === "date" || key === "source") return raw;
      var value = parseFloat(raw);
      return isNaN(value) ? 0 : value;
    };
    var sortBy = function (key, descending) {
      rows.sort(function (a, b) {
        var x = keyOf(a, key), y = keyOf(b, key);
        var order = x < y ? -1 : x > y ? 1 : 0;
        if (descending) order = -order;
        return order || keyOf(a, "position") - keyOf(b, "position");
      });
      var fragment = document.createDocumentFragment();
      rows.forEach(function (row) { fragment.appendChild(row); });
      body.appendChild(fragment);
      page = 0;
      paginate();
      buttons.forEach(function (b) {
        // aria-sort belongs to the column header, not to the button in it.
        var header = b.closest("th");
        if (b.dataset.sort === key) header.setAttribute("aria-sort", descending ? "descending" : "ascending");
        else header.removeAttribute("aria-sort");
      });
      controls.elements.sort.value = key;
    };
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.sort;
        var current = button.closest("th").getAttribute("aria-sort");
        sortBy(key, current ? current === "ascending" : !ascendingFirst[key]);
      });
    });
    // Long matrices are paged so that sorting and filtering stay quick.
    var PAGE = 100;
    var page = 0;
    var pager = controls.querySelector(".pager");
    var paginate = function () {
      var visible = rows.filter(function (row) { return !row.classList.contains("hidden"); });
      var pages = Math.max(1, Math.ceil(visible.length / PAGE));
      var paged = rows.length > 2 * PAGE;
      page = Math.min(page, pages - 1);
      rows.forEach(function (row) { row.classList.remove("paged"); });
      if (paged) {
        visible.forEach(function (row, index) {
          if (index < page * PAGE || index >= (page + 1) * PAGE) row.classList.add("paged");
        });
      }
      pager.hidden = !paged;
      pager.querySelector(".page-label").textContent = "page " + (page + 1) + " of " + pages;
      pager.querySelector("[data-page=prev]").disabled = page === 0;
      pager.querySelector("[data-page=next]").disabled = page >= pages - 1;
    };
    pager.addEventListener("click", function (event) {
      var step = event.target.dataset.page;
      if (!step) return;
      page += step === "next" ? 1 : -1;
      paginate();
    });
    var filter = function () {
      var f = controls.elements;
      var tag = f.tag ? f.tag.value : "";
      var kind = f.kind.value;
      var diagnosticOnly = f.diagnostic.checked;
      var shown = 0;
      rows.forEach(function (row) {
        var visible = (!tag || (" " + row.dataset.tags + " ").indexOf(" " + tag + " ") >= 0) &&
          (!kind || row.dataset.kind === kind) &&
          (!diagnosticOnly || parseFloat(row.dataset.diagnosticity) > 0);
        row.classList.toggle("hidden", !visible);
        if (visible) shown += 1;
      });
      f.count.value = "Showing " + shown + " of " + rows.length + " rows";
      page = 0;
      paginate();
    };
    controls.hidden = false;
    controls.addEventListener("change", function (event) {
      if (event.target.name === "sort") {
        var key = event.target.value;
        sortBy(key, !ascendingFirst[key]);
      } else {
        filter();
      }
    });
    controls.addEventListener("submit", function (event) { event.preventDefault(); });
    filter();
    // A click on a row (not on a link or a focused cell's tip) shows its quote in the source.
    body.addEventListener("click", function (event) {
      if (event.target.closest("a, button")) return;
      var row = event.target.closest("tr");
      if (row && row.dataset.quote) location.hash = "#" + row.dataset.quote;
    });
    // Arriving at a row (from a diagram, say) turns to its page.
    var toRow = function () {
      var match = /^#row-(.+)$/.exec(location.hash);
      var row = match && document.getElementById(location.hash.slice(1));
      if (!row || !row.classList.contains("paged")) return;
      var visible = rows.filter(function (r) { return !r.classList.contains("hidden"); });
      page = Math.floor(visible.indexOf(row) / PAGE);
      paginate();
      row.scrollIntoView({ block: "center" });
    };
    window.addEventListener("hashchange", toRow);
    toRow();
  }

  // Following a link to a quote lights up every piece of it.
  var light = function () {
    document.querySelectorAll("mark.active").forEach(function (m) { m.classList.remove("active"); });
    var match = /^#q-(.+)$/.exec(location.hash);
    if (!match) return;
    var id = decodeURIComponent(match[1]);
    var first = null;
    document.querySelectorAll("mark[data-evidence]").forEach(function (m) {
      if (m.dataset.evidence.split(" ").indexOf(id) >= 0) {
        m.classList.add("active");
        first = first || m;
      }
    });
    if (first) first.scrollIntoView({ block: "center" });
  };
  window.addEventListener("hashchange", light);
  light();

  // Zoom for the diagrams: buttons scale the SVG; the wrapper scrolls.
  document.querySelectorAll(".diagram").forEach(function (figure) {
    var svg = figure.querySelector("svg");
    if (!svg || !svg.viewBox || !svg.viewBox.baseVal) return;
    var box = svg.viewBox.baseVal;
    var natural = parseFloat(svg.getAttribute("width")) || box.width;
    var ratio = box.height / box.width;
    var scale = 1;
    var apply = function () {
      svg.setAttribute("width", (natural * scale).toFixed(1) + "pt");
      svg.setAttribute("height", (natural * ratio * scale).toFixed(1) + "pt");
      figure.querySelector(".zoom-level").textContent = Math.round(scale * 100) + "%";
    };
    var bar = document.createElement("div");
    bar.className = "zoom";
    bar.innerHTML = '<button type="button" data-zoom="out" aria-label="Zoom out">−</button>' +
      '<span class="zoom-level">100%</span>' +
      '<button type="button" data-zoom="in" aria-label="Zoom in">+</button>' +
      '<button type="button" data-zoom="fit">Fit width</button>' +
      '<button type="button" data-zoom="reset">Actual size</button>';
    figure.insertBefore(bar, figure.querySelector(".svg-wrap"));
    bar.addEventListener("click", function (event) {
      var action = event.target.dataset.zoom;
      if (!action) return;
      var wrap = figure.querySelector(".svg-wrap");
      if (action === "in") scale = Math.min(scale * 1.25, 8);
      if (action === "out") scale = Math.max(scale / 1.25, 0.1);
      if (action === "reset") scale = 1;
      if (action === "fit") scale = (wrap.clientWidth - 4) * 0.75 / natural;
      apply();
    });
  });
})();
