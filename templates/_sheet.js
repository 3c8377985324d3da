// The rating sheet: keeps entries in this browser, checks them as they are made, and
// writes the analyst's ratings file (docs/workshops.md). Nothing leaves the page — except
// on the live workshop server (#server-data present), where each entry is saved there.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("sheet-data").textContent);
  var serverNode = document.getElementById("server-data");
  var server = serverNode ? JSON.parse(serverNode.textContent) : null;
  var cells = Array.prototype.slice.call(document.querySelectorAll("tr.cell"));
  var items = Array.prototype.slice.call(document.querySelectorAll("article.item"));
  var state = { votes: {}, why: {} };
  var keyOf = function (cell) { return cell.dataset.evidence + " " + cell.dataset.hypothesis; };
  var lookup = function (table, key) {
    var parts = key.split(" ");
    return (table[parts[0]] || {})[parts[1]];
  };

  var storage = null;
  if (!server) try {
    storage = window.localStorage;
    storage.setItem("argmap-probe", "1");
    storage.removeItem("argmap-probe");
  } catch (err) {
    storage = null;
  }
  if (!storage && !server) document.getElementById("storage-note").hidden = false;

  var restore = function () {
    var saved = null;
    if (storage) {
      try { saved = JSON.parse(storage.getItem(data.storageKey) || "null"); } catch (err) { saved = null; }
    }
    if (saved && saved.votes && saved.why) {
      state = { votes: saved.votes, why: saved.why };
      return;
    }
    cells.forEach(function (cell) {
      var key = keyOf(cell);
      var vote = lookup(data.prefill, key);
      var why = lookup(data.prefillRationale, key);
      if (vote) state.votes[key] = vote;
      if (why) state.why[key] = why;
    });
  };

  var savedNote = document.getElementById("saved");
  var clock = function () {
    return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  };

  // --- the live workshop server: one request per entry, sent in order ------------------
  var timers = {}, pending = 0, failed = false, queue = Promise.resolve();
  var post = function (body, attempt, keepalive) {
    return fetch(server.saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": server.csrf },
      body: body,
      credentials: "same-origin",
      cache: "no-store",
      keepalive: Boolean(keepalive)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok) return answer;
        var err = new Error(answer.error || ("the server answered " + response.status));
        err.final = response.status < 500;
        throw err;
      });
    }).catch(function (err) {
      if (err.final || attempt >= 4) throw err;
      // The server may be restarting: try again, a little later each time.
      savedNote.textContent = "Not saved yet: retrying…";
      return new Promise(function (resolve) { setTimeout(resolve, 1000 * (attempt + 1)); })
        .then(function () { return post(body, attempt + 1, keepalive); });
    });
  };
  var bodyOf = function (key) {
    var parts = key.split(" ");
    var why = (state.why[key] || "").trim().slice(0, data.rationaleLimit);
    return JSON.stringify({
      evidence: parts[0], hypothesis: parts[1], vote: state.votes[key] || null, why: why || null
    });
  };
  var send = function (key) {
    delete timers[key];
    var body = bodyOf(key);
    pending += 1;
    savedNote.textContent = "Saving…";
    queue = queue.then(function () { return post(body, 0); }).then(function () {
      pending -= 1;
      if (!pending && !failed) savedNote.textContent = "Saved at " + clock();
    }, function (err) {
      pending -= 1;
      failed = true;
      savedNote.textContent = "Not saved: " + err.message;
      savedNote.classList.add("error");
    });
  };
  var schedule = function (key, delay) {
    clearTimeout(timers[key]);
    if (delay) timers[key] = setTimeout(function () { send(key); }, delay);
    else send(key);
  };
  if (server) {
    // Reasons being typed are sent after a pause; send what is left when the page goes.
    window.addEventListener("pagehide", function () {
      Object.keys(timers).forEach(function (key) {
        clearTimeout(timers[key]);
        delete timers[key];
        post(bodyOf(key), 4, true).catch(function () {});
      });
    });
  }

  var save = function (key, delay) {
    if (server) {
      if (key) schedule(key, delay);
      return;
    }
    if (!storage) return;
    try {
      storage.setItem(data.storageKey, JSON.stringify(state));
      savedNote.textContent = "Kept in this browser at " + clock();
    } catch (err) {
      savedNote.textContent = "Could not keep entries in this browser: download your ratings.";
    }
  };

  // --- checks as entries are made -------------------------------------------------------
  var validate = function (cell) {
    var key = keyOf(cell);
    var vote = state.votes[key];
    var why = (state.why[key] || "").trim();
    var before = lookup(data.previous, key);
    var message = "", level = "";
    if (why.length > data.rationaleLimit) {
      message = "Too long: at most " + data.rationaleLimit + " characters.";
      level = "error";
    } else if (why && !vote) {
      message = "A reason without a rating: choose a rating, or ? if you don't know.";
      level = "warn";
    } else if (vote && before && vote !== before && !why) {
      message = "Changed from " + (data.labels[before] || before) + " in round " + (data.round - 1) + ": say why.";
      level = "warn";
    } else if (vote && data.explain.indexOf(vote) >= 0 && !why &&
               !(vote === before && lookup(data.previousRationale, key))) {
      message = vote + " is a strong judgement: say why.";
      level = "warn";
    }
    cell.classList.toggle("warn", level === "warn");
    cell.classList.toggle("error", level === "error");
    cell.classList.toggle("changed", Boolean(vote && before && vote !== before));
    cell.querySelector(".msg").textContent = message;
    var area = cell.querySelector(".why");
    if (level) area.setAttribute("aria-invalid", "true"); else area.removeAttribute("aria-invalid");
    area.placeholder = vote && before && vote !== before ? "why did you change it?" : "why?";
  };

  var progressBar = document.getElementById("progress");
  var progressText = document.getElementById("progress-text");
  var issues = document.getElementById("issues");
  var progress = function () {
    var done = 0;
    cells.forEach(function (cell) { if (state.votes[keyOf(cell)]) done += 1; });
    progressBar.value = done;
    var percent = cells.length ? Math.round(100 * done / cells.length) : 100;
    progressText.textContent = done + " of " + cells.length + " cells rated (" + percent + "%)";
    items.forEach(function (item) {
      var own = item.querySelectorAll("tr.cell");
      var rated = 0;
      own.forEach(function (cell) { if (state.votes[keyOf(cell)]) rated += 1; });
      item.querySelector(".count").textContent = rated + "/" + own.length;
      item.classList.toggle("complete", rated === own.length);
    });
    var flagged = cells.filter(function (cell) { return cell.classList.contains("warn") || cell.classList.contains("error"); });
    issues.textContent = "";
    if (flagged.length) {
      var link = document.createElement("a");
      link.href = "#" + flagged[0].closest("article").id;
      link.textContent = flagged.length + (flagged.length === 1 ? " cell needs" : " cells need") + " a look";
      issues.appendChild(link);
    }
    preview();
  };

  // --- the ratings file -----------------------------------------------------------------
  var quoted = function (text) {
    var clean = text
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/g, "\uFFFD")
      .replace(/(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "$1\uFFFD");
    return JSON.stringify(clean).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  };
  var ratingsFile = function () {
    var lines = data.head.slice();
    var rows = [], reasons = [];
    data.evidence.forEach(function (eid) {
      var votes = [], whys = [];
      data.leaves.forEach(function (hid) {
        var key = eid + " " + hid;
        if (state.votes[key]) votes.push(hid + ": " + state.votes[key]);
        var why = (state.why[key] || "").trim();
        if (why) whys.push("    " + hid + ": " + quoted(why.slice(0, data.rationaleLimit)));
      });
      if (votes.length) rows.push("  " + eid + ": {" + votes.join(", ") + "}");
      if (whys.length) reasons.push("  " + eid + ":", whys.join("\n"));
    });
    lines.push(rows.length ? "ratings:" : "ratings: {}");
    lines = lines.concat(rows);
    if (reasons.length) lines = lines.concat(["rationale:"], reasons);
    return lines.join("\n") + "\n";
  };
  var previewBox = document.getElementById("yaml-preview");
  var preview = function () {
    if (previewBox.closest("details").open) previewBox.textContent = ratingsFile();
  };
  previewBox.closest("details").addEventListener("toggle", preview);
  var download = function () {
    var blob = new Blob([ratingsFile()], { type: "application/x-yaml;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = data.fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  };
  document.querySelectorAll("#download, [data-download]").forEach(function (button) {
    button.addEventListener("click", download);
  });

  // --- wiring -----------------------------------------------------------------------------
  restore();
  cells.forEach(function (cell) {
    var key = keyOf(cell);
    var vote = state.votes[key];
    if (vote) {
      var radio = cell.querySelector("input[value='" + vote + "']");
      if (radio) radio.checked = true; else delete state.votes[key];
    }
    cell.querySelector(".why").value = state.why[key] || "";
    validate(cell);
    // Clicking the chosen rating again clears it.
    var wasChecked = false;
    cell.addEventListener("pointerdown", function (event) {
      wasChecked = event.target.type === "radio" && event.target.checked;
    });
    cell.addEventListener("click", function (event) {
      if (event.target.type !== "radio" || !wasChecked) return;
      wasChecked = false;
      event.target.checked = false;
      delete state.votes[key];
      validate(cell);
      save(key);
      progress();
    });
    cell.addEventListener("change", function (event) {
      if (event.target.type !== "radio") return;
      state.votes[key] = event.target.value;
      validate(cell);
      save(key);
      progress();
    });
    cell.querySelector(".why").addEventListener("input", function (event) {
      if (event.target.value.trim()) state.why[key] = event.target.value;
      else delete state.why[key];
      validate(cell);
      save(key, 600);
      progress();
    });
  });
  if (server && server.locked) {
    document.querySelectorAll("tr.cell input, tr.cell textarea").forEach(function (input) {
      input.disabled = true;
    });
  }
  progress();
})();
