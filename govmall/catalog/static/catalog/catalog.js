// Mall catalog item form: pick a provincial item from the search-as-you-type list (no inline scripts: CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.pick");
    if (!button) return;
    var input = document.getElementById("id_category_code");
    if (!input) return;
    input.value = button.getAttribute("data-code");
    // Ask the server for the chosen item's line (name and level-2 group) through the same htmx search.
    if (window.htmx) { window.htmx.trigger(input, "input"); }
    var next = document.getElementById("id_group_code");
    if (next) next.focus();
  });
})();
