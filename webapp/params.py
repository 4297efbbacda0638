"""Numbers taken from URLs and forms, bounded before any query sees them.

Ids in URLs are 32-bit integer columns on PostgreSQL (only audit rows and archived workflow pieces
have 64-bit ids, and no URL names them); a bigger number (``/tasks/2147483648``) would make the
driver fail (a 500). The ``int`` URL converter of this app refuses such numbers, so the route does
not match and the answer is the usual 404; query and form numbers go through ``id_value`` and
``page_number``.
"""
from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

MAX_ID = 2 ** 31 - 1
MAX_PAGE = 100_000


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` with the id columns' ceiling (a rule's own ``max`` still wins)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_value(raw) -> int | None:
    """A database id typed or posted as text: None unless it is a whole number in the id range."""
    text = str(raw if raw is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def page_number(name: str = "page") -> int:
    """A listing's page from the query string: 1 when missing or not a number, at most MAX_PAGE."""
    text = request.args.get(name, "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return 1 if not text.isdigit() else MAX_PAGE
    return min(max(int(text), 1), MAX_PAGE)


def init_app(app) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
