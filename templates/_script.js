// Progressive enhancement only: without it the page reads in full (static matrix, static SVG).
(function () {
  "use strict";
  // A count as the report writes one: 10,000, not 10000.
  var count = function (n) { return n.toLocaleString("en-US"); };
  var table = document.getElementById("matrix-table");
  var controls = document.getElementById("matrix-controls");
  var evidenceData = document.getElementById("evidence-data");
  // The matrix's controls, the same for a written and a live matrix: what they ask for, the
  // column header that says the sort in force, and their events.
  var ascendingFirst = { position: true, date: true, source: true };
  var wanted = function () {
    var f = controls.elements;
    return {
      tag: f.tag ? f.tag.value : "",
      kind: f.kind.value,
      diagnosticOnly: f.diagnostic.checked,
      words: f.q.value.toLowerCase().split(/\s+/).filter(Boolean)
    };
  };
  var markSort = function (key, descending) {
    table.querySelectorAll("button[data-sort]").forEach(function (b) {
      // aria-sort belongs to the column header, not to the button in it.
      var header = b.closest("th");
      if (b.dataset.sort === key) header.setAttribute("aria-sort", descending ? "descending" : "ascending");
      else header.removeAttribute("aria-sort");
    });
    controls.elements.sort.value = key;
  };
  var wireControls = function (sortBy, filter) {
    table.querySelectorAll("button[data-sort]").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.sort;
        var current = button.closest("th").getAttribute("aria-sort");
        sortBy(key, current ? current === "ascending" : !ascendingFirst[key]);
      });
    });
    controls.hidden = false;
    controls.addEventListener("change", function (event) {
      if (event.target.name === "sort") sortBy(event.target.value, !ascendingFirst[event.target.value]);
      else if (event.target.name !== "q") filter();
    });
    var typing = 0;
    controls.elements.q.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(filter, 120);
    });
    controls.addEventListener("submit", function (event) { event.preventDefault(); });
    // A click on a row (not on a link or a focused cell's tip) shows its quote in the source.
    table.tBodies[0].addEventListener("click", function (event) {
      if (event.target.closest("a, button")) return;
      var row = event.target.closest("tr");
      if (row && row.dataset.quote) location.hash = "#" + row.dataset.quote;
    });
  };

  // A live matrix: every item's row and card are data in the page (render/html.py,
  // MATRIX_STATIC_CELLS); only the rows in view and one page of cards are drawn, with the
  // same markup as the static report's. Sorting, search and filters run over the data.
  var liveMatrix = function (data) {
    var items = data.items, codes = data.codes, columns = data.columns;
    var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&#34;", "'": "&#39;" };
    var esc = function (text) {
      return String(text).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
    };
    // [class, symbol, name, said by name]: an unrated cell's dot is hidden from screen
    // readers and its name said instead, as in the written matrix.
    var cellText = function (c) {
      return c[3] ? "<span aria-hidden=\"true\">" + esc(c[1]) + "</span><span class=\"sr-only\">" + esc(c[2]) + "</span>" : esc(c[1]);
    };
    var plain = codes.map(function (c) {
      return "<td class=\"cell r-" + c[0] + "\" title=\"" + esc(c[2]) + "\">" + cellText(c) + "</td>";
    });
    var rowHtml = function (e, index) {
      var id = esc(e.id);
      var html = "<tr id=\"row-" + id + "\"" + (e.quote ? " data-quote=\"q-" + id + "\"" : "") +
        (index === undefined ? "" : " aria-rowindex=\"" + index + "\"") + ">" +
        "<th scope=\"row\"><a href=\"#ev-" + id + "\">" + esc(e.summary) + "</a> <span class=\"kind k-" +
        esc(e.kind) + "\">" + esc(e.kind) + "</span>";
      if (e.linchpin) html += " <span class=\"flag\" title=\"removing this item alone changes the top hypothesis\">⚑ linchpin</span>";
      if (e.quote) html += " <a class=\"to-quote\" href=\"#q-" + id + "\" title=\"show the quote in its source\">¶" + (e.paragraph || "") + "</a>";
      html += "</th><td class=\"num\">" + esc(e.weight[1]) + "</td><td class=\"num\">" + esc(e.diagnosticity[1]) +
        "</td><td class=\"date\">" + esc(e.date || "") + "</td>";
      for (var j = 0; j < columns.length; j++) {
        var code = +e.ratings.charAt(j), why = e.rationale && e.rationale[j];
        if (!why) { html += plain[code]; continue; }
        var c = codes[code];
        html += "<td class=\"cell r-" + c[0] + "\" tabindex=\"0\" aria-label=\"" + esc(columns[j]) + ": " + esc(c[2]) +
          ". " + esc(why) + "\"><span aria-hidden=\"true\">" + esc(c[1]) + "</span><sup aria-hidden=\"true\">*</sup>" +
          "<span class=\"tip\" role=\"tooltip\">" + esc(c[2]) + ": " + esc(why) + "</span></td>";
      }
      return html + "</tr>";
    };
    var cardHtml = function (e) {
      var id = esc(e.id), kind = esc(e.kind);
      var meta = ["<span class=\"kind k-" + kind + "\">" + kind + "</span>",
        "<span>credibility <strong>" + esc(e.credibility) + "</strong></span>",
        "<span>relevance <strong>" + esc(e.relevance) + "</strong></span>",
        "<span>diagnosticity <strong>" + esc(e.diagnosticity[1]) + "</strong></span>",
        "<span title=\"spread of log-likelihoods across hypotheses\">likelihood spread <strong>" + esc(e.likelihood[1]) + "</strong></span>"];
      if (e.linchpin) meta.push("<span class=\"flag\">⚑ linchpin</span>");
      if (e.group) meta.push("<span>group: <strong>" + esc(e.group) + "</strong></span>");
      if (e.dependent) meta.push("<span title=\"items sharing an originator or group count 1/k each\">one of " + e.dependent + " dependent items</span>");
      if (e.date) meta.push("<span>" + esc(e.date) + "</span>");
      if (e.originator) meta.push("<span>originator: <strong>" + esc(e.originator) + "</strong></span>");
      (e.tags || []).forEach(function (tag) { meta.push("<span class=\"tag\">#" + esc(tag) + "</span>"); });
      var html = "<article class=\"evidence-item k-" + kind + "\" id=\"ev-" + id + "\">\n<h3>" + esc(e.summary) +
        " <code class=\"id\">" + id + "</code></h3>\n<p class=\"meta\">\n" + meta.join("\n") + "\n</p>\n";
      if (e.quote) {
        html += "<blockquote cite=\"#src-" + esc(e.source || "") + "\">" + esc(e.quote) + "</blockquote>\n" +
          "<p class=\"cite\">— <a href=\"#q-" + id + "\">" + esc(e.source_title || "") +
          (e.paragraph ? ", ¶" + e.paragraph : "") + "</a></p>\n";
      }
      var rated = [];
      for (var j = 0; j < columns.length; j++) {
        var code = +e.ratings.charAt(j), why = e.rationale && e.rationale[j];
        if (!why && !data.direction[code]) continue;
        rated.push("<li><span class=\"cell r-" + codes[code][0] + "\">" + cellText(codes[code]) + "</span> " + esc(columns[j]) +
          (why ? " — <span class=\"rationale\">" + esc(why) + "</span>" : "") + "</li>");
      }
      html += "<ul class=\"ratings\">\n" + rated.join("\n") + "\n</ul>\n";
      var neutral = columns.length - rated.length;
      if (neutral) {
        html += "<p class=\"small muted\">Neutral, not applicable or unrated on the other " + neutral + " hypothes" +
          (neutral === 1 ? "is" : "es") + ".</p>\n";
      }
      return html + "</article>";
    };
    var byId = {};
    items.forEach(function (e, index) { byId[e.id] = index; });
    window.argmapReport = {
      matrixRow: function (id) { return id in byId ? rowHtml(items[byId[id]]) : null; },
      evidenceCard: function (id) { return id in byId ? cardHtml(items[byId[id]]) : null; }
    };
    document.querySelectorAll(".static-only").forEach(function (note) { note.hidden = true; });

    // --- the matrix: rows in view only ---
    var wrap = table.closest(".table-wrap");
    var body = table.tBodies[0];
    var KEYS = {
      position: function (e) { return e.position; },
      diagnosticity: function (e) { return e.diagnosticity[0]; },
      likelihood: function (e) { return e.likelihood[0]; },
      credibility: function (e) { return e.weight[0]; },
      date: function (e) { return e.date || ""; },
      source: function (e) { return e.source_title || ""; }
    };
    var ordered = items.slice(), view = ordered, active = null;
    var rowHeight = 0, drawn = [-1, -1], OVERSCAN = 12;
    table.classList.add("virtual");
    if (table.tHead) {
      Array.prototype.forEach.call(table.tHead.rows, function (row, k) { row.setAttribute("aria-rowindex", String(k + 1)); });
    }
    table.style.width = (39.4 + 6 * columns.length) + "rem";
    var spacer = function (rows) {
      return rows > 0 ? "<tr class=\"spacer\" aria-hidden=\"true\"><td colspan=\"" + (columns.length + 4) +
        "\" style=\"height:" + (rows * rowHeight) + "px\"></td></tr>" : "";
    };
    var draw = function (force) {
      if (!rowHeight) {
        body.innerHTML = view.length ? rowHtml(view[0]) : "";
        rowHeight = body.rows.length ? body.rows[0].getBoundingClientRect().height || 30 : 30;
        body.innerHTML = spacer(view.length);  // the frame at its full height before measuring it
      }
      var offset = wrap.scrollTop - body.offsetTop;
      var first = Math.max(0, Math.floor(offset / rowHeight) - OVERSCAN);
      var last = Math.min(view.length, Math.ceil((offset + wrap.clientHeight) / rowHeight) + OVERSCAN);
      if (!force && first === drawn[0] && last === drawn[1]) return;
      drawn = [first, last];
      var html = [spacer(first)];
      // Assistive technology hears the whole table's size and each drawn row's place in it.
      var above = table.tHead ? table.tHead.rows.length : 0;
      var below = table.tFoot ? Array.prototype.slice.call(table.tFoot.rows) : [];
      table.setAttribute("aria-rowcount", String(above + view.length + below.length));
      below.forEach(function (row, k) { row.setAttribute("aria-rowindex", String(above + view.length + k + 1)); });
      for (var i = first; i < last; i++) html.push(rowHtml(view[i], above + i + 1));
      html.push(spacer(view.length - last));
      body.innerHTML = html.join("");
      if (active) {
        var row = document.getElementById("row-" + active);
        if (row) row.classList.add("active");
      }
    };
    var pending = false;
    wrap.addEventListener("scroll", function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; draw(false); });
    });
    window.addEventListener("resize", function () { draw(true); });
    var haystack = null;
    var filter = function () {
      var want = wanted(), words = want.words;
      if (words.length && !haystack) {
        haystack = items.map(function (e) {
          return [e.id, e.summary, e.quote || "", (e.tags || []).join(" "), e.originator || "", e.source_title || ""]
            .join("\n").toLowerCase();
        });
      }
      view = ordered.filter(function (e) {
        if (want.tag && (e.tags || []).indexOf(want.tag) < 0) return false;
        if (want.kind && e.kind !== want.kind) return false;
        if (want.diagnosticOnly && !(e.diagnosticity[0] > 0)) return false;
        var text = words.length ? haystack[byId[e.id]] : "";
        return words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      controls.elements.count.value = "Showing " + count(view.length) + " of " + count(items.length) + " rows";
      wrap.scrollTop = 0;
      draw(true);
    };
    var sortBy = function (key, descending) {
      var value = KEYS[key];
      ordered.sort(function (a, b) {
        var x = value(a), y = value(b);
        var order = x < y ? -1 : x > y ? 1 : 0;
        if (descending) order = -order;
        return order || a.position - b.position;
      });
      markSort(key, descending);
      filter();
    };
    wireControls(sortBy, filter);
    filter();

    // --- the cards: one page at a time ---
    var cards = document.getElementById("evidence-cards");
    var pager = document.querySelector(".cards-pager");
    var CARDS = 50, cardPage = -1;
    var showCards = function (page) {
      var pages = Math.max(1, Math.ceil(items.length / CARDS));
      page = Math.max(0, Math.min(page, pages - 1));
      if (page === cardPage) return;
      cardPage = page;
      cards.innerHTML = items.slice(page * CARDS, (page + 1) * CARDS).map(cardHtml).join("\n");
      pager.hidden = pages < 2;
      pager.querySelector(".page-label").textContent = "items " + count(page * CARDS + 1) + "–" +
        count(Math.min(items.length, (page + 1) * CARDS)) + " of " + count(items.length);
      pager.querySelector("[data-page=prev]").disabled = page === 0;
      pager.querySelector("[data-page=next]").disabled = page >= pages - 1;
    };
    if (cards && pager) {
      pager.addEventListener("click", function (event) {
        var step = event.target.dataset && event.target.dataset.page;
        if (!step) return;
        showCards(cardPage + (step === "next" ? 1 : -1));
        pager.scrollIntoView({ block: "start" });
      });
      showCards(0);
    }

    // Arriving at an item's row or card (from a diagram, a quote, a link) draws it first.
    var arrive = function () {
      var match = /^#(row|ev)-(.+)$/.exec(location.hash);
      if (!match) return;
      var id = decodeURIComponent(match[2]);
      if (!(id in byId)) return;
      if (match[1] === "ev") {
        if (!cards) return;
        showCards(Math.floor(byId[id] / CARDS));
        var card = document.getElementById("ev-" + id);
        if (card) card.scrollIntoView({ block: "start" });
        return;
      }
      var at = view.indexOf(items[byId[id]]);
      if (at < 0) {
        controls.reset();
        sortBy(controls.elements.sort.value, !ascendingFirst[controls.elements.sort.value]);
        at = view.indexOf(items[byId[id]]);
      }
      active = id;
      wrap.scrollTop = body.offsetTop + at * rowHeight - wrap.clientHeight / 2;
      draw(true);
      wrap.scrollIntoView({ block: "nearest" });
    };
    window.addEventListener("hashchange", arrive);
    arrive();
  };

  if (table && controls && evidenceData) {
    liveMatrix(JSON.parse(evidenceData.textContent));
  } else if (table && controls) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
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
      markSort(key, descending);
    };
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
    // Search reads a row's item as its card shows it: id, summary, quote, tags, originator.
    var texts = {};
    var textOf = function (row) {
      if (!(row.id in texts)) {
        var card = document.getElementById("ev-" + row.id.slice(4));
        texts[row.id] = (row.id.slice(4) + "\n" + (card || row).textContent).toLowerCase();
      }
      return texts[row.id];
    };
    var filter = function () {
      var want = wanted(), words = want.words;
      var shown = 0;
      rows.forEach(function (row) {
        var visible = (!want.tag || (" " + row.dataset.tags + " ").indexOf(" " + want.tag + " ") >= 0) &&
          (!want.kind || row.dataset.kind === want.kind) &&
          (!want.diagnosticOnly || parseFloat(row.dataset.diagnosticity) > 0) &&
          (!words.length || words.every(function (w) { return textOf(row).indexOf(w) >= 0; }));
        row.classList.toggle("hidden", !visible);
        if (visible) shown += 1;
      });
      controls.elements.count.value = "Showing " + count(shown) + " of " + count(rows.length) + " rows";
      page = 0;
      paginate();
    };
    wireControls(sortBy, filter);
    filter();
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

  // Zoom for the diagrams. Each drawing opens fitted to its frame on both axes, never enlarged
  // past 100% (a small map reads best at its own size, centred), in a frame no taller than 80%
  // of the viewport. Ctrl/⌘ + wheel and a trackpad pinch (which Chromium sends as ctrl + wheel)
  // zoom around the pointer; a plain wheel keeps scrolling the page, so the frame never traps it.
  // A touch pinch zooms too (two fingers; one finger scrolls as usual), a mouse drags to pan, and
  // with the frame focused + − 0 f zoom and the arrow keys pan. A drawing hidden at load (a map
  // picked later, the evidence map's other variant) is fitted when it first gets a size, and
  // refitted on resize until its reader zooms. window.argmapFit(figure) fits a figure on demand.
  var MIN_SCALE = 0.05, MAX_SCALE = 8, STEP = 1.25;
  var px = function (value) { return parseFloat(value) || 0; };
  var naturalPx = function (value, fallback) {
    var number = parseFloat(value);
    if (!number) return fallback;
    return /pt$/.test(value) ? number * 4 / 3 : number;
  };
  var figureOf = function (wrap) { return wrap.closest(".diagram"); };
  var currentViewer = function (figure) {
    var found = null;
    figure.querySelectorAll(".svg-wrap").forEach(function (wrap) {
      if (!found && !wrap.hidden && wrap.argmapViewer) found = wrap.argmapViewer;
    });
    return found;
  };
  var Viewer = function (wrap, svg) {
    var box = svg.viewBox && svg.viewBox.baseVal;
    this.wrap = wrap;
    this.svg = svg;
    this.width = naturalPx(svg.getAttribute("width"), box ? box.width * 4 / 3 : 300);
    this.height = naturalPx(svg.getAttribute("height"), box ? box.height * 4 / 3 : 150);
    this.scale = 1;
    this.zoomed = false;
    this.lastWidth = -1;
  };
  Viewer.prototype.frame = function () {
    var style = getComputedStyle(this.wrap);
    var maxHeight = px(style.maxHeight) || window.innerHeight * 0.8;
    return {
      x: px(style.paddingLeft) + px(style.paddingRight) + px(style.borderLeftWidth) + px(style.borderRightWidth),
      y: px(style.paddingTop) + px(style.paddingBottom) + px(style.borderTopWidth) + px(style.borderBottomWidth),
      maxHeight: maxHeight
    };
  };
  Viewer.prototype.size = function () {
    this.svg.setAttribute("width", (this.width * this.scale).toFixed(2));
    this.svg.setAttribute("height", (this.height * this.scale).toFixed(2));
    var level = figureOf(this.wrap).querySelector(".zoom-level");
    if (level && currentViewer(figureOf(this.wrap)) === this) level.textContent = Math.round(this.scale * 100) + "%";
    var wrap = this.wrap;
    wrap.classList.toggle("pannable", wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1);
  };
  Viewer.prototype.fit = function () {
    var outer = this.wrap.offsetWidth;
    if (!outer) return;  // hidden: fitted once it is shown
    var f = this.frame();
    var fit = Math.min(1, (outer - f.x) / this.width, (f.maxHeight - f.y) / this.height);
    this.scale = Math.max(MIN_SCALE, fit);
    this.zoomed = false;
    this.lastWidth = outer;
    this.wrap.style.height = Math.min(f.maxHeight, this.height * this.scale + f.y).toFixed(1) + "px";
    this.size();
    this.wrap.scrollLeft = 0;
    this.wrap.scrollTop = 0;
  };
  // Zoom to ``scale`` keeping the drawing's point under (x, y) — client coordinates — in place.
  Viewer.prototype.zoomTo = function (scale, x, y) {
    var frame = this.wrap.getBoundingClientRect();
    if (x === undefined) { x = frame.left + frame.width / 2; y = frame.top + frame.height / 2; }
    var before = this.svg.getBoundingClientRect();
    var fx = (x - before.left) / before.width, fy = (y - before.top) / before.height;
    this.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
    this.zoomed = true;
    var f = this.frame();
    var wanted = Math.min(f.maxHeight, this.height * this.scale + f.y);
    if (wanted > frame.height) this.wrap.style.height = wanted.toFixed(1) + "px";  // grows, never shrinks
    this.size();
    var after = this.svg.getBoundingClientRect();
    this.wrap.scrollLeft += after.left + fx * after.width - x;
    this.wrap.scrollTop += after.top + fy * after.height - y;
  };
  Viewer.prototype.listen = function () {
    var self = this, wrap = this.wrap;
    wrap.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      var delta = event.deltaY * (event.deltaMode === 1 ? 33 : event.deltaMode === 2 ? 400 : 1);
      delta = Math.max(-60, Math.min(60, delta));
      self.zoomTo(self.scale * Math.exp(-delta * 0.005), event.clientX, event.clientY);
    }, { passive: false });
    // Safari's trackpad pinch.
    var gestureStart = 1;
    wrap.addEventListener("gesturestart", function (event) { event.preventDefault(); gestureStart = self.scale; });
    wrap.addEventListener("gesturechange", function (event) {
      event.preventDefault();
      self.zoomTo(gestureStart * event.scale, event.clientX, event.clientY);
    });
    // Touch: two fingers pinch; one finger is left to the browser, which scrolls.
    var pinch = null;
    var spread = function (touches) {
      var a = touches[0], b = touches[1];
      return { d: Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY) || 1,
        x: (a.clientX + b.clientX) / 2, y: (a.clientY + b.clientY) / 2 };
    };
    wrap.addEventListener("touchstart", function (event) {
      if (event.touches.length === 2) pinch = { start: spread(event.touches), scale: self.scale };
    }, { passive: true });
    wrap.addEventListener("touchmove", function (event) {
      if (!pinch || event.touches.length !== 2) return;
      if (event.cancelable) event.preventDefault();
      var now = spread(event.touches);
      self.zoomTo(pinch.scale * now.d / pinch.start.d, now.x, now.y);
    }, { passive: false });
    wrap.addEventListener("touchend", function (event) { if (event.touches.length < 2) pinch = null; });
    // A mouse or pen drags the drawing; a drag does not follow the link it started on.
    var drag = null, dragged = false;
    wrap.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "touch" || event.button !== 0) return;
      drag = { id: event.pointerId, x: event.clientX, y: event.clientY,
        left: wrap.scrollLeft, top: wrap.scrollTop, moving: false };
      dragged = false;
    });
    wrap.addEventListener("pointermove", function (event) {
      if (!drag || event.pointerId !== drag.id) return;
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!drag.moving && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!drag.moving) {
        drag.moving = true;
        wrap.setPointerCapture(event.pointerId);
        wrap.classList.add("dragging");
        var selection = window.getSelection();
        if (selection) selection.removeAllRanges();
      }
      wrap.scrollLeft = drag.left - dx;
      wrap.scrollTop = drag.top - dy;
    });
    var stop = function (event) {
      if (!drag || event.pointerId !== drag.id) return;
      dragged = drag.moving;
      drag = null;
      wrap.classList.remove("dragging");
    };
    wrap.addEventListener("pointerup", stop);
    wrap.addEventListener("pointercancel", stop);
    wrap.addEventListener("click", function (event) {
      if (dragged) { event.preventDefault(); event.stopPropagation(); dragged = false; }
    }, true);
    wrap.addEventListener("dragstart", function (event) { event.preventDefault(); });
    wrap.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var key = event.key, step = 48;
      if (key === "+" || key === "=") self.zoomTo(self.scale * STEP);
      else if (key === "-" || key === "_") self.zoomTo(self.scale / STEP);
      else if (key === "0") self.zoomTo(1);
      else if (key === "f" || key === "F") self.fit();
      else if (/^Arrow/.test(key)) {
        var dx = key === "ArrowLeft" ? -step : key === "ArrowRight" ? step : 0;
        var dy = key === "ArrowUp" ? -step : key === "ArrowDown" ? step : 0;
        var room = dx < 0 ? wrap.scrollLeft : dx > 0 ? wrap.scrollWidth - wrap.clientWidth - wrap.scrollLeft
          : dy < 0 ? wrap.scrollTop : wrap.scrollHeight - wrap.clientHeight - wrap.scrollTop;
        if (room < 1) return;  // nothing to pan that way: the page scrolls
        wrap.scrollLeft += dx;
        wrap.scrollTop += dy;
      } else return;
      event.preventDefault();
    });
  };
  // The evidence map opens on its compact drawing; a button shows every drawn item instead.
  var evidenceMap = document.getElementById("evidence-map");
  var compactWrap = evidenceMap && evidenceMap.querySelector(".svg-wrap[data-variant=compact]");
  var allWrap = evidenceMap && evidenceMap.querySelector(".svg-wrap[data-variant=all]");
  if (compactWrap && allWrap) {
    var everyItem = document.createElement("button");
    everyItem.type = "button";
    everyItem.className = "variant-toggle";
    everyItem.textContent = "Show every drawn item";
    var showAll = function (all) {
      allWrap.hidden = !all;
      compactWrap.hidden = all;
      everyItem.setAttribute("aria-pressed", all ? "true" : "false");
    };
    everyItem.addEventListener("click", function () {
      showAll(everyItem.getAttribute("aria-pressed") !== "true");
    });
    evidenceMap.querySelector("figcaption").append(" ", everyItem);
    showAll(false);
  }
  var viewers = [];
  var observer = window.ResizeObserver && new ResizeObserver(function (entries) {
    // Fitting sets the frame's height, so it waits a frame (no resize loop).
    requestAnimationFrame(function () {
      entries.forEach(function (entry) {
        var viewer = entry.target.argmapViewer;
        var width = entry.target.offsetWidth;
        if (viewer && width && width !== viewer.lastWidth && (!viewer.zoomed || viewer.lastWidth <= 0)) viewer.fit();
        else if (viewer && width) viewer.size();
      });
    });
  });
  document.querySelectorAll(".diagram").forEach(function (figure) {
    var wraps = figure.querySelectorAll(".svg-wrap");
    wraps.forEach(function (wrap) {
      var svg = wrap.querySelector("svg");
      if (!svg) return;
      var viewer = new Viewer(wrap, svg);
      wrap.argmapViewer = viewer;
      wrap.classList.add("viewer");
      viewer.listen();
      viewers.push(viewer);
      if (observer) observer.observe(wrap);
    });
    if (!figure.querySelector(".viewer")) return;
    var bar = document.createElement("div");
    bar.className = "zoom";
    bar.innerHTML = '<button type="button" data-zoom="out" aria-label="Zoom out">−</button>' +
      '<span class="zoom-level">100%</span>' +
      '<button type="button" data-zoom="in" aria-label="Zoom in">+</button>' +
      '<button type="button" data-zoom="fit" title="Fit the whole drawing in the frame">Fit</button>' +
      '<button type="button" data-zoom="reset" title="Actual size">100%</button>' +
      '<span class="zoom-help">Ctrl/⌘ + wheel or pinch to zoom, drag to pan; in the focused frame: + − 0 f and arrows</span>';
    figure.insertBefore(bar, wraps[0]);
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      var viewer = currentViewer(figure);
      if (!button || !viewer) return;
      var action = button.dataset.zoom;
      if (action === "in") viewer.zoomTo(viewer.scale * STEP);
      if (action === "out") viewer.zoomTo(viewer.scale / STEP);
      if (action === "reset") viewer.zoomTo(1);
      if (action === "fit") viewer.fit();
    });
  });
  viewers.forEach(function (viewer) { viewer.fit(); });
  window.addEventListener("resize", function () {
    viewers.forEach(function (viewer) { if (!viewer.zoomed) viewer.fit(); });
  });
  window.argmapFit = function (figure) {
    figure.querySelectorAll(".svg-wrap").forEach(function (wrap) {
      if (wrap.argmapViewer) wrap.argmapViewer.fit();
    });
    var viewer = currentViewer(figure);
    if (viewer) viewer.size();
  };
})();

