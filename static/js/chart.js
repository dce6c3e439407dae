/* Draw every Plotly figure on the page from its json_script, on first load and whenever htmx
   swaps in a new chart part (the measure page polls while its chart is updating). */
(function () {
  "use strict";
  // The container is named and described (its text alternative and table); the SVG drawing's
  // tick labels and hover layers would only be noise to a screen reader. The toolbar stays.
  function hideDrawing(el) {
    el.querySelectorAll("svg.main-svg").forEach(function (svg) {
      svg.setAttribute("aria-hidden", "true");
    });
  }
  function draw(root) {
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source || !window.Plotly) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(el, figure.data, figure.layout, figure.config).then(function () {
        hideDrawing(el);
        // Drill-down: a point whose customdata is one of our own paths opens it (the funnel
        // plot's teams). Keyboard users have the same links in the table beside the chart.
        if (el.dataset.drillDown) { return; }  // a redraw keeps the one handler
        el.dataset.drillDown = "on";
        el.on("plotly_click", function (event) {
          var link = event.points && event.points[0] && event.points[0].customdata;
          if (typeof link === "string" && /^\/[^\/]/.test(link)) { window.location.assign(link); }
        });
      });
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(draw);
  } else {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  }
})();
