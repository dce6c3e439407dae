/* When htmx swaps in a new part of the page and the swap took away the focused element (a form's
   button, say), keyboard and screen-reader users would be left at the top of the page. Put focus
   back in the new part: on its first field in error, or else on its heading. */
(function () {
  "use strict";
  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !document.contains(active);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var part = event.target;
    if (!focusLost() || !part.querySelector) { return; }
    var target = part.querySelector(".is-invalid") || part.querySelector("h1, h2, h3");
    if (!target) { return; }
    if (!target.matches("input, select, textarea, button, a[href]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  });
})();
