// GovMall page behaviour: large-text switch, idle sign-out warning. No inline scripts (CSP).
(function () {
  "use strict";
  var root = document.documentElement;
  try { if (localStorage.getItem("govmall-large-text") === "1") root.classList.add("large-text"); } catch (e) {}

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("large-text-toggle");
    if (toggle) {
      toggle.setAttribute("aria-pressed", root.classList.contains("large-text") ? "true" : "false");
      toggle.addEventListener("click", function () {
        var on = root.classList.toggle("large-text");
        toggle.setAttribute("aria-pressed", on ? "true" : "false");
        try { localStorage.setItem("govmall-large-text", on ? "1" : "0"); } catch (e) {}
      });
    }

    // Warn two minutes before the idle sign-out, with a button that keeps the session.
    var body = document.body;
    var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
    var keepUrl = body.getAttribute("data-keepalive-url");
    if (!idle || !keepUrl) return;
    var box = document.getElementById("idle-warning");
    var countdown = document.getElementById("idle-countdown");
    var deadline = Date.now() + idle * 1000;
    var headers = {};
    try { headers = JSON.parse(body.getAttribute("hx-headers") || "{}"); } catch (e) {}
    function reset() { deadline = Date.now() + idle * 1000; box.hidden = true; }
    document.getElementById("idle-continue").addEventListener("click", function () {
      fetch(keepUrl, { method: "POST", headers: headers, credentials: "same-origin" }).then(function (r) {
        if (r.status === 204) { reset(); } else { window.location = body.getAttribute("data-login-url"); }
      });
    });
    setInterval(function () {
      var left = Math.round((deadline - Date.now()) / 1000);
      if (left <= 0) { window.location = body.getAttribute("data-login-url") + "?next=" + encodeURIComponent(location.pathname); return; }
      if (left <= 120) {
        box.hidden = false;
        countdown.textContent = Math.floor(left / 60) + " 分 " + (left % 60) + " 秒";
      }
    }, 1000);
  });
})();
