// The rating sheet on the live server: which letter is the participant's in the revealed
// results, and a discussion thread per item (and per cell, chosen in the thread's form).
// Comments go to the server with the page's CSRF token; others' appear after the reveal.
(function () {
  "use strict";
  var server = JSON.parse(document.getElementById("server-data").textContent);
  if (!server.commentsUrl) return;
  var el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  if (server.letter) {
    var who = document.querySelector(".who");
    if (who) {
      var note = el("p", "letter-note");
      note.id = "your-letter";
      note.appendChild(document.createTextNode("In the revealed results your ratings appear as "));
      note.appendChild(el("strong", "", server.letter));
      note.appendChild(document.createTextNode("."));
      who.insertAdjacentElement("afterend", note);
    }
  }

  var threads = {};
  document.querySelectorAll("article.item").forEach(function (article) {
    var evidence = article.dataset.evidence;
    var box = el("details", "discussion");
    box.dataset.evidence = evidence;
    var summary = el("summary", "", "Discussion");
    box.appendChild(summary);
    var help = el("p", "small muted", server.revealed
      ? "Comments on this item or one of its cells; everyone sees them once the round they are written in is revealed."
      : "Comments on this item or one of its cells: the facilitator sees them now, everyone else once the round is revealed.");
    box.appendChild(help);
    var list = el("ul");
    box.appendChild(list);
    var form = el("form");
    var base = "c-" + evidence;
    var pickLabel = el("label", "", "On");
    var pick = el("select");
    pick.id = base + "-on";
    pickLabel.htmlFor = pick.id;
    pick.appendChild(new Option("the whole item", ""));
    article.querySelectorAll("tr.cell").forEach(function (row) {
      var title = row.querySelector("th").childNodes;
      var text = "";
      for (var i = 0; i < title.length; i++) {
        if (title[i].nodeType === 3 || !title[i].classList.contains("inline-statement")) text += title[i].textContent;
      }
      pick.appendChild(new Option("if " + text.trim(), row.dataset.hypothesis));
    });
    var textLabel = el("label", "", "Comment");
    var text = el("textarea");
    text.id = base + "-text";
    text.rows = 1;
    text.maxLength = 2000;
    textLabel.htmlFor = text.id;
    var send = el("button", "", "Add comment");
    send.type = "submit";
    var msg = el("p", "comment-msg small");
    msg.setAttribute("aria-live", "polite");
    [pickLabel, pick, textLabel, text, send].forEach(function (node) { form.appendChild(node); });
    box.appendChild(form);
    box.appendChild(msg);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!text.value.trim()) { msg.textContent = "Write a comment first."; msg.classList.add("error"); return; }
      send.disabled = true;
      fetch(server.commentsUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": server.csrf },
        body: JSON.stringify({ evidence: evidence, hypothesis: pick.value || null, text: text.value }),
        credentials: "same-origin",
        cache: "no-store"
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) throw new Error(answer.error || ("the server answered " + response.status));
        });
      }).then(function () {
        text.value = "";
        msg.textContent = "Comment saved.";
        msg.classList.remove("error");
        load();
      }, function (err) {
        msg.textContent = "Not saved: " + err.message;
        msg.classList.add("error");
      }).then(function () { send.disabled = false; });
    });
    var table = article.querySelector("table.rate");
    (table || article.lastElementChild).insertAdjacentElement("afterend", box);
    threads[evidence] = { box: box, list: list, summary: summary, pick: pick };
  });

  var shown = "";
  var load = function () {
    fetch(server.commentsUrl, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        var key = JSON.stringify(answer.comments || []);
        if (key === shown) return;
        shown = key;
        Object.keys(threads).forEach(function (id) { threads[id].list.textContent = ""; threads[id].count = 0; });
        (answer.comments || []).forEach(function (c) {
          var thread = threads[c.evidence];
          if (!thread) return;
          var li = el("li");
          li.appendChild(el("span", "by", c.by));
          if (c.hypothesis) {
            var option = Array.prototype.filter.call(thread.pick.options, function (o) { return o.value === c.hypothesis; })[0];
            li.appendChild(el("span", "on", " " + (option ? option.textContent : "on " + c.hypothesis)));
          }
          li.appendChild(document.createTextNode(": " + c.text));
          thread.list.appendChild(li);
          thread.count += 1;
        });
        Object.keys(threads).forEach(function (id) {
          var t = threads[id];
          t.summary.textContent = t.count ? "Discussion (" + t.count + ")" : "Discussion";
        });
      })
      .catch(function () {});
  };
  load();
  setInterval(load, 10000);
})();
