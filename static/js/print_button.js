// The board report's "Print this report" button (a file, not inline: the Content Security
// Policy runs no inline script).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
