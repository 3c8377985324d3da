// Progressive enhancement only: the page reads in full without it.
(function () {
  "use strict";
  var table = document.getElementById("matrix-table");
  if (table) {
    var body = table.tBodies[0];
    var buttons = table.querySelectorAll("button[data-sort]");
    var keyOf = function (row, key) {
      var raw = row.dataset[key] || "";
      var value = parseFloat(raw);
      return isNaN(value) ? raw : value;
    };
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.sort;
        var current = button.getAttribute("aria-sort");
        var descending = current ? current === "ascending" : key !== "position" && key !== "date";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = keyOf(a, key), y = keyOf(b, key);
          var order = x < y ? -1 : x > y ? 1 : 0;
          if (descending) order = -order;
          return order || keyOf(a, "position") - keyOf(b, "position");
        });
        rows.forEach(function (row) { body.appendChild(row); });
        buttons.forEach(function (other) { other.removeAttribute("aria-sort"); });
        button.setAttribute("aria-sort", descending ? "descending" : "ascending");
      });
    });
  }
  // Following a link to a quote lights up every piece of it.
  var light = function () {
    document.querySelectorAll("mark.active").forEach(function (m) { m.classList.remove("active"); });
    var match = /^#q-(.+)$/.exec(location.hash);
    if (!match) return;
    document.querySelectorAll("mark[data-evidence]").forEach(function (m) {
      if (m.dataset.evidence.split(" ").indexOf(match[1]) >= 0) m.classList.add("active");
    });
  };
  window.addEventListener("hashchange", light);
  light();
})();
