"""Numbers and text taken from URLs and forms, bounded before any query sees them.

Ids in URLs are 32-bit integer columns on PostgreSQL (only audit rows and archived workflow pieces
have 64-bit ids, and no URL names them); a bigger number (``/tasks/2147483648``) would make the
driver fail (a 500). The ``int`` URL converter of this app refuses such numbers, so the route does
not match and the answer is the usual 404; query and form numbers go through ``id_value`` and
``page_number``.

Text: PostgreSQL refuses the NUL character (U+0000) in a query or a text column, so a NUL
anywhere would also be a 500 there. A URL part holding one matches no route (404); a query or form
value, a field name or a file name holding one is refused (400) before any view reads it. No
keyboard types it: only a script sends it.
"""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, UnicodeConverter

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


class TextConverter(UnicodeConverter):
    """``<name>`` (the default converter) and ``<string:name>``, without NUL."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


NUL = "\x00"


def _holds_nul() -> bool:
    for values in (request.args, request.form):
        for key, items in values.lists():
            if NUL in key or any(NUL in item for item in items):
                return True
    return any(NUL in (file.filename or "") for file in request.files.values())


def refuse_nul():
    """Before every request but the partner API's (it reads only its signed JSON body)."""
    if request.blueprint != "api" and _holds_nul():
        return render_template("errors/error.html", title=_("Dữ liệu không hợp lệ"),
                               message=_("Dữ liệu gửi lên có ký tự không hợp lệ. Vui lòng quay lại, "
                                         "nhập lại và thử lại.")), 400
    return None


def init_app(app) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    app.before_request(refuse_nul)
