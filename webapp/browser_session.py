"""This browser's sign-in: the signed cookie keeps only the token (``sid``) of a session kept on
the server (engine/commands/sessions.py), an officer's or a citizen's. Both sides sign in, check
and sign out through here, so they behave alike: a new token at every sign-in, the limits of
``MOTCUA_SESSION_IDLE_MINUTES`` and ``MOTCUA_SESSION_LIFETIME_MINUTES``, and a sign-out that ends
the session on the server, so a copied cookie dies with it.

One browser holds one sign-in: signing in on either side ends the session the cookie named
before (``replaced``) and clears whatever else the cookie held (but what the caller keeps).
"""
from __future__ import annotations

from flask import current_app, request, session

from engine.commands import sessions as server_sessions
from webapp import motcua

TOKEN = "sid"


def init_app(app) -> None:
    app.extensions["session_policy"] = server_sessions.SessionPolicy.from_settings(app.extensions["motcua"].settings)


def begin(*, user_id: int | None = None, citizen_id: int | None = None, keep: tuple[str, ...] = ()) -> None:
    """Sign this browser in as the officer ``user_id`` or the citizen ``citizen_id``."""
    kept = {key: session[key] for key in keep if key in session}
    server_sessions.end(motcua().uow(), session.get(TOKEN), reason=server_sessions.REPLACED)
    token = server_sessions.start(motcua().uow(), user_id=user_id, citizen_id=citizen_id,
                                  address=request.remote_addr or "", user_agent=request.headers.get("User-Agent", ""))
    session.clear()  # nothing planted before the sign-in survives it, the other side's neither
    session.update(kept)
    session[TOKEN] = token


def holder(audience: str = server_sessions.OFFICER) -> int | None:
    """Who this browser is signed in as on that side (an officer's user id or a citizen's id),
    while the session lives; None otherwise."""
    live = live_session(audience)
    return live.holder if live else None


def live_session(audience: str = server_sessions.OFFICER):
    """``holder``, with the officer's own columns (engine/commands/sessions.py ``live_session``)."""
    return server_sessions.live_session(motcua(), session.get(TOKEN), current_app.extensions["session_policy"],
                                        audience=audience)


def finish(*, keep: tuple[str, ...] = ()) -> None:
    """Sign this browser out: its session ends on the server, the cookie keeps only ``keep``."""
    kept = {key: session[key] for key in keep if key in session}
    server_sessions.end(motcua().uow(), session.get(TOKEN), reason=server_sessions.LOGOUT)
    session.clear()
    session.update(kept)
