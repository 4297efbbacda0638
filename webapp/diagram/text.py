"""How wide a label is, and how it breaks into lines, without a browser to measure it.

Widths are those of DejaVu Sans (what ``system-ui`` and ``sans-serif`` fall back to on most Linux
desktops), the widest of the fonts the diagram's stack may get: Segoe UI, Arial or San Francisco
set the same text narrower, so a line measured here fits wherever it is shown. Vietnamese letters
are measured by their base letter (the tone marks sit above or below it); Ơ and Ư by their own,
wider, glyph."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

FONT_SIZE = 12
SMALLEST_FONT_SIZE = 9

# Advance widths of ASCII 32..126 in thousandths of an em (DejaVu Sans Book).
_ASCII = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,  # space ! " … /
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,  # 0-9 : ; < = > ?
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,  # @ A-O
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,  # P-Z [ \ ] ^ _
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,  # ` a-o
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,  # p-z { | } ~
)
_OTHER = {"Ơ": 913, "Ư": 858, "Đ": 775, "đ": 635, "–": 500, "—": 1000, "…": 1000, "“": 518, "”": 518,
          "„": 518, "‘": 318, "’": 318, "«": 611, "»": 611, "·": 318, "°": 500, "×": 838, "\u00a0": 318}
EVEN_TOLERANCE = 0.1  # how much fuller than the most even break a first line may be
_SAFETY = 1.01  # kerning and hinting: a hair wider than the sum of the advances


@lru_cache(maxsize=4096)
def _em(char: str) -> float:
    """One character's width in em."""
    if char in _OTHER:
        return _OTHER[char] / 1000
    code = ord(char)
    if 32 <= code < 127:
        return _ASCII[code - 32] / 1000
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and 32 <= ord(base) < 127:
        return _ASCII[ord(base) - 32] / 1000
    if unicodedata.combining(char):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.7


@lru_cache(maxsize=16384)  # the same words are measured for every place a label may take
def text_width(text: str, size: float = FONT_SIZE) -> float:
    return sum(_em(c) for c in text) * size * _SAFETY


def line_height(size: float = FONT_SIZE) -> float:
    return round(size * 7 / 6, 1)


def fit(text: str, width: float, size: float = FONT_SIZE) -> str:
    """The text, cut with an ellipsis when it is wider than ``width``."""
    if text_width(text, size) <= width:
        return text
    return text[:_fitting(text, width - text_width("…", size), size)].rstrip() + "…"


def _fitting(text: str, width: float, size: float) -> int:
    """How many of the text's first characters go in ``width``."""
    used = 0.0
    for i, char in enumerate(text):
        used += _em(char) * size * _SAFETY
        if used > width:
            return i
    return len(text)


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """Lines no wider than ``width``, as few as can be and as even as can be; a word wider than
    that is cut (never left to overflow)."""
    return wrap_into(text, [width], size, repeat_last=True, cut_words=True) or []


def wrap_into(text: str, widths: list[float], size: float = FONT_SIZE, *, repeat_last: bool = False,
              cut_words: bool = False) -> list[str] | None:
    """The text broken into lines whose i-th is no wider than ``widths[i]``: as few lines as can be,
    and of those breaks the most even (a centred label reads better as "Thẩm định / hồ sơ" than as
    "Thẩm định hồ / sơ"). None when it needs more lines than there are widths, or (unless
    ``cut_words``) when a word is wider than its line."""
    words = text.split()
    if not words:
        return []
    greedy = _greedy(words, widths, size, repeat_last, cut_words)
    if greedy is None or cut_words and len(" ".join(greedy).split()) != len(words):  # a word was cut
        return greedy
    return _even(words, [_slot(widths, i, repeat_last) for i in range(len(greedy))], size) or greedy


def _slot(widths, i, repeat_last):
    if i < len(widths):
        return widths[i]
    return widths[-1] if repeat_last and widths else None


def _greedy(words, widths, size, repeat_last, cut_words):
    words = list(words)
    lines: list[str] = []
    line = ""
    i = 0
    while i < len(words):
        width = _slot(widths, len(lines), repeat_last)
        if width is None:
            return None
        word = words[i]
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size) <= width:
            line = candidate
            i += 1
        elif line:
            lines.append(line)
            line = ""
        elif cut_words:
            head = word[:max(1, _fitting(word, width, size))]
            lines.append(head)
            words[i] = word[len(head):]
            if not words[i]:
                i += 1
        else:
            return None
    if line:
        if _slot(widths, len(lines), repeat_last) is None:
            return None
        lines.append(line)
    return lines


def _even(words, slots, size):
    """The words in at most len(slots) lines, each within its slot, the fullest line about as short
    as can be (relative to its slot), and within that the first lines the fullest (so "Thẩm định /
    hồ sơ", not "Thẩm / định hồ sơ"). None if they do not go in."""
    space = text_width(" ", size)
    widths = [text_width(word, size) for word in words]

    def fill(share):  # greedy, each line filled to ``share`` of its slot at most
        lines, start, used = [], 0, 0.0
        for i, width in enumerate(widths):
            need = width if i == start else used + space + width
            if len(lines) < len(slots) and need <= slots[len(lines)] * share:
                used = need
                continue
            if i == start or len(lines) + 1 >= len(slots) or width > slots[len(lines) + 1] * share:
                return None
            lines.append(" ".join(words[start:i]))
            start, used = i, width
        lines.append(" ".join(words[start:]))
        return lines

    if fill(1.0) is None:
        return None
    low, high = 0.0, 1.0
    for _ in range(12):
        middle = (low + high) / 2
        if fill(middle) is None:
            low = middle
        else:
            high = middle
    return fill(min(1.0, high + EVEN_TOLERANCE)) or fill(high)
