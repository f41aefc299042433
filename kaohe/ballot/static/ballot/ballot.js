// Ballot pages: keep a draft of the marks on this device (localStorage) until the ballot is
// submitted, submit once, show progress; read a code from the QR address fragment (#CODE), which
// the browser never sends to the server.
(function () {
  "use strict";
  function store(op, key, value) {
    try {
      if (op === "get") return window.localStorage.getItem(key);
      if (op === "set") window.localStorage.setItem(key, value);
      if (op === "del") window.localStorage.removeItem(key);
    } catch (e) { /* storage refused: no draft */ }
    return null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var codeForm = document.getElementById("code-form");
    if (codeForm && window.location.hash.length > 1) {
      var input = document.getElementById("id_code");
      var code = decodeURIComponent(window.location.hash.slice(1));
      history.replaceState(null, "", window.location.pathname);  // the code leaves the address bar
      if (input && !input.value) { input.value = code; codeForm.submit(); }
    }

    var thanks = document.getElementById("ballot-thanks");
    if (thanks) {
      var prefix = thanks.getAttribute("data-clear-draft");
      try {
        for (var i = window.localStorage.length - 1; i >= 0; i--) {
          var k = window.localStorage.key(i);
          if (k && k.indexOf(prefix + "-") === 0) window.localStorage.removeItem(k);
        }
      } catch (e) { /* ignore */ }
    }

    var form = document.getElementById("ballot-form");
    if (!form) return;
    var box = form.querySelector(".ballot");
    var key = box && box.getAttribute("data-draft-key");
    var done = document.getElementById("ballot-done");
    var persons = form.querySelectorAll(".ballot-person");

    function progress() {
      var n = 0;
      persons.forEach(function (p) {
        var groups = p.querySelectorAll(".ballot-mark");
        var all = true;
        groups.forEach(function (g) { if (!g.querySelector("input:checked")) all = false; });
        if (all) n++;
      });
      if (done) done.textContent = String(n);
    }
    function save() {
      var marks = {};
      form.querySelectorAll(".ballot input[type=radio]:checked").forEach(function (r) { marks[r.name] = r.value; });
      if (key) store("set", key, JSON.stringify(marks));
      progress();
    }
    // Restore a draft only where the server did not already fill the form (after a refusal).
    var hasServerMarks = form.querySelector(".ballot input[type=radio]:checked");
    if (key && !hasServerMarks) {
      var draft = store("get", key);
      if (draft) {
        try {
          var marks = JSON.parse(draft);
          Object.keys(marks).forEach(function (name) {
            var r = form.querySelector('input[type=radio][name="' + name + '"][value="' + marks[name] + '"]');
            if (r) r.checked = true;
          });
        } catch (e) { /* a broken draft is ignored */ }
      }
    }
    progress();
    form.addEventListener("change", save);
    var sent = false;
    form.addEventListener("submit", function (e) {
      if (sent) { e.preventDefault(); return; }
      sent = true;
      var button = document.getElementById("ballot-submit");
      if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    });
  });
})();
