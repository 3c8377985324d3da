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
  var state = { votes: {}, why: {}, proposals: [], itemVotes: {} };
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
      state = {
        votes: saved.votes, why: saved.why,
        proposals: saved.proposals || [], itemVotes: saved.itemVotes || {}
      };
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
      message = (data.labels[vote] || vote) + " is a strong judgement: say why.";
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
    var proposals = allProposals();
    if (proposals.length) {
      lines.push("proposals:");
      proposals.forEach(function (proposal) {
        var first = true;
        PROPOSAL_KEYS.forEach(function (key) {
          var value = proposal[key];
          if (value === undefined || value === null || value === "") return;
          // Ids, types and levels are plain words; everything typed or selected is quoted.
          var written = PLAIN_KEYS.indexOf(key) >= 0 ? value : quoted(value);
          lines.push((first ? "  - " : "    ") + key + ": " + written);
          first = false;
        });
      });
    }
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
  // --- proposals: new evidence from a selected passage, a new hypothesis, votes on items ---
  var PROPOSAL_KEYS = ["type", "source", "quote", "summary", "kind", "date", "title", "statement",
                       "parent", "evidence", "credibility", "relevance", "note"];
  var PLAIN_KEYS = ["type", "source", "kind", "parent", "evidence", "credibility", "relevance"];
  var itemVoteProposals = function () {
    return data.evidence.filter(function (eid) { return state.itemVotes[eid]; }).map(function (eid) {
      var vote = state.itemVotes[eid];
      return { type: "vote", evidence: eid, credibility: vote.credibility || null, relevance: vote.relevance || null };
    });
  };
  var allProposals = function () { return state.proposals.concat(itemVoteProposals()); };
  // The quote is the selection as the case's loader reads quotes: Unicode NFC, each run of
  // whitespace one space, trimmed.
  var normalised = function (text) {
    return (text.normalize ? text.normalize("NFC") : text).replace(/\s+/g, " ").trim();
  };
  var proposalStatus = document.getElementById("proposal-status");
  var proposalList = document.getElementById("proposal-list");
  var sourceTitles = {};
  document.querySelectorAll(".source").forEach(function (box) {
    var text = box.querySelector(".source-text");
    sourceTitles[text.dataset.source] = box.querySelector("summary").firstChild.textContent.trim();
  });
  document.querySelectorAll("article.item").forEach(function (item) {
    var passage = item.querySelector(".passage");
    var meta = item.querySelector(".meta");
    if (passage && meta && !sourceTitles[passage.dataset.source]) {
      sourceTitles[passage.dataset.source] = passage.dataset.source;
    }
  });
  var describe = function (p) {
    if (p.type === "evidence") return "Evidence item: “" + p.summary + "” — quoting “" + p.quote + "”";
    if (p.type === "hypothesis") return "Hypothesis: “" + p.title + "” — " + p.statement;
    return "Vote on " + p.evidence + ": " + ["credibility", "relevance"].filter(function (k) { return p[k]; })
      .map(function (k) { return k + " " + p[k]; }).join(", ");
  };
  var drawProposals = function () {
    proposalList.textContent = "";
    state.proposals.forEach(function (p, index) {
      var li = document.createElement("li");
      var text = document.createElement("span");
      var status = p.status ? " (" + p.status + (p.reason ? ": " + p.reason : "") + ")" : "";
      text.textContent = describe(p) + status;
      li.appendChild(text);
      if (!server) {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "secondary small";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", "Remove proposal " + (index + 1));
        remove.addEventListener("click", function () {
          state.proposals.splice(index, 1);
          drawProposals();
          save();
          preview();
        });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(remove);
      }
      proposalList.appendChild(li);
    });
  };
  var propose = function (proposal, done) {
    var clean = {};
    PROPOSAL_KEYS.forEach(function (key) {
      if (proposal[key] !== undefined && proposal[key] !== null && proposal[key] !== "") clean[key] = proposal[key];
    });
    if (!server) {
      if (clean.type !== "vote") state.proposals.push(clean);
      save();
      drawProposals();
      preview();
      proposalStatus.textContent = clean.type === "vote" ? "Vote kept: it goes into your ratings file."
        : "Proposal kept: it goes into your ratings file when you download it.";
      done(null);
      return;
    }
    if (!server.proposeUrl) { done("This workshop does not take proposals."); return; }
    proposalStatus.textContent = "Sending…";
    fetch(server.proposeUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": server.csrf },
      body: JSON.stringify(clean),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) throw new Error(answer.error || ("the server answered " + response.status));
        if (clean.type !== "vote") { clean.status = "open"; state.proposals.push(clean); drawProposals(); }
        proposalStatus.textContent = "Sent to the facilitator at " + clock() + ".";
        done(null);
      });
    }).catch(function (err) {
      proposalStatus.textContent = "Not sent: " + err.message;
      done(err.message);
    });
  };

  // Selecting a passage: inside one source text or one item's paragraph.
  var floating = document.getElementById("propose-selection");
  var selectionButton = document.getElementById("propose-selection-button");
  var selected = null;
  var sourceOf = function (node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("[data-source]") : null;
  };
  var readSelection = function () {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    var from = sourceOf(selection.anchorNode), to = sourceOf(selection.focusNode);
    if (!from || from !== to || !from.dataset.source) return null;
    var quote = normalised(selection.toString());
    if (quote.length < 3) return null;
    return { source: from.dataset.source, quote: quote, range: selection.getRangeAt(0) };
  };
  document.addEventListener("selectionchange", function () {
    selected = readSelection();
    selectionButton.disabled = !selected;
    if (!selected) { floating.hidden = true; return; }
    var box = selected.range.getBoundingClientRect();
    floating.hidden = false;
    floating.style.top = (window.scrollY + box.bottom + 6) + "px";
    floating.style.left = (window.scrollX + Math.max(8, Math.min(box.left, document.documentElement.clientWidth - 240))) + "px";
  });
  var evidenceDialog = document.getElementById("evidence-dialog");
  var hypothesisDialog = document.getElementById("hypothesis-dialog");
  var passage = null;
  var openEvidence = function () {
    var chosen = selected || readSelection();
    if (!chosen) return;
    passage = { source: chosen.source, quote: chosen.quote };
    document.getElementById("evidence-source-title").textContent = sourceTitles[chosen.source] || chosen.source;
    document.getElementById("ev-quote").value = chosen.quote;
    document.getElementById("ev-msg").textContent = "";
    floating.hidden = true;
    evidenceDialog.showModal();
    document.getElementById("ev-summary").focus();
  };
  floating.addEventListener("mousedown", function (event) { event.preventDefault(); });
  floating.addEventListener("click", openEvidence);
  selectionButton.addEventListener("mousedown", function (event) { event.preventDefault(); });
  selectionButton.addEventListener("click", openEvidence);
  document.getElementById("propose-hypothesis-open").addEventListener("click", function () {
    document.getElementById("hy-msg").textContent = "";
    hypothesisDialog.showModal();
    document.getElementById("hy-title").focus();
  });
  document.querySelectorAll("dialog [data-close]").forEach(function (button) {
    button.addEventListener("click", function () { button.closest("dialog").close(); });
  });
  var field = function (id) { return document.getElementById(id).value.trim(); };
  var finish = function (form, dialog, message) {
    return function (error) {
      if (error) { document.getElementById(message).textContent = error; return; }
      form.reset();
      dialog.close();
    };
  };
  var evidenceForm = document.getElementById("evidence-form");
  evidenceForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var date = field("ev-date");
    if (date && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(date)) {
      document.getElementById("ev-msg").textContent = "Write the date as 2022-01-05, 2022-01 or 2022.";
      return;
    }
    if (!passage || !field("ev-summary")) return;
    propose({
      type: "evidence", source: passage.source, quote: passage.quote, summary: field("ev-summary"),
      kind: field("ev-kind"), credibility: field("ev-credibility"), relevance: field("ev-relevance"),
      date: date, note: field("ev-note")
    }, finish(evidenceForm, evidenceDialog, "ev-msg"));
  });
  var hypothesisForm = document.getElementById("hypothesis-form");
  hypothesisForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!field("hy-title") || !field("hy-statement")) return;
    propose({
      type: "hypothesis", title: field("hy-title"), statement: field("hy-statement"),
      parent: field("hy-parent"), note: field("hy-note")
    }, finish(hypothesisForm, hypothesisDialog, "hy-msg"));
  });
  // Votes on an item's credibility and relevance: one per item, the latest choice.
  document.querySelectorAll(".item-vote").forEach(function (box) {
    var eid = box.dataset.evidence;
    var selects = box.querySelectorAll("select");
    var note = box.querySelector(".item-vote-msg");
    var own = state.itemVotes[eid] || {};
    selects.forEach(function (select) {
      select.value = own[select.dataset.vote] || "";
      if (select.value) box.open = true;
      select.addEventListener("change", function () {
        var vote = {};
        selects.forEach(function (s) { if (s.value) vote[s.dataset.vote] = s.value; });
        if (vote.credibility || vote.relevance) state.itemVotes[eid] = vote;
        else delete state.itemVotes[eid];
        if (!server) {
          save();
          preview();
          note.textContent = state.itemVotes[eid] ? "kept for your ratings file" : "";
          return;
        }
        if (!state.itemVotes[eid]) return;
        propose({ type: "vote", evidence: eid, credibility: vote.credibility, relevance: vote.relevance },
          function (error) { note.textContent = error ? "not sent: " + error : "sent"; });
      });
    });
  });
  drawProposals();
  // Live: the participant's proposals as the server holds them, with the facilitator's
  // decisions; the latest vote on each item fills its choices in.
  if (server && server.proposeUrl) {
    fetch(server.proposeUrl, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      return response.ok ? response.json() : { proposals: [] };
    }).then(function (answer) {
      state.proposals = [];
      (answer.proposals || []).forEach(function (entry) {
        var body = entry.proposal || {};
        if (body.type === "vote") {
          state.itemVotes[body.evidence] = { credibility: body.credibility, relevance: body.relevance };
          return;
        }
        var shown = {};
        Object.keys(body).forEach(function (key) { shown[key] = body[key]; });
        shown.status = entry.status;
        shown.reason = entry.reason;
        state.proposals.push(shown);
      });
      document.querySelectorAll(".item-vote").forEach(function (box) {
        var own = state.itemVotes[box.dataset.evidence];
        if (!own) return;
        box.querySelectorAll("select").forEach(function (select) { select.value = own[select.dataset.vote] || ""; });
      });
      drawProposals();
    }).catch(function () {});
  }
  if (server && server.locked) {
    document.querySelectorAll("tr.cell input, tr.cell textarea").forEach(function (input) {
      input.disabled = true;
    });
  }
  progress();
})();
