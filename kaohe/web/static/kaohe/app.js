// Kaohe page behaviour: the menu drawer on phones and the "larger text" toggle. Loaded in <head>
// so the text size is applied before the first paint.
(function () {
  "use strict";
  var KEY = "kaohe-text-large";
  var root = document.documentElement;
  try {
    if (window.localStorage.getItem(KEY) === "1") root.classList.add("text-large");
  } catch (e) { /* storage refused: keep the default size */ }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var toggle = document.getElementById("menu-toggle");
    var backdrop = document.getElementById("nav-backdrop");
    var size = document.getElementById("text-size");

    function setNav(open) {
      body.classList.toggle("nav-open", open);
      if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var first = document.querySelector("#nav a");
        if (first) first.focus();
      }
    }
    if (toggle) toggle.addEventListener("click", function () { setNav(!body.classList.contains("nav-open")); });
    if (backdrop) backdrop.addEventListener("click", function () { setNav(false); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && body.classList.contains("nav-open")) { setNav(false); if (toggle) toggle.focus(); }
    });

    if (size) {
      size.setAttribute("aria-pressed", root.classList.contains("text-large") ? "true" : "false");
      size.addEventListener("click", function () {
        var on = !root.classList.contains("text-large");
        root.classList.toggle("text-large", on);
        size.setAttribute("aria-pressed", on ? "true" : "false");
        try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* ignore */ }
      });
    }
  });
})();
