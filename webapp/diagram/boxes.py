"""Names set inside a box: a task's name wrapped into the task (around its type icon and its
markers, in a smaller font when it has to be, never past the box's edge), and a label inside the
bounds the BPMN DI gives it (``bpmndi:BPMNLabel``). What goes around shapes and along flows is
``placement``'s."""
from __future__ import annotations

from dataclasses import dataclass

from webapp.diagram.text import FONT_SIZE, SMALLEST_FONT_SIZE, fit, line_height, text_width, wrap, wrap_into

TASK_PADDING = 4.0
ICON = (6.0, 7.0, 24.0, 24.0)  # the task type icon's corner, relative to the task's top left
MARKER_ROOM = 16.0  # the loop / multi-instance markers along the bottom of an activity
SIZES = (FONT_SIZE, 11, 10, SMALLEST_FONT_SIZE)
MOST_LINES = 40  # in a box cut to fit: however tall the box


@dataclass(frozen=True)
class Placed:
    """Lines of text centred on ``x``, the first one's middle at ``y``; ``box`` is what they cover."""
    lines: tuple[str, ...]
    size: float
    x: float
    y: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    xs: tuple[float, ...] = ()  # a centre per line when they differ (beside a task's icon)

    def line_x(self, i: int) -> float:
        return self.xs[i] if self.xs else self.x


def block(lines, size, cx, top) -> Placed:
    """The lines centred on ``cx``, the first one's top at ``top``."""
    lh = line_height(size)
    width = max(text_width(line, size) for line in lines)
    return Placed(tuple(lines), size, cx, top + lh / 2, (cx - width / 2, top, cx + width / 2, top + lh * len(lines)))


# --- names inside a box ----------------------------------------------------------------------------

def inside_box(name: str, x: float, y: float, w: float, h: float, *, icon: bool = False,
               markers: bool = False) -> Placed | None:
    """The name wrapped into the box: the largest font whose lines fit, the fewest lines at that
    size; lines level with the type icon are kept clear of it. Cut with an ellipsis at the
    smallest size only when even that does not fit."""
    if not name:
        return None
    left, right = x + TASK_PADDING, x + w - TASK_PADDING
    top, bottom = y + 4, y + h - 4 - (MARKER_ROOM if markers else 0)
    icon_box = (x + ICON[0], y + ICON[1], x + ICON[2], y + ICON[3]) if icon else None
    most = len(name.split())  # lines, without cutting a word
    for size in SIZES:
        lh = line_height(size)
        for n in range(1, min(int((bottom - top) // lh), most) + 1):
            for mode in ("clear", "narrow", "beside") if icon_box else ("clear",):
                slots = _slots(n, lh, y + h / 2, top, bottom, left, right, x + w / 2, icon_box, mode)
                if slots is None:
                    continue
                lines = wrap_into(name, [width for width, _cx, _cy in slots], size)
                if lines:
                    return _in_slots(lines, size, slots, lh)
    size = SMALLEST_FONT_SIZE
    lh = line_height(size)
    n = max(1, min(int((bottom - top) // lh), most, MOST_LINES))
    slots = _slots(n, lh, y + h / 2, top, bottom, left, right, x + w / 2, icon_box, "narrow") or \
        [(right - left, x + w / 2, y + h / 2)]
    lines = wrap_into(name, [width for width, _cx, _cy in slots], size, repeat_last=True, cut_words=True) or [name]
    if len(lines) > len(slots):
        lines = lines[:len(slots)]
        lines[-1] = fit(lines[-1] + "…", slots[len(lines) - 1][0], size)
    return _in_slots(lines, size, slots, lh)


def _slots(n, lh, centre, top, bottom, left, right, cx, icon_box, mode):
    """n lines' (width, centre x, centre y), the block centred in the box as far as it can be:

    - "clear": below the type icon (None if the lines do not go in under it);
    - "narrow": level with it where need be, those lines narrowed on both sides, still centred;
    - "beside": those lines right of the icon (None when no line is level with it: as "narrow").
    """
    block = n * lh
    if mode == "clear" and icon_box:
        top = max(top, icon_box[3])
        if block > bottom - top:
            return None
    middle = min(max(centre, top + block / 2), bottom - block / 2)
    first = middle - block / 2
    slots, by_icon = [], False
    for i in range(n):
        t0, t1 = first + i * lh, first + (i + 1) * lh
        if icon_box and t0 < icon_box[3] and t1 > icon_box[1]:
            by_icon = True
            if mode == "beside":  # right of the icon, centred in what is left
                start = icon_box[2] + 2
                slots.append((right - start, (start + right) / 2, (t0 + t1) / 2))
            else:  # kept centred, as narrow as the icon makes it
                inset = icon_box[2] + 2 - left
                slots.append((right - left - 2 * inset, cx, (t0 + t1) / 2))
        else:
            slots.append((right - left, cx, (t0 + t1) / 2))
    if mode != "narrow" and by_icon:
        return None if mode == "clear" else slots
    if mode == "beside":
        return None
    return slots


def _in_slots(lines, size, slots, lh) -> Placed:
    used = slots[:len(lines)]
    xs = tuple(cx for _w, cx, _cy in used)
    widths = [text_width(line, size) for line in lines]
    x0 = min(cx - w / 2 for (cx, w) in zip(xs, widths))
    x1 = max(cx + w / 2 for (cx, w) in zip(xs, widths))
    top = used[0][2] - lh / 2
    return Placed(tuple(lines), size, used[0][1], used[0][2], (x0, top, x1, top + lh * len(lines)),
                  xs if len(set(xs)) > 1 else ())


# --- labels in their DI bounds ---------------------------------------------------------------------

def in_bounds(name: str, bounds: tuple[float, float, float, float]) -> Placed:
    """Inside the label bounds the modeller's editor gave: the largest font that fits them (an
    editor measures with its own, often narrower, font), centred in them."""
    lx, ly, lw, lh = bounds
    for size in SIZES:
        lines = wrap_into(name, [lw], size, repeat_last=True)
        if lines and len(lines) * line_height(size) <= max(lh, line_height(size)) + 0.5:
            return _centred(lines, size, lx + lw / 2, ly + lh / 2)
    lines = wrap(name, lw, SMALLEST_FONT_SIZE)
    return _centred(lines, SMALLEST_FONT_SIZE, lx + lw / 2, ly + lh / 2)


def _centred(lines, size, cx, cy) -> Placed:
    return block(lines, size, cx, cy - len(lines) * line_height(size) / 2)
