"""Public tracking for citizens: /tra-cuu, no login. The dossier code plus a second factor printed
on the receipt (ID number or phone); the same "not found" for a wrong code and a wrong factor, and
a limit on lookups per client address."""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from engine import clock
from engine.queries.public import MAX_INPUT, track
from engine.statistics import Period
from engine.statistics.tables import public_shares, public_zone
from webapp import motcua
from webapp.throttle import LoginThrottle

bp = Blueprint("public", __name__)


class LookupLimit:
    """At most N lookups per client address within a window, in this process's memory.

    The sliding window of webapp/throttle.py, counting every lookup rather than failures: a
    lookup that finds nothing is exactly what guessing looks like, and one that finds something
    costs the same. The same limitation as there: per worker, forgotten on restart.
    """

    def __init__(self, max_lookups: int, window: timedelta):
        self._window = LoginThrottle(max_lookups, window)

    def take(self, address: str) -> timedelta | None:
        """None if the lookup may go ahead (and counts it); otherwise how long to wait."""
        wait = self._window.retry_after("tra-cuu", address)
        if wait is None:
            self._window.failed("tra-cuu", address)
        return wait


def _limit() -> LookupLimit:
    app = current_app._get_current_object()
    if "public_lookup_limit" not in app.extensions:
        app.extensions["public_lookup_limit"] = LookupLimit(
            app.config.get("PUBLIC_LOOKUP_MAX", 20),
            timedelta(minutes=app.config.get("PUBLIC_LOOKUP_WINDOW_MINUTES", 10)))
    return app.extensions["public_lookup_limit"]


@bp.get("/tra-cuu")
def lookup_form():
    # The QR code on the receipt can carry the code: ?ma=… fills it in.
    return render_template("public/track.html", code=request.args.get("ma", "")[:MAX_INPUT], result=None,
                           searched=False)


@bp.post("/tra-cuu")
def lookup():
    code = request.form.get("code", "")[:MAX_INPUT]
    factor = request.form.get("second_factor", "")
    wait = _limit().take(request.remote_addr or "")
    if wait is not None:
        minutes = max(1, int(wait.total_seconds() // 60) + (1 if wait.total_seconds() % 60 else 0))
        return render_template("public/track.html", code=code, result=None, searched=False,
                               refused=ngettext("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(n)d phút.",
                                                "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(n)d phút.",
                                                minutes, n=minutes)), 429
    with motcua().read_session() as s:
        result = track(s, code, factor)
    # The second factor is never echoed back: the page could be left open on a shared computer.
    return render_template("public/track.html", code=code, result=result, searched=True), (200 if result else 404)


@bp.get("/thong-ke")
def statistics():
    """Each agency's in-time share this month and since the start of the year, as provincial
    portals publish it: counts only, no dossier and no person."""
    with motcua().read_session() as s:
        # "This month" where the agencies are (each agency's days are its own: public_shares).
        zone = public_zone(s, motcua().settings.timezone)
        today = clock.now().astimezone(ZoneInfo(zone)).date()
        month = Period.month(today.year, today.month, zone)
        year = Period(date(today.year, 1, 1), month.last, zone)
        tables = [(_("Tháng %(month)02d/%(year)d", month=today.month, year=today.year), month, public_shares(s, month)),
                  (_("Từ đầu năm %(year)d", year=today.year), year, public_shares(s, year))]
    return render_template("public/statistics.html", tables=tables)
