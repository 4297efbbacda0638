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
  // The whole diagram when it can be read so; on a phone it would be drawn too small to read, so
  // it opens at a readable size on the first change (else its left edge), to pan from there.
  var READABLE = 0.75;
  function showReadable(canvas, first) {
    if (canvas.zoom("fit-viewport") >= READABLE) { return; }
    var box = canvas.viewbox(), width = box.outer.width / READABLE, height = box.outer.height / READABLE;
    if (first && first.width !== undefined) {
      canvas.viewbox({ x: first.x + first.width / 2 - width / 2, y: first.y + first.height / 2 - height / 2,
                       width: width, height: height });
    } else {
      canvas.viewbox({ x: box.inner.x - 10, y: box.inner.y - 10, width: width, height: height });
    }
  }
  function draw(el) {
    var viewer = new window.BpmnJS({ container: el });
    fetch(el.getAttribute("data-bpmn-url"), { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
        nameLanes(viewer, laneNames(el));
        var marked = [];
        ["added", "changed", "removed"].forEach(function (kind) {
          ids(el, kind).forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, "diff-" + kind); marked.push(registry.get(id)); }
          });
        });
        showReadable(canvas, marked[0]);
        el.setAttribute("data-drawn", "true");
      })
      .catch(function () { el.setAttribute("data-drawn", "failed"); });
  }
  document.querySelectorAll(".bpmn-canvas[data-bpmn-url]").forEach(draw);
})();
