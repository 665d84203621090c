/* Loads a page's folded parts (companion/deferred.py) the first time a reader opens one: a
   <script> element, so it works from file:// as over http. */
(function () {
  "use strict";
  var waiting = false;

  // The page's name and its script are named once, on #companion-deferred-source.
  function source() {
    var el = document.getElementById("companion-deferred-source");
    return el ? { page: el.dataset.page, src: el.dataset.src } : null;
  }

  function fill(page) {
    var parts = (window.companionDeferred || {})[page];
    if (!parts) { return false; }
    document.querySelectorAll(".companion-deferred").forEach(function (el) {
      var part = parts[Number(el.dataset.part)];
      if (part === undefined) {
        console.error("companion-deferred: " + page + " has no part " + el.dataset.part);
        return;
      }
      el.insertAdjacentHTML("beforebegin", part);
      el.remove();
    });
    return true;
  }

  function load() {
    var from = source();
    if (!from) { console.error("companion-deferred: the page does not name its folded parts' script"); return; }
    if (fill(from.page) || waiting) { return; }
    waiting = true;
    var script = document.createElement("script");
    script.src = from.src;
    script.onload = function () { fill(from.page); };
    script.onerror = function () { console.error("companion-deferred: could not load " + script.src); };
    document.head.appendChild(script);
  }

  // "toggle" does not bubble: listen in the capture phase for every <details> on the page.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.tagName === "DETAILS" && details.open) {
      if (details.querySelector(".companion-deferred")) { load(); }
    }
  }, true);
})();
