"""Logging in and out, and the language switch."""
from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from engine.accounts import authenticate
from engine.commands import login_throttle
from engine.commands import sessions as server_sessions
from engine.commands.preferences import set_locale
from engine.queries.header import OfficerHeader, officer_header
from webapp import browser_session, motcua
from webapp.i18n import LOCALES

bp = Blueprint("auth", __name__)


class CurrentOfficer(UserMixin):
    """What flask-login keeps for a request: the officer's columns, read once per request (with
    the session's row) or at login (from the user's)."""

    def __init__(self, user_id: int, row):
        self.id = user_id
        self.username = row.username
        self.full_name = row.full_name
        self.locale = row.locale
        self.is_admin = row.is_admin
        self._active = row.is_active

    @property
    def is_active(self) -> bool:
        return self._active


def init_app(app) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    browser_session.init_app(app)

    @manager.user_loader
    def load(user_id: str):
        """The cookie names a server-side session; only a live one of an officer logs the request in."""
        live = browser_session.live_session(server_sessions.OFFICER)
        if live is None or str(live.holder) != user_id:
            session.clear()  # ended, expired or forged: nothing of it stays in the browser either
            return None
        return CurrentOfficer(live.holder, live)  # a live officer's session is an active officer's

    app.extensions["login_throttle"] = login_throttle.ThrottlePolicy(
        app.config["LOGIN_MAX_FAILURES"], timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"]))


def header() -> OfficerHeader | None:
    """What the page's header shows the logged-in officer (None for anyone else): read once per
    request, however many parts of the header ask."""
    if not current_user or not current_user.is_authenticated:
        return None
    if "officer_header" not in g:
        with motcua().read_session() as s:
            g.officer_header = officer_header(s, current_user.id)
    return g.officer_header


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: a login link must not bounce the officer to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default


def home_url() -> str:
    """Where a logged-in user starts: administrators on the system's state (/admin/), everyone
    else on their inbox."""
    return url_for("admin.index") if current_user.is_admin else url_for("inbox.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url())
    if request.method != "POST":  # GET, and HEAD (a link checker): never a login attempt
        return render_template("auth/login.html", username="", next=request.args.get("next", ""))
    username = request.form.get("username", "").strip().lower()
    password = request.form.get("password", "")
    next_url = request.form.get("next", "")
    from webapp import motcua
    address = request.remote_addr or ""
    # The try is counted before the password is looked at: concurrent guesses cannot all slip
    # in under the limit, in this process or any other.
    wait = login_throttle.reserve(motcua().uow(), username, address, current_app.extensions["login_throttle"])
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        flash(ngettext("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.",
                       "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.", minutes,
                       minutes=minutes), "error")
        return render_template("auth/login.html", username=username, next=next_url), 429
    with motcua().read_session() as s:
        user = authenticate(s, username, password)  # one full hash check whatever the account
    if user is None:
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
        return render_template("auth/login.html", username=username, next=next_url), 401
    login_throttle.succeeded(motcua().uow(), username, address)
    browser_session.begin(user_id=user.id)  # a fresh session at login: nothing planted before it survives
    login_user(CurrentOfficer(user.id, user))
    return redirect(safe_next(next_url, home_url()))


@bp.post("/logout")
@login_required
def logout():
    """Ends every session of the officer, on every device: what an officer leaving a shared
    counter PC expects, and what stops a copied cookie."""
    from webapp import motcua
    server_sessions.end_all_for_user(motcua().uow(), current_user.id, reason=server_sessions.LOGOUT)
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():
    """Switch the page language; a logged-in officer keeps the choice on every device."""
    chosen = request.form.get("locale", "")
    if chosen in LOCALES:
        session["locale"] = chosen
        if current_user.is_authenticated:
            from webapp import motcua
            set_locale(motcua().uow(), user_id=current_user.id, locale=chosen)
    return redirect(safe_next(request.form.get("next"), url_for("inbox.index")))
