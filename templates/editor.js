// argmap edit (docs/editor.md): the page asks the editor for the case as JSON and sends each
// change as one operation; the editor checks it, writes the lines it concerns and answers.
// Every text from the case goes into the page as text (textContent), never as markup.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-data").textContent);
  var VOCAB = config.vocabulary;
  var UNRATED = config.unrated;  // {symbol, name}: a cell with no rating
  var CODES = VOCAB.map(function (r) { return r.code; });
  var BY_CODE = {};
  VOCAB.forEach(function (r) { BY_CODE[r.code] = r; });
  var SCALE = VOCAB.filter(function (r) { return r.points !== null; })
    .sort(function (a, b) { return a.points - b.points; })
    .map(function (r) { return r.code; });
  var NEUTRAL = VOCAB.filter(function (r) { return r.points === 0; }).map(function (r) { return r.code; })[0];
  var state = null;
  var active = { evidence: null, hypothesis: null };
  var currentSource = null;
  var shownSource = null;  // the source and version the reader shows
  var selection = null;
  var mapVersion = 0;
  var busy = false;

  function $(id) { return document.getElementById(id); }

  function h(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function say(text, isError) {
    var status = $("status");
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  // --- talking to the editor ---------------------------------------------------------------

  function get(path) {
    return fetch(config.api + path, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }

  function send(change, form) {
    clearErrors(form);
    return fetch(config.api + "/change", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrf },
      body: JSON.stringify(change)
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    }).then(function (answer) {
      var body = answer.body;
      if (answer.status === 200) {
        // Said once the page shows the change: the next key reads the cell as it is now.
        var shown = body.state ? Promise.resolve(show(body.state)) : load();
        return shown.then(function () { say("Saved: " + body.done + "."); return body; });
      }
      if (body.refused) {
        showProblems(form, body.refused);
        say("Not saved: " + body.error, true);
      } else {
        say("Not saved: " + (body.error || "the editor refused the change"), true);
        if (form) formError(form, body.error || "refused");
      }
      return load().then(function () { return null; });
    }, function () {
      say("Not saved: the editor does not answer (was it stopped?)", true);
      return null;
    });
  }

  function show(next) {
    state = next;
    reindex();
    render();
  }

  function load() {
    return get("/state" + (state ? "?version=" + state.version : "")).then(function (answer) {
      if (answer.status !== 200 || answer.body.same) return;
      show(answer.body);
    });
  }

  // --- errors at their fields ----------------------------------------------------------------

  function clearErrors(form) {
    if (!form) return;
    form.querySelectorAll("[aria-invalid]").forEach(function (field) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    });
    form.querySelectorAll(".field-error.dynamic").forEach(function (node) { node.remove(); });
    var general = form.querySelector(".form-error");
    if (general) { general.hidden = true; general.textContent = ""; }
  }

  function formError(form, text) {
    var general = form.querySelector(".form-error");
    if (general) { general.textContent = text; general.hidden = false; }
  }

  function fieldName(path) {
    // "evidence[alarm].quote", "arguments[x].premises[0]", "hypotheses[h].parent"
    var last = path.split(".").pop() || "";
    return last.replace(/\[.*$/, "");
  }

  function describe(problem) {
    var where = problem.file + (problem.line ? ":" + problem.line : "");
    return problem.message + (problem.hint ? " — " + problem.hint : "") + " (" + where + ")";
  }

  var ALIASES = { supports: "target", attacks: "target", undercuts: "target", ratings: "rating" };

  function showProblems(form, problems) {
    var leftover = [];
    problems.forEach(function (problem, index) {
      var name = fieldName(problem.field);
      var field = form && (form.querySelector('[name="' + name + '"]') ||
        form.querySelector('[name="' + (ALIASES[name] || "") + '"]'));
      if (!field) { leftover.push(describe(problem)); return; }
      var note = h("p", { className: "field-error dynamic", id: form.id + "-problem-" + index, text: describe(problem) });
      var anchor = field.closest("fieldset") || field;
      anchor.insertAdjacentElement("afterend", note);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", note.id);
      if (index === 0) field.focus();
    });
    if (leftover.length && form) formError(form, leftover.join(" "));
    else if (leftover.length) say("Not saved: " + leftover.join(" "), true);
  }

  // --- the whole page ----------------------------------------------------------------------------

  function render() {
    $("case-title").textContent = state.title;
    $("case-question").textContent = state.question;
    document.title = "argmap edit: " + state.title;
    $("undo").disabled = !state.undo;
    $("redo").disabled = !state.redo;
    $("undo").title = state.undo ? "Undo: " + state.undo : "Nothing to undo";
    $("redo").title = state.redo ? "Redo: " + state.redo : "Nothing to redo";
    $("notice").hidden = !state.notice;
    $("notice-text").textContent = state.notice || "";
    var broken = $("broken-list");
    clear(broken);
    (state.broken || []).forEach(function (p) { broken.appendChild(h("li", { text: describe(p) })); });
    $("broken").hidden = !(state.broken && state.broken.length);
    renderWarnings();
    renderMatrix();
    renderSide();
    // The other panels are drawn when they are shown (a long list of premises costs).
    if (!$("panel-sources").hidden) renderSources();
    if (!$("panel-map").hidden) renderMapPanel();
  }

  function renderWarnings() {
    var list = $("warning-list");
    clear(list);
    (state.warnings || []).forEach(function (p) { list.appendChild(h("li", { text: describe(p) })); });
    $("warnings").hidden = !(state.warnings && state.warnings.length);
    $("warnings-h").textContent = "Warnings (" + (state.warnings || []).length + ")";
  }

  var index = { hypotheses: {}, evidence: {} };

  function reindex() {
    index = { hypotheses: {}, evidence: {} };
    state.hypotheses.forEach(function (x) { index.hypotheses[x.id] = x; });
    state.evidence.forEach(function (x) { index.evidence[x.id] = x; });
  }

  function hypothesis(id) { return index.hypotheses[id]; }

  function item(id) { return index.evidence[id]; }

  // --- the matrix --------------------------------------------------------------------------------

  function rows() {
    var list = state.evidence.slice();
    var diag = (state.scores && state.scores.diagnosticity) || {};
    if ($("hide-flat").checked) list = list.filter(function (e) { return (diag[e.id] || 0) > 0; });
    if ($("sort").value === "diagnosticity") {
      list.sort(function (a, b) { return (diag[b.id] || 0) - (diag[a.id] || 0); });
    }
    return list;
  }

  // A rating as the report and the rating sheet show it: the symbol, with its name and the
  // code the keys type in words (title, accessible name) and in the legend.
  function symbolOf(code) { return code ? BY_CODE[code].symbol : UNRATED.symbol; }

  function nameOf(code) { return code ? BY_CODE[code].name + " (" + code + ")" : UNRATED.name; }

  function cellLabel(e, hid, code) {
    var meaning = nameOf(code);
    var why = e.rationale[hid] ? ", with a rationale" : "";
    return e.summary + " against " + (hypothesis(hid) || { title: hid }).title + ": " + meaning + why;
  }

  // The grid is built once for a set of rows and columns; a change of ratings, scores or
  // words then updates the cells in place (a case of 20 x 1,000 is 20,000 buttons).
  var built = null;

  function matrixShape(list) {
    return state.leaves.map(function (hid) { return hid + "\u0001" + hypothesis(hid).title; }).join("\u0002") +
      "\u0003" + list.map(function (e) { return e.id; }).join("\u0002");
  }

  function paintCell(button, e, hid) {
    var code = e.ratings[hid] || "";
    var why = e.rationale[hid] ? "1" : "";
    if (button.dataset.code === code && button.dataset.why === why && button.dataset.summary === e.summary) return;
    button.dataset.code = code;
    button.dataset.why = why;
    button.dataset.summary = e.summary;
    button.className = "cell" + (code ? " r-" + code : "") + (why ? " has-why" : "");
    button.textContent = symbolOf(code);
    button.title = nameOf(code);
    button.setAttribute("aria-label", cellLabel(e, hid, code));
  }

  function renderMatrix() {
    var leaves = state.leaves;
    var empty = !leaves.length && !state.evidence.length;
    $("matrix-empty").hidden = !empty;
    $("matrix-layout").hidden = empty;
    $("matrix-tools").hidden = empty;
    var list = rows();
    if (!active.evidence || !item(active.evidence)) active.evidence = list.length ? list[0].id : null;
    if (!active.hypothesis || leaves.indexOf(active.hypothesis) < 0) active.hypothesis = leaves[0] || null;
    var diag = (state.scores && state.scores.diagnosticity) || {};
    var shape = empty ? "" : matrixShape(list);
    if (built && built.shape === shape) {
      list.forEach(function (e) {
        var row = built.rows[e.id];
        if (row.summary.textContent !== e.summary) row.summary.textContent = e.summary;
        leaves.forEach(function (hid) { paintCell(row.cells[hid], e, hid); });
        var text = diag[e.id] === undefined ? "" : shownDiagnosticity(e.id);
        if (row.diag.textContent !== text) row.diag.textContent = text;
      });
      renderScores();
      return;
    }
    var had = document.activeElement && document.activeElement.classList.contains("cell");
    var head = $("matrix-head"), body = $("matrix-body");
    clear(head); clear(body);
    built = null;
    if (empty) { clear($("matrix-foot")); return; }
    built = { shape: shape, rows: {} };
    var top = h("tr", null, h("th", { scope: "col", className: "item-col", text: "Evidence item" }));
    leaves.forEach(function (hid) {
      var hyp = hypothesis(hid);
      top.appendChild(h("th", { scope: "col", className: "hyp-col" },
        h("span", { className: "hyp-title", text: hyp.title }), h("code", { className: "id", text: hid })));
    });
    top.appendChild(h("th", { scope: "col", className: "num", text: "Diagnosticity" }));
    head.appendChild(top);
    var rowsBuilt = document.createDocumentFragment();
    list.forEach(function (e) {
      var summary = h("span", { className: "summary", text: e.summary });
      var row = h("tr", { "data-evidence": e.id },
        h("th", { scope: "row", className: "item-col" }, summary, " ", h("code", { className: "id", text: e.id })));
      var cells = {};
      leaves.forEach(function (hid) {
        var isActive = e.id === active.evidence && hid === active.hypothesis;
        var button = h("button", {
          type: "button", "data-evidence": e.id, "data-hypothesis": hid,
          tabindex: isActive ? "0" : "-1", "aria-current": isActive ? "true" : null
        });
        paintCell(button, e, hid);
        cells[hid] = button;
        row.appendChild(h("td", null, button));
      });
      var diagCell = h("td", { className: "num", text: diag[e.id] === undefined ? "" : shownDiagnosticity(e.id) });
      row.appendChild(diagCell);
      built.rows[e.id] = { summary: summary, cells: cells, diag: diagCell };
      rowsBuilt.appendChild(row);
    });
    body.appendChild(rowsBuilt);
    renderScores();
    if (had) focusActive();
  }

  // Figures as the report writes them: made by the server (argmap.wording.figure).
  function shownDiagnosticity(id) {
    return state.scores.shown.diagnosticity[id];
  }

  function renderScores() {
    var foot = $("matrix-foot");
    clear(foot);
    if (!(state.scores && state.scores.ranking)) return;
    var s = state.scores;
    var lines = [
      ["Weighted inconsistency (nearer 0 is better)", function (hid) { return s.shown.score[hid]; }],
      ["Rank", function (hid) { return String(s.rank[hid]); }],
      ["Posterior", function (hid) { return s.shown.posterior[hid]; },
        "Whole percent, never 0% or 100%. The report rounds it to its confidence (5 points " +
        "when low), which it finds by re-rating the case at random."]
    ];
    lines.forEach(function (line) {
      var tr = h("tr", null, h("th", { scope: "row", text: line[0], title: line[2] || null }));
      state.leaves.forEach(function (hid) {
        var best = s.ranking[0] === hid;
        tr.appendChild(h("td", { className: "num" + (best ? " best" : ""), text: line[1](hid) }));
      });
      tr.appendChild(h("td"));
      foot.appendChild(tr);
    });
  }

  function activeButton() {
    return document.querySelector('button.cell[data-evidence="' + cssEscape(active.evidence) +
      '"][data-hypothesis="' + cssEscape(active.hypothesis) + '"]');
  }

  function cssEscape(text) { return window.CSS && CSS.escape ? CSS.escape(text || "") : text; }

  function focusActive() {
    var button = activeButton();
    if (button) button.focus();
  }

  function setActive(evidence, hid, focus) {
    document.querySelectorAll("button.cell[tabindex='0']").forEach(function (b) {
      b.tabIndex = -1; b.removeAttribute("aria-current");
    });
    active.evidence = evidence; active.hypothesis = hid;
    var button = activeButton();
    if (button) {
      button.tabIndex = 0;
      button.setAttribute("aria-current", "true");
      if (focus) button.focus();
    }
    renderSide();
  }

  function move(dRow, dCol) {
    var list = rows().map(function (e) { return e.id; });
    var r = list.indexOf(active.evidence), c = state.leaves.indexOf(active.hypothesis);
    r = Math.max(0, Math.min(list.length - 1, r + dRow));
    c = Math.max(0, Math.min(state.leaves.length - 1, c + dCol));
    setActive(list[r], state.leaves[c], true);
  }

  function rate(evidence, hid, code) {
    var button = activeButton();
    if (button && code) { button.textContent = symbolOf(code); }
    return send({ op: "rate", evidence: evidence, hypothesis: hid, rating: code || null }, null).then(function (done) {
      if (!done && button && item(evidence)) {  // refused: the cell as it stands
        button.dataset.code = "\u0000";
        paintCell(button, item(evidence), hid);
      }
      return done;
    });
  }

  // Typing a code's letter rates the cell with it; typing a letter that, after the cell's
  // rating, spells a code gives that code (C on a C cell makes CC, N then A makes NA, I on
  // an I cell makes II); + and - go one step up or down the scale.
  function codeFor(current, key) {
    if (current && CODES.indexOf(current + key) >= 0) return current + key;
    if (CODES.indexOf(key) >= 0) return key;
    return null;
  }

  function step(current, by) {
    var at = SCALE.indexOf(current);
    if (at < 0) return NEUTRAL;
    return SCALE[Math.max(0, Math.min(SCALE.length - 1, at + by))];
  }

  // The legend under the matrix: each rating's symbol, name and the code its keys type.
  function ratingLegend() {
    var list = $("rating-legend");
    VOCAB.forEach(function (r) {
      list.appendChild(h("li", null, h("span", { className: "chip r-" + r.code, text: r.symbol }), " " + r.name + " ",
        h("kbd", { text: r.code })));
    });
    list.appendChild(h("li", null, h("span", { className: "chip unrated", text: UNRATED.symbol }), " " + UNRATED.name + " ",
      h("span", { className: "muted", text: "(Delete clears)" })));
  }

  function keyHelp() {
    var list = $("key-help");
    var lines = ["Arrow keys, Home, End: move between cells"];
    var singles = CODES.filter(function (c) { return c.length === 1; });
    singles.forEach(function (c) {
      var line = c + ": " + BY_CODE[c].name;
      CODES.forEach(function (longer) {
        if (longer.length > 1 && longer.charAt(0) === c) {
          line += "; then " + longer.slice(1) + ": " + longer + " (" + BY_CODE[longer].name + ")";
        }
      });
      lines.push(line);
    });
    lines.push("+ and −: one step up or down the scale");
    lines.push("Delete: clear the rating · Enter: write its rationale");
    lines.push("Ctrl+Z: undo · Ctrl+Shift+Z: redo");
    lines.forEach(function (text) { list.appendChild(h("li", { text: text })); });
  }

  $("matrix").addEventListener("click", function (event) {
    var button = event.target.closest("button.cell");
    if (!button) return;
    setActive(button.dataset.evidence, button.dataset.hypothesis, true);
  });

  $("matrix").addEventListener("keydown", function (event) {
    var button = event.target.closest("button.cell");
    if (!button || event.ctrlKey || event.metaKey || event.altKey) return;
    var e = item(button.dataset.evidence), hid = button.dataset.hypothesis;
    var current = e.ratings[hid] || "";
    var key = event.key;
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[key]) { event.preventDefault(); move(moves[key][0], moves[key][1]); return; }
    if (key === "Home") { event.preventDefault(); move(0, -state.leaves.length); return; }
    if (key === "End") { event.preventDefault(); move(0, state.leaves.length); return; }
    if (key === "Enter" || key === "F2") { event.preventDefault(); $("rationale").focus(); return; }
    if (key === "Delete" || key === "Backspace") {
      event.preventDefault();
      if (current) rate(e.id, hid, null);
      return;
    }
    if (key === "+" || key === "=" || key === "-" || key === "−") {
      event.preventDefault();
      rate(e.id, hid, step(current, key === "+" || key === "=" ? 1 : -1));
      return;
    }
    if (key.length === 1) {
      var code = codeFor(current, key.toUpperCase());
      if (code) { event.preventDefault(); if (code !== current) rate(e.id, hid, code); }
    }
  });

  $("sort").addEventListener("change", renderMatrix);
  $("hide-flat").addEventListener("change", renderMatrix);

  // --- the side panel: the cell and its item --------------------------------------------------

  function fillSelect(select, values, labels, keepEmpty) {
    var chosen = select.value;
    clear(select);
    if (keepEmpty) select.appendChild(h("option", { value: "", text: keepEmpty }));
    values.forEach(function (v, i) { select.appendChild(h("option", { value: v, text: labels ? labels[i] : v })); });
    if (values.indexOf(chosen) >= 0 || (keepEmpty && chosen === "")) select.value = chosen;
  }

  function renderSide() {
    if (!state) return;
    var e = active.evidence && item(active.evidence);
    var hyp = active.hypothesis && hypothesis(active.hypothesis);
    $("side-none").hidden = !!(e && hyp);
    $("side-cell").hidden = !(e && hyp);
    $("item-form").hidden = !e;
    if (!e) return;
    if (hyp) {
      $("side-item").textContent = e.summary;
      $("side-hyp").textContent = hyp.title;
      var codes = $("side-codes");
      clear(codes);
      var current = e.ratings[hyp.id] || "";
      VOCAB.forEach(function (r) {
        // As the rating sheet's buttons: the symbol over the code, the name said aloud.
        var b = h("button", {
          type: "button", className: "code r-" + r.code, "aria-pressed": String(current === r.code),
          title: nameOf(r.code), "data-code": r.code
        }, h("span", { "aria-hidden": "true" }, h("span", { className: "sym", text: r.symbol }),
          h("span", { className: "vcode", text: r.code })), h("span", { className: "sr-only", text: r.name }));
        codes.appendChild(b);
      });
      codes.appendChild(h("button", { type: "button", className: "code clear", "data-code": "", text: "Clear" }));
      var why = e.rationale[hyp.id] || "";
      var box = $("rationale");
      if (document.activeElement !== box || box.dataset.cell !== e.id + "/" + hyp.id) {
        box.value = why;
        box.dataset.cell = e.id + "/" + hyp.id;
      }
    }
    var form = $("item-form");
    if (form.dataset.item !== e.id || !form.contains(document.activeElement)) {
      form.dataset.item = e.id;
      $("item-h").textContent = "Evidence item " + e.id;
      $("item-summary").value = e.summary;
      $("item-quote").value = e.quote || "";
      $("item-quote").disabled = !e.source;
      fillSelect($("item-kind"), config.kinds);
      fillSelect($("item-credibility"), config.levels);
      fillSelect($("item-relevance"), config.levels);
      $("item-kind").value = e.kind;
      $("item-credibility").value = e.credibility;
      $("item-relevance").value = e.relevance;
      $("item-originator").value = e.originator || "";
      $("item-date").value = e.date || "";
      $("item-id").value = e.id;
    }
  }

  $("side-codes").addEventListener("click", function (event) {
    var b = event.target.closest("button.code");
    if (!b) return;
    rate(active.evidence, active.hypothesis, b.dataset.code || null);
  });

  $("rationale-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("rationale").value.trim();
    send({ op: "rationale", evidence: active.evidence, hypothesis: active.hypothesis, text: text || null },
      $("rationale-form")).then(function (done) { if (done) focusActive(); });
  });

  $("item-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = $("item-form");
    var e = item(form.dataset.item);
    if (!e) return;
    var fields = {};
    var values = {
      summary: $("item-summary").value.trim(), kind: $("item-kind").value,
      credibility: $("item-credibility").value, relevance: $("item-relevance").value,
      originator: $("item-originator").value.trim() || null, date: $("item-date").value.trim() || null
    };
    if (e.source) values.quote = $("item-quote").value.trim() || null;
    Object.keys(values).forEach(function (key) {
      if ((e[key] === undefined ? null : e[key]) !== values[key]) fields[key] = values[key];
    });
    var newId = $("item-id").value.trim();
    var work = Promise.resolve(true);
    if (Object.keys(fields).length) {
      work = send({ op: "edit_item", ident: e.id, fields: fields }, form).then(function (done) {
        if (done && fields.quote) say("Saved: the quote was found again in its source.");
        return done;
      });
    }
    work.then(function (done) {
      if (done && newId && newId !== e.id) {
        send({ op: "rename", old: e.id, new: newId }, form).then(function (renamed) {
          if (renamed) { active.evidence = newId; form.dataset.item = ""; renderSide(); }
        });
      } else if (done && !Object.keys(fields).length) {
        say("Nothing changed.");
      }
    });
  });

  // --- sources ----------------------------------------------------------------------------------

  function renderSources() {
    var list = $("source-list");
    clear(list);
    $("source-none").hidden = state.sources.length > 0;
    var known = state.sources.map(function (x) { return x.id; });
    if (known.indexOf(currentSource) < 0) {  // none yet, or gone (undone, edited elsewhere)
      currentSource = known.length ? known[0] : null;
      shownSource = null;
      if (!currentSource) {
        clear($("reader"));
        $("reader-title").textContent = "Select a source";
        $("reader-meta").textContent = "";
      }
    }
    state.sources.forEach(function (s) {
      var count = state.evidence.filter(function (e) { return e.source === s.id; }).length;
      var b = h("button", {
        type: "button", className: "source-button", "data-source": s.id,
        "aria-pressed": String(s.id === currentSource)
      }, h("span", { text: s.title }), " ", h("span", { className: "muted small", text: count + (count === 1 ? " item" : " items") }));
      list.appendChild(h("li", null, b));
    });
    fillSelect($("source-reliability"), Object.keys(config.reliability),
      Object.keys(config.reliability).map(function (k) { return k + ": " + config.reliability[k]; }), "not given");
    if (!$("panel-sources").hidden) loadSource();
  }

  function loadSource() {
    if (!currentSource) return;
    var wanted = currentSource + "@" + state.version;
    if (shownSource === wanted) return;
    shownSource = wanted;
    get("/sources/" + encodeURIComponent(currentSource)).then(function (answer) {
      if (answer.status !== 200) return;
      renderReader(answer.body);
    });
  }

  function renderReader(data) {
    var s = state.sources.filter(function (x) { return x.id === data.id; })[0];
    if (!s) return;
    $("reader-title").textContent = s.title;
    var meta = [];
    if (s.author) meta.push(s.author);
    if (s.published) meta.push(s.published);
    if (s.reliability) meta.push("reliability " + s.reliability + " (" + config.reliability[s.reliability] + ")");
    meta.push(data.cited + " of " + data.paragraphs.length + " paragraphs cited");
    $("reader-meta").textContent = meta.join(" · ");
    var reader = $("reader");
    clear(reader);
    reader.dataset.source = data.id;
    if (!s.has_text) reader.appendChild(h("p", { className: "muted", text: "This source has no text file." }));
    data.paragraphs.forEach(function (p) {
      var para = h("p", { className: "para" + (p.cited ? "" : " uncited"), "data-number": p.number });
      if (!p.cited) para.appendChild(h("span", { className: "sr-only", text: "Not cited: " }));
      p.pieces.forEach(function (piece) {
        if (piece.items.length) {
          para.appendChild(h("mark", {
            "data-at": piece.at, "data-items": piece.items.join(" "),
            title: "Quoted by " + piece.items.join(", ")
          }, piece.text));
        } else {
          para.appendChild(h("span", { "data-at": piece.at }, piece.text));
        }
      });
      reader.appendChild(para);
    });
  }

  $("source-list").addEventListener("click", function (event) {
    var b = event.target.closest("button.source-button");
    if (!b) return;
    currentSource = b.dataset.source;
    renderSources();
  });

  $("source-file").addEventListener("change", function () {
    var file = $("source-file").files[0];
    if (!file) return;
    file.text().then(function (text) {
      $("source-text").value = text;
      if (!$("source-title").value) $("source-title").value = file.name.replace(/\.[^.]*$/, "");
    });
  });

  $("source-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = $("source-form");
    var change = { op: "add_source", title: $("source-title").value.trim(), text: $("source-text").value };
    ["reliability", "published", "author", "url"].forEach(function (name) {
      var value = form.querySelector('[name="' + name + '"]').value.trim();
      if (value) change[name] = value;
    });
    var before = state.sources.map(function (s) { return s.id; });
    send(change, form).then(function (done) {
      if (!done) return;
      form.reset();
      var added = state.sources.filter(function (s) { return before.indexOf(s.id) < 0; })[0];
      if (added) { currentSource = added.id; shownSource = null; renderSources(); }
    });
  });

  // A point of the selection as an offset in the source's text: every piece of text in the
  // reader carries the offset where it starts.
  function offsetOf(node, offset, atEnd) {
    if (node.nodeType === Node.TEXT_NODE) {
      var piece = node.parentElement.closest("[data-at]");
      if (piece) return Number(piece.dataset.at) + offset;
      node = node.parentElement;
      offset = 0;
    }
    var pieces = Array.prototype.slice.call(node.querySelectorAll ? node.querySelectorAll("[data-at]") : []);
    if (node.dataset && node.dataset.at !== undefined) pieces = [node];
    if (!pieces.length) return null;
    if (node.childNodes && offset < node.childNodes.length && !atEnd) {
      var child = node.childNodes[offset];
      var inside = child.nodeType === 1 ? (child.dataset.at !== undefined ? child : child.querySelector("[data-at]")) : null;
      if (inside) return Number(inside.dataset.at);
    }
    var last = pieces[pieces.length - 1];
    return Number(last.dataset.at) + last.textContent.length;
  }

  function readSelection() {
    var chosen = window.getSelection();
    var reader = $("reader");
    selection = null;
    if (chosen && chosen.rangeCount && !chosen.isCollapsed) {
      var range = chosen.getRangeAt(0);
      if (reader.contains(range.startContainer) && reader.contains(range.endContainer)) {
        var start = offsetOf(range.startContainer, range.startOffset, false);
        var end = offsetOf(range.endContainer, range.endOffset, true);
        var text = chosen.toString().replace(/\s+/g, " ").trim();
        if (start !== null && end !== null && end > start && text) {
          selection = { source: reader.dataset.source, start: start, end: end, text: text };
        }
      }
    }
    $("new-evidence").disabled = !selection;
    $("selection-text").textContent = selection
      ? "Selected: “" + (selection.text.length > 90 ? selection.text.slice(0, 87) + "…" : selection.text) + "”"
      : "Select a passage of the text.";
  }

  document.addEventListener("selectionchange", readSelection);

  var pending = null;

  $("new-evidence").addEventListener("click", function () {
    if (!selection) return;
    pending = selection;
    var form = $("evidence-form");
    clearErrors(form);
    fillSelect($("evidence-kind"), config.kinds);
    fillSelect($("evidence-credibility"), config.levels);
    fillSelect($("evidence-relevance"), config.levels);
    $("evidence-credibility").value = "medium";
    $("evidence-relevance").value = "medium";
    $("evidence-quote").textContent = pending.text;
    form.hidden = false;
    $("evidence-summary").focus();
  });

  $("evidence-cancel").addEventListener("click", function () {
    $("evidence-form").hidden = true;
    pending = null;
    $("reader").focus();
  });

  $("evidence-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!pending) return;
    var form = $("evidence-form");
    var change = {
      op: "add_evidence", source: pending.source, start: pending.start, end: pending.end,
      summary: $("evidence-summary").value.trim(), kind: $("evidence-kind").value,
      credibility: $("evidence-credibility").value, relevance: $("evidence-relevance").value
    };
    var originator = $("evidence-originator").value.trim(), date = $("evidence-date").value.trim();
    if (originator) change.originator = originator;
    if (date) change.date = date;
    send(change, form).then(function (done) {
      if (!done) return;
      form.reset();
      form.hidden = true;
      pending = null;
      window.getSelection().removeAllRanges();
      $("reader").focus();
    });
  });

  // --- hypotheses, statements, arguments, the map -------------------------------------------

  function renderMapPanel() {
    var caseForm = $("case-form");
    if (!caseForm.contains(document.activeElement)) {
      $("case-title-input").value = state.title;
      $("case-question-input").value = state.question;
    }
    var list = $("hypothesis-list");
    // A hypothesis being edited keeps its form (and what is typed in it) across a redraw.
    var editing = list.querySelector("form.inline-form");
    clear(list);
    var groups = state.hypotheses.filter(function (x) { return !x.leaf; }).map(function (x) { return x.id; });
    state.hypotheses.forEach(function (hyp) {
      var position = state.order.indexOf(hyp.id);
      var li = h("li", { className: "hyp depth-" + Math.min(hyp.depth, 3), "data-hypothesis": hyp.id },
        h("div", { className: "hyp-line" },
          h("strong", { text: hyp.title }), " ", h("code", { className: "id", text: hyp.id }),
          hyp.leaf ? null : h("span", { className: "tag", text: "group" })),
        h("p", { className: "statement", text: hyp.statement }),
        h("div", { className: "hyp-tools" },
          h("button", { type: "button", className: "small-button", "data-action": "up", disabled: position <= 0,
            "aria-label": "Move " + hyp.title + " up", text: "↑" }),
          h("button", { type: "button", className: "small-button", "data-action": "down",
            disabled: position >= state.order.length - 1, "aria-label": "Move " + hyp.title + " down", text: "↓" }),
          h("button", { type: "button", className: "small-button", "data-action": "edit",
            "aria-label": "Edit " + hyp.title, text: "Edit" })));
      list.appendChild(li);
      if (editing && editing.dataset.hypothesis === hyp.id) li.appendChild(editing);
    });
    fillSelect($("hypothesis-parent"), state.hypotheses.map(function (x) { return x.id; }),
      state.hypotheses.map(function (x) { return x.title + " (" + x.id + ")"; }), "none: a hypothesis of its own");
    var statements = $("statement-list");
    clear(statements);
    state.statements.forEach(function (s) {
      statements.appendChild(h("li", null, h("span", { text: s.text }), " ", h("code", { className: "id", text: s.id })));
    });
    var args = $("argument-list");
    clear(args);
    state.arguments.forEach(function (a) {
      args.appendChild(h("li", null, h("span", { text: a.claim }), " ",
        h("span", { className: "muted", text: a.relation + " " + a.target + (a.premises.length ? " · from " + a.premises.join(", ") : "") }),
        " ", h("code", { className: "id", text: a.id })));
    });
    renderTargets();
    var premises = $("argument-premises");
    var ticked = {};
    premises.querySelectorAll("input:checked").forEach(function (box) { ticked[box.value] = true; });
    clear(premises);
    var candidates = state.evidence.map(function (e) { return [e.id, e.summary]; })
      .concat(state.statements.map(function (s) { return [s.id, s.text]; }))
      .concat(state.arguments.map(function (a) { return [a.id, a.claim]; }));
    if (!candidates.length) premises.appendChild(h("p", { className: "muted", text: "No items, statements or arguments yet." }));
    candidates.forEach(function (c, i) {
      var id = "premise-" + i;
      premises.appendChild(h("div", { className: "check" },
        h("input", { type: "checkbox", id: id, name: "premises", value: c[0], checked: !!ticked[c[0]] }),
        " ", h("label", { for: id }, c[1], " ", h("code", { className: "id", text: c[0] }))));
    });
    void groups;
    if (!$("panel-map").hidden) loadMap();
  }

  function renderTargets() {
    var relation = $("argument-relation").value;
    var options = relation === "undercuts"
      ? state.arguments.map(function (a) { return [a.id, a.claim]; })
      : state.hypotheses.map(function (x) { return [x.id, x.title]; })
        .concat(state.statements.map(function (s) { return [s.id, s.text]; }));
    fillSelect($("argument-target"), options.map(function (o) { return o[0]; }),
      options.map(function (o) { return o[1] + " (" + o[0] + ")"; }));
  }

  $("argument-relation").addEventListener("change", renderTargets);

  function loadMap() {
    if (mapVersion === state.version) return;
    mapVersion = state.version;
    var img = $("map");
    if (!state.hypotheses.length) {
      img.hidden = true;
      $("map-message").textContent = "Add hypotheses, statements and arguments to see the map.";
      return;
    }
    $("map-message").textContent = "Drawing the map…";
    var url = config.api + "/map.svg?v=" + state.version;
    img.onload = function () { img.hidden = false; $("map-message").textContent = ""; };
    img.onerror = function () { img.hidden = true; $("map-message").textContent = "The map cannot be drawn here (is Graphviz installed?)."; };
    img.src = url;
  }

  $("case-form").addEventListener("submit", function (event) {
    event.preventDefault();
    send({ op: "edit_case", fields: { title: $("case-title-input").value.trim(), question: $("case-question-input").value.trim() } },
      $("case-form"));
  });

  $("hypothesis-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = $("hypothesis-form");
    var change = { op: "add_hypothesis", title: $("hypothesis-title").value.trim(), statement: $("hypothesis-statement").value.trim() };
    if ($("hypothesis-parent").value) change.parent = $("hypothesis-parent").value;
    send(change, form).then(function (done) { if (done) { form.reset(); $("hypothesis-title").focus(); } });
  });

  $("statement-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = $("statement-form");
    send({ op: "add_statement", text: $("statement-text").value.trim() }, form).then(function (done) { if (done) form.reset(); });
  });

  $("argument-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = $("argument-form");
    var change = { op: "add_argument", claim: $("argument-claim").value.trim() };
    change[$("argument-relation").value] = $("argument-target").value || null;
    change.premises = Array.prototype.map.call(form.querySelectorAll("input[name=premises]:checked"), function (b) { return b.value; });
    var weight = $("argument-weight").value.trim();
    if (weight) change.weight = weight;
    send(change, form).then(function (done) { if (done) form.reset(); });
  });

  $("hypothesis-list").addEventListener("click", function (event) {
    var b = event.target.closest("button[data-action]");
    if (!b) return;
    var li = b.closest("li[data-hypothesis]");
    var id = li.dataset.hypothesis;
    var position = state.order.indexOf(id);
    if (b.dataset.action === "up") send({ op: "move", hypothesis: id, to: position - 1 }, null);
    else if (b.dataset.action === "down") send({ op: "move", hypothesis: id, to: position + 1 }, null);
    else openHypothesisEditor(li, hypothesis(id));
  });

  function openHypothesisEditor(li, hyp) {
    if (li.querySelector("form")) return;
    var n = "edit-" + hyp.id;
    var form = h("form", { className: "form inline-form", id: n, "data-hypothesis": hyp.id },
      h("label", { for: n + "-title", text: "Title" }), h("input", { id: n + "-title", name: "title", value: hyp.title, required: true }),
      h("label", { for: n + "-statement", text: "Statement" }), h("input", { id: n + "-statement", name: "statement", value: hyp.statement, required: true }),
      h("label", { for: n + "-parent", text: "In the group" }), h("select", { id: n + "-parent", name: "parent" }),
      h("label", { for: n + "-id", text: "Id (renamed everywhere the case refers to it)" }), h("input", { id: n + "-id", name: "id", value: hyp.id, spellcheck: "false" }),
      h("p", { className: "form-error", hidden: true }),
      h("div", { className: "buttons" }, h("button", { type: "submit", text: "Save" }), " ",
        h("button", { type: "button", className: "plain", "data-action": "cancel", text: "Cancel" })));
    var parent = form.querySelector("select");
    fillSelect(parent, state.hypotheses.filter(function (x) { return x.id !== hyp.id; }).map(function (x) { return x.id; }),
      state.hypotheses.filter(function (x) { return x.id !== hyp.id; }).map(function (x) { return x.title + " (" + x.id + ")"; }),
      "none: at the top level");
    parent.value = hyp.parent || "";
    form.addEventListener("click", function (event) {
      if (event.target.dataset.action === "cancel") { form.remove(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = {};
      var title = form.querySelector("[name=title]").value.trim(), statement = form.querySelector("[name=statement]").value.trim();
      if (title !== hyp.title) fields.title = title;
      if (statement !== hyp.statement) fields.statement = statement;
      var newParent = parent.value || null, newId = form.querySelector("[name=id]").value.trim();
      var chain = Promise.resolve(true);
      if (Object.keys(fields).length) chain = chain.then(function () { return send({ op: "edit_item", ident: hyp.id, fields: fields }, form); });
      if (newParent !== (hyp.parent || null)) chain = chain.then(function (ok) { return ok && send({ op: "regroup", hypothesis: hyp.id, parent: newParent }, form); });
      if (newId && newId !== hyp.id) chain = chain.then(function (ok) { return ok && send({ op: "rename", old: hyp.id, new: newId }, form); });
      chain.then(function (ok) { if (ok) form.remove(); });
    });
    li.appendChild(form);
    form.querySelector("input").focus();
  }

  // --- tabs, undo, polling ------------------------------------------------------------------------

  var tabs = Array.prototype.slice.call(document.querySelectorAll('[role="tab"]'));

  function showTab(tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) tab.focus();
    if (tab.id === "tab-sources" && state) renderSources();
    if (tab.id === "tab-map" && state) renderMapPanel();
  }

  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () { showTab(tab, false); });
    tab.addEventListener("keydown", function (event) {
      var by = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (by) { event.preventDefault(); showTab(tabs[(i + by + tabs.length) % tabs.length], true); }
    });
  });

  function undoOrRedo(verb) {
    if (busy) return;
    busy = true;
    send({ op: verb }, null).then(function () { busy = false; });
  }

  $("undo").addEventListener("click", function () { undoOrRedo("undo"); });
  $("redo").addEventListener("click", function () { undoOrRedo("redo"); });
  $("notice-close").addEventListener("click", function () { $("notice").hidden = true; });

  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    var target = event.target;
    // In a text field the browser's own undo works on the text.
    if (target.matches && target.matches("input, textarea, select")) return;
    var key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); undoOrRedo("undo"); }
    else if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); undoOrRedo("redo"); }
  });

  ratingLegend();
  keyHelp();
  load().then(function () { say("Ready. Every change is saved to the case's files at once."); });
  setInterval(function () { if (!document.hidden) load(); }, 2000);
})();
