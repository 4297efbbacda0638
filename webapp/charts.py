"""Charts drawn on the server as SVG: no script, readable when printed (every bar carries its
number, the legend names every colour, the shades stay apart in grey)."""
from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from engine import statistics as st
from engine.statistics.steps import CANCELLED
from webapp.i18n import format_number, format_share

# (figure(s), colour) for the stacked bars, in reading order.
SEGMENTS = (
    ((st.EARLY,), "#1b7837"), ((st.ON_TIME,), "#7fbf7b"), ((st.LATE,), "#b2182b"),
    ((st.WITHIN_TIME,), "#4393c3"), ((st.OVERDUE,), "#f4a582"),
    ((st.SUPPLEMENT_PENDING, st.WAITING_OBLIGATION), "#d1e5f0"),
    ((st.WITHDRAWN, st.STOPPED, st.REFUSED, st.NO_TIME_LIMIT), "#bababa"),
)
# The same for the steps of the units' table (engine/statistics/steps.py).
STEP_SEGMENTS = (
    ((st.EARLY,), "#1b7837"), ((st.ON_TIME,), "#7fbf7b"), ((st.LATE,), "#b2182b"),
    ((st.WITHIN_TIME,), "#4393c3"), ((st.OVERDUE,), "#f4a582"), ((CANCELLED, st.NO_TIME_LIMIT), "#bababa"),
)
WIDTH, LABEL, ROW = 640, 200, 26


def _text(x, y, words, anchor="start", size=12, weight="normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" '
            f'fill="#1a1a1a">{escape(words)}</text>')


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def stacked_bars(rows: list[tuple[str, object]], title: str, legend: list[str], segments=SEGMENTS) -> Markup:
    """One bar per row, split by class (``legend``: the words for ``segments``, in order). A period
    with nothing to draw says so where the bars would be, as the table beside it does: a bare
    legend (or a row of empty bars) read as a chart that failed to load."""
    biggest = max([sum(f[n] for names, _c in segments for n in names) for _l, f in rows] + [0])
    if not biggest:
        return _nothing_to_draw(title, _("Không có hồ sơ trong kỳ."))
    scale = (WIDTH - LABEL - 50) / biggest
    height = 30 + ROW * len(rows) + 22 * ((len(segments) + 2) // 3) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
           f'aria-label="{escape(title)}" class="chart">', f"<title>{escape(title)}</title>",
           _text(0, 16, title, size=13, weight="bold")]
    for i, (label, f) in enumerate(rows):
        y = 30 + i * ROW
        out.append(_text(LABEL - 6, y + 15, _short(label), anchor="end"))
        x = LABEL
        for names, colour in segments:
            value = sum(f[n] for n in names)
            if value:
                w = value * scale
                out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{ROW - 8}" fill="{colour}" '
                           f'stroke="#fff" stroke-width="0.5"><title>{format_number(value)}</title></rect>')
                if w >= 16:
                    out.append(_text(x + w / 2, y + 15, format_number(value), anchor="middle", size=10))
                x += w
        out.append(_text(x + 4, y + 15, format_number(int(sum(f[n] for names, _c in segments for n in names))), size=11))
    y = 30 + ROW * len(rows) + 8
    for i, ((_names, colour), words) in enumerate(zip(segments, legend)):
        lx, ly = (i % 3) * (WIDTH // 3), y + (i // 3) * 22
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}" stroke="#555" stroke-width="0.5"/>')
        out.append(_text(lx + 16, ly + 10, words, size=11))
    out.append("</svg>")
    return Markup("".join(out))


def _nothing_to_draw(title: str, words: str) -> Markup:
    """A chart's frame with its title and ``words`` in place of the bars (also in its accessible name:
    a screen reader reads an image's name, not the text drawn in it)."""
    name = f"{title}. {words}"
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 64" width="100%" role="img" '
                  f'aria-label="{escape(name)}" class="chart"><title>{escape(name)}</title>'
                  + _text(0, 16, title, size=13, weight="bold") + _text(0, 48, words, size=16) + "</svg>")


def share_columns(points: list[tuple[str, float | None, int]], title: str) -> Markup:
    """One column per month: its in-time share (percent written on it) and its dossiers below.
    Twelve months without a dossier say so, as the bars do, rather than draw an axis of zeros."""
    if not any(count for _label, _share, count in points):
        return _nothing_to_draw(title, _("Không có hồ sơ trong kỳ."))
    height, top, base = 230, 28, 190
    step = (WIDTH - 40) / max(len(points), 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
           f'aria-label="{escape(title)}" class="chart">', f"<title>{escape(title)}</title>",
           _text(0, 16, title, size=13, weight="bold"),
           f'<line x1="36" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#555"/>',
           _text(32, top + 4, format_share(1, 0), anchor="end", size=10), _text(32, base, format_share(0, 0), anchor="end", size=10)]
    for i, (label, share, count) in enumerate(points):
        x = 40 + i * step
        if share is not None:
            h = (base - top) * share
            out.append(f'<rect x="{x + step * 0.15:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                       f'fill="#4393c3"><title>{format_share(share)}</title></rect>')
            out.append(_text(x + step / 2, base - h - 4, format_share(share, 0), anchor="middle", size=10))
        out.append(_text(x + step / 2, base + 14, label, anchor="middle", size=10))
        out.append(_text(x + step / 2, base + 28, format_number(count), anchor="middle", size=10))
    out.append("</svg>")
    return Markup("".join(out))
