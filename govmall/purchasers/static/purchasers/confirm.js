// Ask before irreversible actions: any form with data-confirm="…" (no inline scripts: CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var text = form && form.getAttribute && form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) e.preventDefault();
  });
})();
