// The presenter view: one agenda cell at a time; keyboard and buttons move through them.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll("#slides .slide"));
  var where = document.getElementById("where");
  var current = 0;
  document.body.classList.add("js-slides");
  var show = function (index) {
    if (!slides.length) return;
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (slide, i) { slide.classList.toggle("is-current", i === current); });
    where.textContent = (current + 1) + " of " + slides.length;
    window.scrollTo(0, 0);
  };
  var start = slides.findIndex(function (s) { return s.id && "#" + s.id === window.location.hash; });
  show(start < 0 ? 0 : start);
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    var moves = { ArrowRight: 1, PageDown: 1, " ": 1, ArrowLeft: -1, PageUp: -1 };
    if (event.key in moves) {
      event.preventDefault();
      show(current + moves[event.key]);
    } else if (event.key === "Home") {
      event.preventDefault();
      show(0);
    } else if (event.key === "End") {
      event.preventDefault();
      show(slides.length - 1);
    }
  });
})();
