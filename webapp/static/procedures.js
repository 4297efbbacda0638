// The procedures pages' diagrams: bpmn-js draws each version and marks what changed
// (data-added / data-changed / data-removed on the canvas, lists of element ids). Lanes, named
// by role code in the diagram, are shown by the role's name in the page's language
// (data-lane-names on the canvases' container); a hand-off shows its flow's name, not its
// message's key (procedures.css).
(function () {
  "use strict";
  function ids(el, name) {
    try { return JSON.parse(el.getAttribute("data-" + name) || "[]"); } catch (e) { return []; }
  }
  function laneNames(el) {
    var holder = el.closest("[data-lane-names]");
    try { return JSON.parse((holder && holder.getAttribute("data-lane-names")) || "{}"); } catch (e) { return {}; }
  }
  function nameLanes(viewer, names) {
    // The drawing only: the business objects are this page's copy, never saved.
    var registry = viewer.get("elementRegistry"), graphics = viewer.get("graphicsFactory");
    registry.filter(function (e) { return e.type === "bpmn:Lane"; }).forEach(function (lane) {
      var name = names[lane.businessObject.name];
      if (name) {
        lane.businessObject.name = name;
        graphics.update("shape", lane, registry.getGraphics(lane));
      }
    });
  }
  function draw(el) {
    var viewer = new window.BpmnJS({ container: el });
    fetch(el.getAttribute("data-bpmn-url"), { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
        nameLanes(viewer, laneNames(el));
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
