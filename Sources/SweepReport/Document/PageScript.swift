/// The page's only script: inline, small, no external resource, so report.html still
/// works from a USB stick. What it does:
///
/// - Clicking a legend entry hides or shows that series in its chart (every element
///   of the chart whose `data-series` matches: line, band, markers); double-clicking
///   shows only that series, and double-clicking it again shows all. Enter or space
///   on a focused entry toggles it.
/// - A test hook in the URL's fragment, read once at load: `#hide=CHART:SERIES` clicks
///   that legend entry, `#isolate=CHART:SERIES` double-clicks it (CHART is the svg id
///   without "chart-", SERIES the entry's label, URL-encoded; several joined by `&`),
///   and `#selftest` writes what the browser drew into `<pre id="gradsweep-selftest">`
///   as JSON: per chart the series drawn (a path with a non-empty box, or markers),
///   hidden, markers and legend entries, plus the page's scroll width and any error
///   caught. `chromium --headless --dump-dom 'file:///…/report.html#selftest&hide=…'`
///   then shows the outcome without a driver (Tests/GradsweepCLITests/BrowserTests.swift).
///
/// Without the script (or with it failing) the page is complete: the charts are
/// static SVG with `<title>` tooltips.
enum PageScript {
  static let source = #"""
    (function () {
      "use strict";
      var errors = [];
      window.addEventListener("error", function (e) { errors.push(String(e.message || e)); });
      function own(svg, el) { return el.closest("svg") === svg && !el.closest(".legend-entry"); }
      function apply(svg) {
        var off = {};
        svg.querySelectorAll(".legend-entry.off").forEach(function (e) { off[e.getAttribute("data-series")] = true; });
        svg.querySelectorAll("[data-series]").forEach(function (el) {
          if (own(svg, el)) { el.classList.toggle("hidden-series", off[el.getAttribute("data-series")] === true); }
        });
      }
      function entry(svg, name) {
        var all = svg.querySelectorAll(".legend-entry");
        for (var i = 0; i < all.length; i++) { if (all[i].getAttribute("data-series") === name) { return all[i]; } }
        return null;
      }
      function toggle(svg, e) { e.classList.toggle("off"); apply(svg); }
      function isolate(svg, e) {
        var all = Array.prototype.slice.call(svg.querySelectorAll(".legend-entry"));
        var alone = !e.classList.contains("off") && all.every(function (o) { return o === e || o.classList.contains("off"); });
        all.forEach(function (o) { o.classList.toggle("off", !alone && o !== e); });
        apply(svg);
      }
      document.querySelectorAll("svg.chart").forEach(function (svg) {
        svg.querySelectorAll(".legend-entry").forEach(function (e) {
          e.addEventListener("click", function () { toggle(svg, e); });
          e.addEventListener("dblclick", function (ev) { ev.preventDefault(); isolate(svg, e); });
          e.addEventListener("keydown", function (ev) {
            if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggle(svg, e); }
          });
        });
      });
      var hash = decodeURIComponent(location.hash.replace(/^#/, ""));
      if (hash === "") { return; }
      var selftest = false;
      hash.split("&").forEach(function (part) {
        var eq = part.indexOf("=");
        var verb = eq < 0 ? part : part.slice(0, eq);
        if (verb === "selftest") { selftest = true; return; }
        if (verb !== "hide" && verb !== "isolate") { return; }
        var arg = part.slice(eq + 1), colon = arg.indexOf(":");
        var svg = document.getElementById("chart-" + arg.slice(0, colon));
        var e = svg && entry(svg, arg.slice(colon + 1));
        if (!e) { errors.push("test hook: no legend entry " + arg); return; }
        if (verb === "hide") { toggle(svg, e); } else { isolate(svg, e); }
      });
      if (!selftest) { return; }
      var charts = {};
      document.querySelectorAll("svg.chart").forEach(function (svg) {
        var drawn = 0, hidden = 0, markers = 0, names = {};
        svg.querySelectorAll("path.series").forEach(function (p) {
          if (p.getAttribute("data-reference")) { return; }
          if (getComputedStyle(p).display === "none") { hidden++; return; }
          var b = p.getBBox(), n = p.getAttribute("data-series");
          var dots = Array.prototype.filter.call(svg.querySelectorAll(".marker"), function (m) {
            return m.getAttribute("data-series") === n && m.closest("g.panel") === p.closest("g.panel");
          });
          if (b.width > 0 || b.height > 0 || dots.length > 0) { drawn++; names[n] = true; }
        });
        svg.querySelectorAll(".marker").forEach(function (m) { if (getComputedStyle(m).display !== "none") { markers++; } });
        charts[svg.id] = {
          series: drawn, hidden: hidden, markers: markers, names: Object.keys(names),
          legend: svg.querySelectorAll(".legend-entry").length,
          legendOff: svg.querySelectorAll(".legend-entry.off").length,
          panels: svg.querySelectorAll("g.panel").length,
          noData: svg.querySelectorAll(".no-data").length,
          cells: svg.querySelectorAll("rect.cell, rect.bar").length,
          width: Math.round(svg.getBoundingClientRect().width)
        };
      });
      var out = document.createElement("pre");
      out.id = "gradsweep-selftest";
      out.textContent = JSON.stringify({
        errors: errors, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, charts: charts
      });
      document.body.appendChild(out);
    })();
    """#
}
