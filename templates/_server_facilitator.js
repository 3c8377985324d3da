// The facilitator's page: invite, rename, remove and restore participants, follow their progress,
// comments and proposals live, reveal and open rounds (each confirmed as a step in the
// page), export. Every POST carries the page's CSRF token.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("server-data").textContent);
  var message = document.getElementById("message");
  var say = function (text, isError) {
    message.textContent = text;
    message.classList.toggle("error", Boolean(isError));
  };
  var call = function (path, body) {
    return fetch(config.api + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrf },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) {
          var err = new Error(answer.error || ("the server answered " + response.status));
          err.answer = answer;
          throw err;
        }
        return answer;
      });
    });
  };
  var el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // --- participants --------------------------------------------------------------------
  var people = document.getElementById("people");
  var latest = { participants: [], removed: [], round: config.round, revealed: config.revealed };
  var rowOf = function (id) { return people.querySelector('tr.person[data-id="' + id + '"]'); };
  var fillRow = function (row, person) {
    row.querySelector(".name").textContent = person.name;
    row.querySelector(".link").textContent = person.link;
    row.querySelector(".copy").setAttribute("aria-label", "Copy the link for " + person.name);
    row.querySelector(".rename").setAttribute("aria-label", "Rename " + person.name);
    row.querySelector(".remove").setAttribute("aria-label", "Remove " + person.name);
    row.querySelector(".answered").textContent = person.answered + " of " + person.total;
    row.querySelector(".this-round").textContent = String(person.this_round);
  };
  var addRow = function (person) {
    var row = el("tr", "person");
    row.dataset.id = String(person.id);
    var head = el("th", "name");
    head.scope = "row";
    row.appendChild(head);
    var cell = el("td");
    cell.appendChild(el("code", "link"));
    cell.appendChild(document.createTextNode(" "));
    cell.appendChild(el("button", "copy", "Copy"));
    row.appendChild(cell);
    row.appendChild(el("td", "num answered"));
    row.appendChild(el("td", "num this-round"));
    var change = el("td", "change");
    change.appendChild(el("button", "rename", "Rename"));
    change.appendChild(document.createTextNode(" "));
    change.appendChild(el("button", "remove", "Remove"));
    row.appendChild(change);
    row.querySelectorAll("button").forEach(function (b) { b.type = "button"; });
    people.appendChild(row);
    fillRow(row, person);
    return row;
  };
  var showPeople = function (list) {
    var seen = {};
    list.forEach(function (person) {
      seen[person.id] = true;
      var row = rowOf(person.id) || addRow(person);
      fillRow(row, person);
    });
    people.querySelectorAll("tr.person").forEach(function (row) {
      if (!seen[row.dataset.id]) row.remove();
    });
    document.getElementById("no-people").hidden = list.length > 0;
  };
  var removedList = document.getElementById("removed");
  var showRemoved = function (list) {
    removedList.textContent = "";
    list.forEach(function (person) {
      var item = el("li", "removed-person");
      item.dataset.id = String(person.id);
      item.appendChild(el("span", "name", person.name));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", "when muted", "removed " + String(person.removed || "").slice(0, 16).replace("T", " ") + " UTC"));
      item.appendChild(document.createTextNode(" "));
      var button = el("button", "restore", "Restore");
      button.type = "button";
      button.setAttribute("aria-label", "Restore " + person.name);
      item.appendChild(button);
      removedList.appendChild(item);
    });
    document.getElementById("removed-box").hidden = list.length === 0;
  };
  var restore = function (id, name, after) {
    step({
      title: "Restore " + name + "?",
      lines: ["Their link works again, the same as before, and their ratings, comments and proposals count and show as theirs again."],
      yes: "Restore " + name,
      after: after,
      run: function () {
        return call("/participants/" + id + "/restore").then(function (answer) {
          say(name + " is back; their link: " + answer.link);
          return refresh().then(function () { highlight(answer.id); });
        });
      }
    });
  };
  removedList.addEventListener("click", function (event) {
    var button = event.target.closest("button.restore");
    if (!button) return;
    var item = button.closest("li.removed-person");
    restore(item.dataset.id, item.querySelector(".name").textContent, button);
  });
  var personOf = function (id) {
    return latest.participants.filter(function (p) { return String(p.id) === String(id); })[0];
  };
  var highlight = function (id) {
    var row = rowOf(id);
    if (!row) return;
    row.classList.add("is-new");
    row.scrollIntoView({ block: "nearest" });
    setTimeout(function () { row.classList.remove("is-new"); }, 4000);
  };

  document.getElementById("invite").addEventListener("submit", function (event) {
    event.preventDefault();
    var field = document.getElementById("invite-name");
    var key = function (name) { return name.split(/\s+/).join(" ").trim().toLowerCase(); };
    var known = latest.participants.filter(function (p) { return key(p.name) === key(field.value); })[0];
    if (known) {  // the server would say 409 with the same link
      highlight(known.id);
      say(known.name + " is already invited; their link: " + known.link, false);
      return;
    }
    var gone = (latest.removed || []).filter(function (p) { return key(p.name) === key(field.value); })[0];
    if (gone) {  // the server would say 409: the name is a removed participant's
      say("'" + gone.name + "' belongs to a removed participant: restore them (their link and ratings come back) rather than invite the name again.", true);
      restore(gone.id, gone.name, field);
      return;
    }
    call("/participants", { name: field.value }).then(function (answer) {
      if (!rowOf(answer.id)) addRow({ id: answer.id, name: answer.name, link: answer.link, answered: 0, total: "…", this_round: 0 });
      document.getElementById("no-people").hidden = true;
      field.value = "";
      highlight(answer.id);
      say("Link created for " + answer.name + ": " + answer.link);
      refresh();
    }, function (err) {
      var known = err.answer && err.answer.link;
      if (err.answer && err.answer.removed) {  // the name is a removed participant's
        say(err.message, true);
        restore(err.answer.id, err.answer.name, field);
      } else if (known) {
        highlight(err.answer.id);
        say(err.answer.name + " is already invited; their link: " + known, false);
      } else {
        say(err.message, true);
      }
    });
  });

  people.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var row = button.closest("tr.person");
    var id = row.dataset.id;
    var name = row.querySelector(".name").textContent;
    if (button.classList.contains("copy")) {
      var link = row.querySelector(".link").textContent;
      var done = function () { say("Copied the link for " + name + "."); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link).then(done, function () {
          selectText(row.querySelector(".link"));
          say("Copying was refused: the link is selected, press Ctrl+C (⌘C).");
        });
      } else {
        selectText(row.querySelector(".link"));
        say("The link is selected: press Ctrl+C (⌘C).");
      }
    } else if (button.classList.contains("rename")) {
      step({
        title: "Rename " + name,
        lines: ["Their link and their ratings stay theirs; exports from now on use the new name (a ratings file already exported under the old name stays in the case: delete it)."],
        field: name,
        yes: "Rename",
        after: button,
        run: function (value) {
          return call("/participants/" + id + "/rename", { name: value }).then(function (answer) {
            say(name + " is now " + answer.name + ".");
            refresh();
          });
        }
      });
    } else if (button.classList.contains("remove")) {
      step({
        title: "Remove " + name + "?",
        lines: ["Their link stops working at once and they are left out of the results, the progress and the exports; nothing of theirs is deleted. Their comments and proposals stay, shown as a removed participant's. You can restore them from the Removed list."],
        yes: "Remove " + name,
        after: button,
        run: function () {
          return call("/participants/" + id + "/remove").then(function () {
            say(name + " was removed.");
            refresh();
          });
        }
      });
    }
  });
  var selectText = function (node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };

  // --- confirmation steps ----------------------------------------------------------------
  var stepBox = document.getElementById("step");
  var stepRun = null;
  var stepReturn = null;
  var step = function (options) {
    document.getElementById("step-h").textContent = options.title;
    var body = document.getElementById("step-body");
    body.textContent = "";
    (options.lines || []).forEach(function (line) { body.appendChild(el("p", "", line)); });
    if (options.list && options.list.length) {
      var list = el("ul", "srv-completeness");
      options.list.forEach(function (item) {
        var li = el("li", item.none ? "none" : "", item.text);
        list.appendChild(li);
      });
      body.appendChild(list);
    }
    var fieldBox = document.getElementById("step-field");
    var input = document.getElementById("step-input");
    fieldBox.hidden = options.field === undefined;
    input.value = options.field || "";
    document.getElementById("step-yes").textContent = options.yes;
    stepRun = options.run;
    stepReturn = options.after || null;
    stepBox.hidden = false;
    stepBox.focus();
    stepBox.scrollIntoView({ block: "nearest" });
  };
  var closeStep = function () {
    stepBox.hidden = true;
    stepRun = null;
    if (stepReturn) stepReturn.focus();
  };
  document.getElementById("step-no").addEventListener("click", closeStep);
  document.getElementById("step-yes").addEventListener("click", function () {
    if (!stepRun) return;
    var yes = document.getElementById("step-yes");
    yes.disabled = true;
    stepRun(document.getElementById("step-input").value).then(function () {
      yes.disabled = false;
      closeStep();
    }, function (err) {
      yes.disabled = false;
      say(err.message, true);
    });
  });
  stepBox.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeStep();
  });

  var completeness = function () {
    var rows = latest.participants;
    var none = rows.filter(function (p) { return p.answered === 0; });
    var partial = rows.filter(function (p) { return p.answered > 0 && p.answered < p.total; });
    var full = rows.filter(function (p) { return p.total && p.answered >= p.total; });
    var lines = [];
    if (!rows.length) lines.push("No one is invited yet.");
    else lines.push(full.length + " of " + rows.length + " participants have rated every cell.");
    if (partial.length) lines.push("Incomplete participants count as analysts for the cells they rated.");
    if (none.length) lines.push("Who rated no cell is left out of the aggregate: " + none.map(function (p) { return p.name; }).join(", ") + ".");
    var list = rows.map(function (p) {
      return { text: p.name + ": " + p.answered + " of " + p.total + " cells rated" + (p.answered === 0 ? " (none)" : ""), none: p.answered === 0 };
    });
    return { lines: lines, list: list };
  };
  var reloadAfter = function (promise) {
    return promise.then(function () { window.location.reload(); });
  };
  document.getElementById("reveal").addEventListener("click", function (event) {
    refresh().then(function () {
      var summary = completeness();
      step({
        title: "Reveal round " + latest.round + "?",
        lines: summary.lines.concat(["Revealing closes round " + latest.round + " to changes and shows everyone the aggregate."]),
        list: summary.list,
        yes: "Reveal round " + latest.round,
        after: event.target,
        run: function () { return reloadAfter(call("/reveal")); }
      });
    });
  });
  document.getElementById("next-round").addEventListener("click", function (event) {
    var next = latest.round + 1;
    step({
      title: "Open round " + next + "?",
      lines: ["Each participant finds their round " + latest.round + " ratings filled in and changes them with reasons; the revealed results stay those of round " + latest.revealed + " until you reveal round " + next + "."],
      yes: "Open round " + next,
      after: event.target,
      run: function () { return reloadAfter(call("/round")); }
    });
  });

  document.getElementById("export").addEventListener("click", function () {
    var button = document.getElementById("export");
    button.disabled = true;
    say("Exporting…");
    call("/export").then(function (answer) {
      var box = document.getElementById("export-result");
      var leftOut = answer.left_out || [];
      var lines = (answer.lines || []).slice();
      (answer.warnings || []).forEach(function (line) { lines.push("warning: " + line); });
      leftOut.forEach(function (line) { lines.push("left out: " + line); });
      if (answer.comments_file) lines.push("comments: " + answer.comments_file + " (" + (answer.comments || []).length + ")");
      if (answer.report) lines.push("report: " + answer.report);
      if (answer.report_error) lines.push("report not written: " + answer.report_error);
      box.textContent = lines.join("\n");
      box.hidden = false;
      button.disabled = false;
      say(leftOut.length
        ? "Exported; " + leftOut.length + " could not be written (see below)."
        : "Exported.", leftOut.length > 0);
    }, function (err) {
      button.disabled = false;
      say(err.message, true);
    });
  });

  // --- discussion --------------------------------------------------------------------------
  var commentList = document.getElementById("comment-list");
  var shownComments = "";
  var showComments = function (comments) {
    var key = JSON.stringify(comments);
    if (key === shownComments) return;
    shownComments = key;
    commentList.textContent = "";
    comments.slice().reverse().forEach(function (c) {
      var li = el("li");
      li.appendChild(el("span", "who", c.by));
      li.appendChild(document.createTextNode(" on "));
      var a = el("a", "", c.evidence + (c.hypothesis ? " / " + c.hypothesis : ""));
      a.href = "#ev-" + c.evidence;
      li.appendChild(a);
      li.appendChild(el("span", "muted small", " round " + c.round + ": "));
      li.appendChild(document.createTextNode(c.text));
      commentList.appendChild(li);
    });
    if (!comments.length) commentList.appendChild(el("li", "muted", "No comments yet."));
  };
  document.getElementById("comment-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("comment-text");
    var hypothesis = document.getElementById("comment-hypothesis").value || null;
    call("/comments", {
      evidence: document.getElementById("comment-evidence").value,
      hypothesis: hypothesis,
      text: text.value
    }).then(function () {
      text.value = "";
      say("Comment added.");
      refresh();
    }, function (err) { say(err.message, true); });
  });

  // --- proposals ----------------------------------------------------------------------------
  var proposalList = document.getElementById("proposal-list");
  var shownProposals = "";
  var showProposals = function (proposals, votes) {
    var key = JSON.stringify([proposals, votes]);
    if (key === shownProposals) return;
    // Keep a reason being typed: re-draw only when nobody is typing in the list.
    if (proposalList.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return;
    shownProposals = key;
    proposalList.textContent = "";
    proposals.forEach(function (p) {
      var body = p.proposal || {};
      var item = el("div", "srv-proposal " + p.status);
      item.dataset.id = String(p.id);
      var head = el("p");
      head.appendChild(el("span", "who", p.by));
      head.appendChild(document.createTextNode(" (round " + p.round + "): " + p.what));
      item.appendChild(head);
      if (body.quote) item.appendChild(el("blockquote", "srv-quote", body.quote));
      if (body.statement) item.appendChild(el("p", "small", body.statement));
      if (p.proposal && p.proposal.note) item.appendChild(el("p", "muted small", "Note: " + p.proposal.note));
      if (p.status === "open") {
        var form = el("p", "srv-form");
        var label = el("label", "", "Reason");
        var input = el("input");
        input.id = "reason-" + p.id;
        label.htmlFor = input.id;
        input.maxLength = 2000;
        input.autocomplete = "off";
        form.appendChild(label);
        form.appendChild(input);
        ["accept", "reject"].forEach(function (decision) {
          var b = el("button", decision, decision === "accept" ? "Accept" : "Reject");
          b.type = "button";
          b.addEventListener("click", function () {
            b.disabled = true;
            call("/proposals/" + p.id, { decision: decision, reason: input.value || null }).then(function (answer) {
              say("Proposal " + (decision === "accept" ? "accepted" : "rejected") + "." + (answer.written && answer.written.length ? " Written: " + answer.written.join(", ") : ""));
              refresh();
            }, function (err) { b.disabled = false; say(err.message, true); });
          });
          form.appendChild(b);
        });
        item.appendChild(form);
      } else {
        item.appendChild(el("p", "small", (p.status === "accepted" ? "Accepted" : "Rejected") + (p.reason ? ": " + p.reason : "")));
      }
      proposalList.appendChild(item);
    });
    if (!proposals.length) proposalList.appendChild(el("p", "muted", "No proposals yet."));
    var summary = document.getElementById("vote-summary");
    summary.textContent = "";
    var ids = Object.keys(votes || {});
    if (ids.length) {
      summary.appendChild(el("h3", "", "Votes on credibility and relevance (advisory)"));
      var list = el("ul");
      ids.forEach(function (id) {
        var t = votes[id];
        var part = function (k) {
          return Object.keys(t[k]).filter(function (level) { return t[k][level]; }).map(function (level) { return level + " " + t[k][level]; }).join(", ") || "none";
        };
        var li = el("li");
        var a = el("a", "", id);
        a.href = "#ev-" + id;
        li.appendChild(a);
        li.appendChild(document.createTextNode(": credibility " + part("credibility") + "; relevance " + part("relevance")));
        list.appendChild(li);
      });
      summary.appendChild(list);
    }
  };

  // --- live status ---------------------------------------------------------------------------
  var refresh = function () {
    return fetch(config.api + "/status", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        latest = status;
        showPeople(status.participants || []);
        showRemoved(status.removed || []);
        showComments(status.comments || []);
        showProposals(status.proposals || [], status.votes || {});
      })
      .catch(function () {});
  };
  refresh();
  setInterval(refresh, 3000);
})();
