/* The search page's facets: folded in « Filtrer » on a phone, open beside the results on a wide
 * screen. Progressive enhancement only: without this file the panel opens with a click. */
(function () {
  "use strict";
  if (window.matchMedia("(min-width: 56rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (panel) {
      panel.open = true;
    });
  }
})();
