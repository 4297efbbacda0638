"""Who the citizen is, for this request: the citizen of the live server-side session the cookie
names (webapp/browser_session.py), set only by a citizen sign-in.

An officer's session is never a citizen's (engine/commands/sessions.py answers for one audience),
and signing in on either side starts a fresh session, so one browser is never both at once.
"""
from __future__ import annotations

from functools import wraps

from flask import g, redirect, request, url_for

from engine.commands.sessions import CITIZEN
from engine.queries.citizens import citizen as citizen_row
from webapp import browser_session, motcua

KEPT = ("locale",)  # the language chosen before signing in or out stays


def current_citizen():
    if "citizen" not in g:
        citizen_id = browser_session.holder(CITIZEN)
        row = None
        if citizen_id is not None:
            with motcua().read_session() as s:
                row = citizen_row(s, citizen_id)
                if row is not None:
                    s.expunge(row)
        g.citizen = row
    return g.citizen


def sign_in(citizen_id: int) -> None:
    """A new session with a new token, whatever the browser held (an officer's login included)."""
    browser_session.begin(citizen_id=citizen_id, keep=KEPT)
    g.pop("citizen", None)


def sign_out() -> None:
    """The session ends on the server: a copy of the cookie is worth nothing after it."""
    browser_session.finish(keep=KEPT)
    g.pop("citizen", None)


def citizen_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_citizen() is None:
            return redirect(url_for("citizen.sign_in_form", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped
