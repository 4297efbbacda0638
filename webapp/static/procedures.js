// The procedures pages' diagrams: bpmn-js draws each version and marks what changed
// (data-added / data-changed / data-removed on the canvas, lists of element ids).
(function () {
  "use strict";
  function ids(el, name) {
    try { return JSON.parse(el.getAttribute("data-" + name) || "[]"); } catch (e) { return []; }
  }
  function draw(el) {
    var viewer = new window.BpmnJS({ container: el });
    fetch(el.getAttribute("data-bpmn-url"), { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
        canvas.zoom("fit-viewport");
        ["added", "changed", "removed"].forEach(function (kind) {
          ids(el, kind).forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, "diff-" + kind); }
          });
        });
        el.setAttribute("data-drawn", "true");
      })
      .catch(function () { el.setAttribute("data-drawn", "failed"); });
  }
  document.querySelectorAll(".bpmn-canvas[data-bpmn-url]").forEach(draw);
})();
