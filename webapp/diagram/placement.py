"""Where each name goes, worked out once per diagram and language (``plan``):

- inside a task (or a collapsed sub-process): wrapped to the box, around the task's type icon and
  its markers, in a smaller font when it has to be — never past the box's edge (``boxes``);
- a label with bounds in the BPMN DI (``bpmndi:BPMNLabel``): inside those bounds, where the
  modeller put it (``boxes``);
- any other label of an event, a gateway, a data object or a flow: at the best of a few places
  around its shape or along its flow (below an event, beside a flow's line…), the best being the
  one that runs over no shape, no line, no lane border and no other label, and that is the usual
  place when several are clear. Labels are placed one by one, then each is placed again knowing
  where all the others went, so an early one does not keep a place a later one needed more.

Widths are estimated (``text``), on the wide side; every label keeps a little air around it."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from webapp.diagram.boxes import SIZES, Placed, block, in_bounds, inside_box
from webapp.diagram.layout import (
    DATA, END_EVENTS, GATEWAYS, INTERMEDIATE_EVENTS, START_EVENTS, SUBPROCESSES, TASKS, Edge, Layout, Shape,
)
from webapp.diagram.text import line_height, text_width, wrap, wrap_into

EVENTS = START_EVENTS | END_EVENTS | INTERMEDIATE_EVENTS
BAND = 30.0  # the strip of a pool or lane that carries its name
AIR = 2.0  # free space kept around a label
QUICK_ABOVE = 300  # labels to place: above, one pass and one font size
# What running over something costs a label's place; the place's own preference adds a few points.
HIT_SHAPE, HIT_LABEL, HIT_LINE, OTHER_LANE, OUTSIDE = 1000.0, 1000.0, 400.0, 300.0, 150.0


@dataclass
class Plan:
    inner: dict[str, Placed] = field(default_factory=dict)  # names inside a task's box
    outer: dict[str, Placed] = field(default_factory=dict)  # labels of events, gateways, data, flows
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


# --- what a label must keep clear of ---------------------------------------------------------------

@dataclass
class _Obstacles:
    solids: list = field(default_factory=list)  # ("rect"|"circle"|"diamond", …, bbox)
    lines: list = field(default_factory=list)  # (x1, y1, x2, y2)
    homes: list = field(default_factory=list)  # lanes, and pools without lanes: (x0, y0, x1, y1)


def _obstacles(layout: Layout, name_of: dict[str, str]) -> _Obstacles:
    found = _Obstacles()
    for s in layout.shapes:
        x0, y0, x1, y1 = s.x, s.y, s.x + s.w, s.y + s.h
        if s.kind in ("participant", "lane") or (s.kind in SUBPROCESSES and s.expanded is not False):
            found.lines += [(x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)]
            if s.kind in ("participant", "lane"):
                band = (x0, y0, x0 + BAND, y1) if s.horizontal else (x0, y0, x1, y0 + BAND)
                found.solids.append(("rect", band, band))
                found.homes.append((x0 + BAND, y0, x1, y1) if s.horizontal else (x0, y0 + BAND, x1, y1))
            elif name_of.get(s.element_id):  # the expanded sub-process's name in its top left corner
                lines = wrap(name_of[s.element_id], s.w - 16)[:2]
                box = (x0 + 4, y0 + 4, x0 + 12 + max(text_width(line) for line in lines),
                       y0 + 12 + line_height() * len(lines))
                found.solids.append(("rect", box, box))
            if s.markers:
                box = (x0 + s.w / 2 - 16 * len(s.markers), y1 - 18, x0 + s.w / 2 + 16 * len(s.markers), y1)
                found.solids.append(("rect", box, box))
        elif s.kind in EVENTS:
            r = s.w / 2
            found.solids.append(("circle", (s.x + r, s.y + s.h / 2, r), (x0, y0, x1, y1)))
        elif s.kind in GATEWAYS:
            found.solids.append(("diamond", (s.x + s.w / 2, s.y + s.h / 2, s.w / 2, s.h / 2), (x0, y0, x1, y1)))
        else:
            found.solids.append(("rect", (x0, y0, x1, y1), (x0, y0, x1, y1)))
    for e in layout.edges:
        for (ax, ay), (bx, by) in zip(e.points, e.points[1:]):
            found.lines.append((ax, ay, bx, by))
    # The innermost first: a lane before the pool around it.
    found.homes.sort(key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    return found


def _hits_solid(kind, geometry, box) -> bool:
    x0, y0, x1, y1 = box
    if kind == "rect":
        gx0, gy0, gx1, gy1 = geometry
        return x0 < gx1 and gx0 < x1 and y0 < gy1 and gy0 < y1
    cx, cy = geometry[0], geometry[1]
    dx = max(x0 - cx, 0.0, cx - x1)
    dy = max(y0 - cy, 0.0, cy - y1)
    if kind == "circle":
        return dx * dx + dy * dy < geometry[2] ** 2
    return dx / max(geometry[2], 0.5) + dy / max(geometry[3], 0.5) < 1  # diamond


def _clipped_length(seg, box) -> float:
    """How much of the segment runs inside the box (Liang–Barsky)."""
    x1, y1, x2, y2 = seg
    dx, dy = x2 - x1, y2 - y1
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x1 - box[0]), (dx, box[2] - x1), (-dy, y1 - box[1]), (dy, box[3] - y1)):
        if p == 0:
            if q < 0:
                return 0.0
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return 0.0
    length = (dx * dx + dy * dy) ** 0.5
    return (t1 - t0) * length if length else (1.0 if t0 <= t1 else 0.0)


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _grow(box, by):
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _home(point, homes):
    for box in homes:
        if box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]:
            return box
    return None


# --- candidate places ------------------------------------------------------------------------------

SHAPE_WIDTHS = ((90.0, 0.0), (None, 1.0), (120.0, 1.0), (64.0, 2.0), (150.0, 2.0))
FLOW_WIDTHS = ((None, 0.0), (90.0, 0.5), (60.0, 1.5), (40.0, 2.5))


def _variants(name, size, widths):
    """The name on one line, and wrapped to each narrower width where its words fit whole: a label
    outside a shape has room, so a word is never cut for it ("Appro / ved")."""
    seen = set()
    for width, cost in widths:
        lines = (name,) if width is None else tuple(wrap_into(name, [width], size, repeat_last=True) or ())
        if lines and lines not in seen:
            seen.add(lines)
            yield lines, cost


def _shape_candidates(s: Shape, name: str, size: float):
    cx, cy = s.x + s.w / 2, s.y + s.h / 2
    gap = 3.0
    for lines, cost in _variants(name, size, SHAPE_WIDTHS):
        lh = line_height(size)
        w = max(text_width(line, size) for line in lines)
        h = lh * len(lines)
        places = (
            (0.0, cx, s.y + s.h + gap),  # below, as editors put it
            (6.0, s.x + s.w * 0.8 + w / 2, s.y + s.h + 1),  # below, to the right
            (6.0, s.x + s.w * 0.2 - w / 2, s.y + s.h + 1),  # below, to the left
            (4.0, cx, s.y - gap - h),  # above
            (8.0, s.x + s.w * 0.8 + w / 2, s.y - 1 - h),
            (8.0, s.x + s.w * 0.2 - w / 2, s.y - 1 - h),
            (7.0, s.x + s.w + gap + w / 2, cy - h / 2),  # right
            (9.0, s.x - gap - w / 2, cy - h / 2),  # left
        )
        for pref, x, top in places:
            yield pref + cost, block(lines, size, x, top)


def _flow_candidates(e: Edge, name: str, size: float):
    segments = list(zip(e.points, e.points[1:]))
    middle = max(0, len(segments) // 2 - (1 if len(segments) % 2 == 0 else 0))
    if len(segments) % 2 == 0 and len(segments) > 1:  # of two middle ones, the longer
        a, b = segments[middle], segments[middle + 1]
        if _length(b) > _length(a):
            middle += 1
    gap = 4.0
    # Not beside a stub too short to tell which flow the label is for, unless the flow has only those.
    long_enough = [k for k, segment in enumerate(segments) if _length(segment) >= 12] or range(len(segments))
    for lines, cost in _variants(name, size, FLOW_WIDTHS):
        lh = line_height(size)
        w = max(text_width(line, size) for line in lines)
        h = lh * len(lines)
        for k in long_enough:
            (ax, ay), (bx, by) = segments[k]
            seg_cost = cost + (0.0 if k == middle else 3.0 + abs(k - middle))
            for t, t_cost in ((0.5, 0.0), (0.3, 1.0), (0.7, 1.0), (0.12, 2.0), (0.88, 2.0)):
                px, py = ax + (bx - ax) * t, ay + (by - ay) * t
                if abs(bx - ax) >= abs(by - ay):  # horizontal: above, else below
                    yield seg_cost + t_cost, block(lines, size, px, py - gap - h)
                    yield seg_cost + t_cost + 2.0, block(lines, size, px, py + gap)
                else:  # vertical: right, else left
                    yield seg_cost + t_cost, block(lines, size, px + gap + w / 2, py - h / 2)
                    yield seg_cost + t_cost + 2.0, block(lines, size, px - gap - w / 2, py - h / 2)


def _length(segment) -> float:
    (ax, ay), (bx, by) = segment
    return ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5


# --- choosing --------------------------------------------------------------------------------------

@dataclass
class _Label:
    key: str
    candidates: object  # size -> iterable of (preference, Placed)
    anchor: tuple[float, float]
    near: tuple[float, float, float, float]  # the part of the drawing its places can reach
    solids: list = field(default_factory=list)
    lines: list = field(default_factory=list)


def _cost(placed: Placed, pref: float, label: _Label, others, home, core) -> float:
    """How bad a place is: what it runs over (``others``: the boxes of the labels placed so far),
    plus the place's own preference."""
    box = placed.box
    cost = pref
    solid_box = _grow(box, AIR)
    for kind, geometry, bbox in label.solids:
        if _hits_solid(kind, geometry, solid_box):
            cost += HIT_SHAPE + _overlap(bbox, solid_box)
    line_box = _grow(box, AIR + 1)
    for seg in label.lines:
        inside = _clipped_length(seg, line_box)
        if inside > 0:
            cost += HIT_LINE + 5 * inside
    for other in others:
        area = _overlap(_grow(other, AIR), box)
        if area > 0:
            cost += HIT_LABEL + area
    if home is not None and not (home[0] <= box[0] and box[2] <= home[2] and home[1] <= box[1] and box[3] <= home[3]):
        cost += OTHER_LANE
    if box[0] < core[0] or box[1] < core[1] or box[2] > core[2] or box[3] > core[3]:
        cost += OUTSIDE
    return cost