// Map selector: one argument map at a time (a hypothesis's focused map, or the overview), picked
// from a list; the overview's evidence badges open into the drawing with every item. Without
// JavaScript every map and both drawings of the overview are shown.
(function () {
  var views = document.getElementById("argument-maps");
  if (!views) return;
  var figures = Array.prototype.slice.call(views.querySelectorAll(":scope > figure.diagram"));
  var overview = document.getElementById("argument-map");
  var fit = function (figure) { if (window.argmapFit) window.argmapFit(figure); };
  if (overview && overview.querySelector(".svg-wrap[data-variant=all]")) {
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "variant-toggle";
    toggle.setAttribute("aria-pressed", "false");
    toggle.textContent = "Show every evidence item";
    var variant = function (all) {
      overview.querySelectorAll(".svg-wrap[data-variant]").forEach(function (wrap) {
        wrap.hidden = (wrap.dataset.variant === "all") !== all;
      });
      toggle.setAttribute("aria-pressed", all ? "true" : "false");
      fit(overview);
    };
    toggle.addEventListener("click", function () {
      variant(toggle.getAttribute("aria-pressed") !== "true");
    });
    overview.querySelector("figcaption").appendChild(document.createTextNode(" "));
    overview.querySelector("figcaption").appendChild(toggle);
    variant(false);
  }
  if (figures.length < 2) return;
  var label = document.createElement("label");
  label.className = "map-select";
  label.textContent = "Show the argument map of ";
  var select = document.createElement("select");
  select.id = "map-select";
  figures.forEach(function (figure) {
    var option = document.createElement("option");
    option.value = figure.id;
    var title = figure.querySelector("figcaption strong");
    option.textContent = figure.dataset.focus && title ? title.textContent : "the whole case (overview)";
    // A map that goes on from another is indented under it, one step per level.
    for (var up = figure.dataset.continues; up; up = (document.getElementById("map-" + up) || {dataset: {}}).dataset.continues) {
      option.textContent = "\u2003" + option.textContent;
    }
    if (figure.dataset.continues) option.textContent = option.textContent.replace(/^(\u2003+)/, "$1↳ ");
    select.appendChild(option);
  });
  label.appendChild(select);
  views.insertBefore(label, figures[0]);
  var show = function (id) {
    figures.forEach(function (figure) { figure.hidden = figure.id !== id; });
    select.value = id;
    fit(document.getElementById(id));
  };
  select.addEventListener("change", function () { show(select.value); });
  // A link to a map (#map-…, #argument-map) or into one (a node's id) picks that map.
  var follow = function () {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var figure = target && target.closest && target.closest("#argument-maps > figure.diagram");
    if (figure) { show(figure.id); return true; }
    return false;
  };
  window.addEventListener("hashchange", follow);
  if (!follow()) show(document.getElementById(views.dataset.default) ? views.dataset.default : figures[0].id);
})();

