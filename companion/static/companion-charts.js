/* Draws every chart on the page from the Vega-Lite spec the book build embedded next to it.
   Uses only the vega, vega-lite and vega-embed scripts shipped in _static/vendor/. */
(function () {
  "use strict";
  var SPEC_TYPE = "application/vnd.companion.vegalite+json";

  function drawAll() {
    var specs = document.querySelectorAll('script[type="' + SPEC_TYPE + '"]');
    specs.forEach(function (node) {
      var target = document.getElementById(node.dataset.target);
      if (!target) {
        console.error("companion-charts: no element with id " + node.dataset.target);
        return;
      }
      var spec;
      try {
        spec = JSON.parse(node.textContent);
      } catch (err) {
        target.dataset.chartError = "unparseable spec";
        console.error("companion-charts: chart " + node.dataset.target + " has an unparseable spec: " + err);
        return;
      }
      if (typeof window.vegaEmbed !== "function") {
        target.dataset.chartError = "vega-embed missing";
        console.error("companion-charts: vega-embed is not loaded; chart " + node.dataset.target + " not drawn");
        return;
      }
      window.vegaEmbed(target, spec, { mode: "vega-lite", renderer: "svg", actions: false })
        .then(function (result) {
          // Name the chart for screen readers; Vega's ARIA labels each axis and mark inside it.
          var svg = target.querySelector("svg");
          var title = spec.title && (spec.title.text || spec.title);
          var label = [[].concat(title || []).join(" "), spec.description].filter(Boolean).join(". ");
          if (svg && label) {
            svg.setAttribute("role", "graphics-document");
            svg.setAttribute("aria-roledescription", "chart");
            svg.setAttribute("aria-label", label);
          }
          target.dataset.chartDrawn = "true";
          return result;
        })
        .catch(function (err) {
          target.dataset.chartError = String(err);
          console.error("companion-charts: chart " + node.dataset.target + " failed to draw: " + err);
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