def _best(label: _Label, others, home, core, sizes=SIZES) -> tuple[float, Placed]:
    best = None
    for i, size in enumerate(sizes):
        for pref, placed in label.candidates(size):
            cost = _cost(placed, pref + 25.0 * i, label, others, home, core)
            if best is None or cost < best[0]:
                best = (cost, placed)
        if best[0] < HIT_LINE / 2:  # a clear place at this size: no need to try a smaller font
            break
    return best


def _near(x0, y0, x1, y1, name):
    """What a label's places can reach around its shape or flow: its length on one line, and more."""
    reach = text_width(name) + 40
    return (x0 - reach, y0 - reach, x1 + reach, y1 + reach)


def _within(bbox, area) -> bool:
    return bbox[0] <= area[2] and area[0] <= bbox[2] and bbox[1] <= area[3] and area[1] <= bbox[3]


class _Grid:
    """Boxes by the cells of a coarse grid they touch: what lies near a place is found without
    looking at the whole drawing (a diagram with thousands of elements stays quick to label).
    Boxes given at the start are known by their index; those ``put`` later by a key, and a key put
    again moves its box."""
    CELL = 200.0
    MOST_CELLS = 400  # a box over more (a pool's border, a long flow) is looked at for every place

    def __init__(self, boxes):
        self.boxes: dict = {}
        self.cells: dict[tuple[int, int], set] = {}
        self.wide: set = set()
        for i, box in enumerate(boxes):
            self.put(i, box)

    def put(self, key, box):
        if key in self.boxes:
            self._forget(key)
        self.boxes[key] = box
        cells = self._cells(box)
        if cells is None:
            self.wide.add(key)
        else:
            for cell in cells:
                self.cells.setdefault(cell, set()).add(key)

    def _forget(self, key):
        cells = self._cells(self.boxes.pop(key))
        if cells is None:
            self.wide.discard(key)
        else:
            for cell in cells:
                self.cells[cell].discard(key)

    def _cells(self, box):
        x0, y0, x1, y1 = (int(v // self.CELL) for v in box)
        if (x1 - x0 + 1) * (y1 - y0 + 1) > self.MOST_CELLS:
            return None
        return [(cx, cy) for cx in range(x0, x1 + 1) for cy in range(y0, y1 + 1)]

    def near(self, area, but=None) -> list:
        cells = self._cells(area)
        if cells is None:
            found = set(self.boxes)
        else:
            found = set().union(*(self.cells.get(cell, ()) for cell in cells), self.wide)
        found.discard(but)
        return sorted((key for key in found if _within(self.boxes[key], area)), key=str)


def _seg_box(seg):
    return (min(seg[0], seg[2]), min(seg[1], seg[3]), max(seg[0], seg[2]), max(seg[1], seg[3]))


def plan(layout: Layout, names: dict[str, str]) -> Plan:
    """Every name's place; ``names`` are the names to show, by element id (already in the reader's
    language)."""
    return _plan(layout, tuple(sorted(names.items())))


@lru_cache(maxsize=128)
def _plan(layout: Layout, names: tuple[tuple[str, str], ...]) -> Plan:
    name_of = dict(names)
    result = Plan()
    for s in layout.shapes:
        name = name_of.get(s.element_id, "")
        if s.kind in TASKS or (s.kind in SUBPROCESSES and s.expanded is False):
            has_icon = s.kind in TASKS and s.kind not in ("task", "callActivity")  # as drawing._task_icon draws
            placed = inside_box(name, s.x, s.y, s.w, s.h, icon=has_icon,
                                markers=bool(s.markers) or s.kind in SUBPROCESSES)
            if placed:
                result.inner[s.element_id] = placed
    obstacles = _obstacles(layout, name_of)
    core = layout.bounds
    labels: list[_Label] = []
    for s in layout.shapes:
        name = name_of.get(s.element_id, "")
        if not name or not (s.kind in EVENTS | GATEWAYS | DATA):
            continue
        if s.label:
            result.outer[s.element_id] = in_bounds(name, s.label)
            continue
        labels.append(_Label(s.element_id, lambda size, s=s, name=name: _shape_candidates(s, name, size),
                             (s.x + s.w / 2, s.y + s.h / 2), _near(s.x, s.y, s.x + s.w, s.y + s.h, name)))
    for e in layout.edges:
        name = name_of.get(e.element_id, "")
        if not name:
            continue
        if e.label:
            result.outer[e.element_id] = in_bounds(name, e.label)
            continue
        xs, ys = [p[0] for p in e.points], [p[1] for p in e.points]
        (ax, ay), (bx, by) = e.points[len(e.points) // 2 - 1], e.points[len(e.points) // 2]
        labels.append(_Label(e.element_id, lambda size, e=e, name=name: _flow_candidates(e, name, size),
                             ((ax + bx) / 2, (ay + by) / 2), _near(min(xs), min(ys), max(xs), max(ys), name)))
    solids = _Grid([o[2] for o in obstacles.solids])
    lines = _Grid([_seg_box(seg) for seg in obstacles.lines])
    for label in labels:
        label.solids = [obstacles.solids[i] for i in solids.near(label.near)]
        label.lines = [obstacles.lines[i] for i in lines.near(label.near)]
    homes = {label.key: _home(label.anchor, obstacles.homes) for label in labels}
    placed_boxes = _Grid([])
    for key, placed in result.outer.items():
        placed_boxes.put(key, placed.box)
    chosen: dict[str, Placed] = {}
    # A very large diagram gets one pass at the usual font size: still clear where it can be, quickly.
    quick = len(labels) > QUICK_ABOVE
    for round_ in range(1 if quick else 3):
        changed = False
        for label in labels:
            others = [placed_boxes.boxes[i] for i in placed_boxes.near(label.near, but=label.key)]
            home = homes[label.key]
            if round_ and _cost(chosen[label.key], 0.0, label, others, home, core) < HIT_LINE / 2:
                continue  # clear where it is: only a label that runs over something looks again
            _cost_, placed = _best(label, others, home, core, SIZES[:1] if quick else SIZES)
            if chosen.get(label.key) != placed:
                chosen[label.key] = placed
                placed_boxes.put(label.key, placed.box)
                changed = True
        if not changed:
            break
    result.outer.update(chosen)
    boxes = [p.box for p in result.outer.values()]
    x0, y0, x1, y1 = core
    result.bounds = (min([x0] + [b[0] for b in boxes]), min([y0] + [b[1] for b in boxes]),
                     max([x1] + [b[2] for b in boxes]), max([y1] + [b[3] for b in boxes]))
    return result
