/* Loads a page's folded parts (companion/deferred.py) the first time a reader opens one: a
   <script> element, so it works from file:// as over http. */
(function () {
  "use strict";
  var waiting = {};

  function fill(page) {
    var parts = (window.companionDeferred || {})[page];
    if (!parts) { return false; }
    document.querySelectorAll('.companion-deferred[data-page="' + page + '"]').forEach(function (el) {
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

  function load(placeholder) {
    var page = placeholder.dataset.page;
    if (fill(page) || waiting[page]) { return; }
    waiting[page] = true;
    var script = document.createElement("script");
    script.src = placeholder.dataset.src;
    script.onload = function () { fill(page); };
    script.onerror = function () { console.error("companion-deferred: could not load " + script.src); };
    document.head.appendChild(script);
  }

  // "toggle" does not bubble: listen in the capture phase for every <details> on the page.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.tagName === "DETAILS" && details.open) {
      var placeholder = details.querySelector(".companion-deferred");
      if (placeholder) { load(placeholder); }
    }
  }, true);
})();
