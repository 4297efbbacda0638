"""Who the citizen is, for this request: ``session["citizen_id"]``, set only by a citizen sign-in.

An officer's login (flask-login's key in the same session) is never read here, and signing in on
either side starts a fresh session, so one browser is never both at once.
"""
from __future__ import annotations

from functools import wraps

from flask import g, redirect, request, session, url_for

from engine.queries.citizens import citizen as citizen_row
from webapp import motcua

KEY = "citizen_id"


def current_citizen():
    if "citizen" not in g:
        citizen_id = session.get(KEY)
        row = None
        if isinstance(citizen_id, int):
            with motcua().read_session() as s:
                row = citizen_row(s, citizen_id)
                if row is not None:
                    s.expunge(row)
        g.citizen = row
    return g.citizen


def sign_in(citizen_id: int) -> None:
    locale = session.get("locale")
    session.clear()  # nothing planted before the sign-in survives it, an officer's login neither
    session[KEY] = citizen_id
    if locale:
        session["locale"] = locale
    g.pop("citizen", None)


def sign_out() -> None:
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    g.pop("citizen", None)


def citizen_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_citizen() is None:
            return redirect(url_for("citizen.sign_in_form", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped
