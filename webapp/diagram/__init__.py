"""A procedure's diagram drawn on the server as SVG, from the BPMN DI (the layout the modeller drew):
``layout`` reads the DI, ``drawing`` draws it.

No JavaScript is needed to see where a dossier is: the step shapes carry the classes ``done``
(a work item of the dossier finished there) and ``current`` (an open work item waits there), and the
page's stylesheet colours them (``STYLE``, allowed by the Content-Security-Policy by its hash).
``placement`` decides where each name goes (wrapped into its task, in its DI label bounds, or clear
of shapes, lines and other labels), measuring text with ``text``."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from webapp.diagram.drawing import STYLE, draw
from webapp.diagram.layout import read_layout


def _as_is(name: str) -> str:
    return name


def render_diagram(bpmn_xml: str | bytes, *, done: Iterable[str] = (), current: Iterable[str] = (),
                   title: str = "", lane_label: Callable[[str], str] = _as_is,
                   name_label: Callable[[str], str | None] = _as_is,
                   flow_label: Callable[[str], str | None] = _as_is) -> str | None:
    """The diagram as an SVG string, or None when the file carries no layout (no BPMN DI).

    ``lane_label`` names a lane for the reader: our lanes are named by role code ("specialist"),
    which the page shows as the role's label in the reader's language. ``name_label`` does the same
    for a pool, task, sub-process, event or gateway, given the name the diagram gives it
    (Vietnamese), and ``flow_label`` for a flow's label: the page passes these names in the
    reader's language (the procedures' catalogue).
    """
    layout = read_layout(bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bpmn_xml)
    if layout is None:
        return None
    current = set(current)
    done = set(done) - current  # a step open again (sent back) is current, not done
    return draw(layout, done, current, title, lane_label, name_label, flow_label)


__all__ = ["STYLE", "render_diagram"]
