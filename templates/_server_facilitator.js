// The facilitator's page: invite participants, follow their progress, reveal, open the
// next round, export. Every POST carries the page's CSRF token.
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
        if (!response.ok) throw new Error(answer.error || ("the server answered " + response.status));
        return answer;
      });
    });
  };

  var people = document.getElementById("people");
  var addRow = function (name, link) {
    var row = document.createElement("tr");
    row.className = "person";
    var head = document.createElement("th");
    head.scope = "row";
    head.textContent = name;
    var cell = document.createElement("td");
    var input = document.createElement("input");
    input.className = "link";
    input.readOnly = true;
    input.value = link;
    input.setAttribute("aria-label", "Link for " + name);
    cell.appendChild(input);
    row.appendChild(head);
    row.appendChild(cell);
    ["answered", "this-round"].forEach(function (name) {
      var td = document.createElement("td");
      td.className = "num " + name;
      td.textContent = "0";
      row.appendChild(td);
    });
    people.appendChild(row);
    document.getElementById("no-people").hidden = true;
  };

  document.getElementById("invite").addEventListener("submit", function (event) {
    event.preventDefault();
    var field = document.getElementById("invite-name");
    call("/participants", { name: field.value }).then(function (answer) {
      addRow(answer.name, answer.link);
      field.value = "";
      say("Link created for " + answer.name + ".");
    }, function (err) { say(err.message, true); });
  });

  document.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.dataset.action;
      button.disabled = true;
      say(action === "export" ? "Exporting…" : "…");
      call("/" + action).then(function (answer) {
        if (action !== "export") { window.location.reload(); return; }
        var box = document.getElementById("export-result");
        var leftOut = answer.left_out || [];
        var lines = (answer.lines || []).concat(answer.warnings || []);
        leftOut.forEach(function (line) { lines.push("left out: " + line); });
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
  });

  var refresh = function () {
    fetch(config.api + "/status", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        var rows = people.querySelectorAll("tr.person");
        status.participants.forEach(function (person, index) {
          var row = rows[index];
          if (!row) return;
          row.querySelector(".answered").textContent = person.answered + " of " + person.total;
          row.querySelector(".this-round").textContent = String(person.this_round);
        });
      })
      .catch(function () {});
  };
  refresh();
  setInterval(refresh, 3000);
})();