// Workshop (templates/_workshop.html): the heatmap filtered by band, and the discussion
// agenda folded after its first items. Without script every cell and item shows.
(function () {
  "use strict";
  var count = function (n) { return n.toLocaleString("en-US"); };  // as above: 10,000
  var filter = document.getElementById("heat-filter");
  var heatmap = document.getElementById("heatmap");
  if (filter && heatmap) {
    var boxes = Array.prototype.slice.call(filter.querySelectorAll("input[type=checkbox]"));
    var status = document.getElementById("heat-filter-status");
    var rows = Array.prototype.slice.call(heatmap.tBodies[0].rows);
    var apply = function () {
      var shown = {};
      boxes.forEach(function (box) { shown[box.value] = box.checked; });
      var visible = 0;
      rows.forEach(function (row) {
        var any = false;
        Array.prototype.forEach.call(row.querySelectorAll("td.heat"), function (cell) {
          var on = shown[cell.getAttribute("data-band")] === true;
          cell.classList.toggle("heat-off", !on);
          any = any || on;
        });
        row.hidden = !any;
        if (any) visible += 1;
      });
      status.textContent = visible === rows.length ? "Every item shown." :
        count(visible) + " of " + count(rows.length) + " items have a cell of the bands chosen.";
    };
    boxes.forEach(function (box) { box.addEventListener("change", apply); });
    filter.hidden = false;
    apply();
  }
  var agenda = document.getElementById("agenda");
  var later = agenda ? agenda.querySelectorAll("li.later") : [];
  if (later.length) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "agenda-more";
    button.setAttribute("aria-controls", "agenda");
    var fold = function (folded) {
      agenda.classList.toggle("folded", folded);
      button.setAttribute("aria-expanded", String(!folded));
      button.textContent = folded ? "Show the other " + later.length + " disputed cells" :
        "Show only the first " + agenda.getAttribute("data-unfolded");
    };
    button.addEventListener("click", function () { fold(!agenda.classList.contains("folded")); });
    agenda.parentNode.insertBefore(button, agenda.nextSibling);
    // A link to an item further down (#agenda-40) unfolds the list.
    var follow = function () {
      var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target && target.classList && target.classList.contains("later")) fold(false);
    };
    fold(true);
    window.addEventListener("hashchange", follow);
    follow();
  }
})();
