"""User administration (administrators): every account with the agencies, units and roles it
holds; create an officer, change what they hold and the unit they sit in, reset their password, deactivate or reactivate them
(their sessions end at once); each account's history. Everyone changes their own password at
/account/password (webapp/account.py)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from engine.commands import accounts as account_commands
from engine.queries import accounts as account_queries
from engine.queries.units import unit_choices
from webapp import motcua
from webapp.errors import on_form_invalid
from webapp.i18n import current_language

bp = Blueprint("users", __name__, url_prefix="/admin/users")

ACCOUNT_ACTIONS = {
    "created": _l("Tạo tài khoản"),
    "holdings_changed": _l("Đổi cơ quan, bộ phận và vai trò"),
    "password_reset": _l("Đặt lại mật khẩu"),
    "password_changed": _l("Tự đổi mật khẩu"),
    "deactivated": _l("Khóa tài khoản"),
    "activated": _l("Mở lại tài khoản"),
    "mail_notices_on": _l("Tự bật nhận thông báo qua thư điện tử"),
    "mail_notices_off": _l("Tự tắt nhận thông báo qua thư điện tử"),
}


@bp.app_template_filter("account_action")
def account_action_label(action: str) -> str:
    return str(ACCOUNT_ACTIONS.get(action, action))


@bp.before_request
@login_required
def _administrators_only():
    if not current_user.is_admin:
        abort(404)


def _posted_holdings() -> list[tuple[int, str]]:
    """Checkboxes named ``holding`` with values ``<agency id>:<role>``; anything else is dropped
    here and an unknown agency or role is refused by the command."""
    pairs = []
    for value in request.form.getlist("holding")[:200]:
        agency, _sep, role = value.partition(":")
        if agency.isascii() and agency.isdigit() and len(agency) < 10:
            pairs.append((int(agency), role[:60]))
    return pairs


def _posted_units() -> dict[int, int]:
    """Selects named ``unit-<agency id>`` with a unit id (empty: no unit); the command checks
    that the unit is the agency's."""
    units = {}
    for name, value in list(request.form.items())[:400]:
        agency = name.removeprefix("unit-")
        if name.startswith("unit-") and all(v.isascii() and v.isdigit() and len(v) < 10 for v in (agency, value)):
            units[int(agency)] = int(value)
    return units


def _choices():
    with motcua().read_session() as s:
        return account_queries.agency_choices(s), account_commands.ROLES, unit_choices(s, current_language() == "en")


@bp.get("/")
def index():
    with motcua().read_session() as s:
        users = account_queries.accounts(s, current_user.id)
    return render_template("admin/users.html", users=users)


@bp.get("/new")
def new(errors=None, values=None):
    agencies, roles, units = _choices()
    return render_template("admin/user_new.html", agencies=agencies, roles=roles, units=units, errors=errors or {},
                           values=values or {}, chosen=set(_posted_holdings()), chosen_units=_posted_units())


@bp.post("/new")
def create():
    values = {k: request.form.get(k, "")[:300] for k in ("username", "full_name", "email")}
    on_form_invalid(lambda errors: new(errors, values))
    user = account_commands.create_officer(
        motcua().uow(), actor_id=current_user.id, password=request.form.get("password", "")[:1000],
        holdings=_posted_holdings(), units=_posted_units(), **values)
    flash(_("Đã tạo tài khoản %(username)s.", username=user.username), "success")
    return redirect(url_for(".show", user_id=user.id))


@bp.get("/<int:user_id>")
def show(user_id: int, errors=None, posted: bool = False):
    """The account's page; ``posted``: a refused holdings form, shown ticked as it was sent."""
    agencies, roles, units = _choices()
    with motcua().read_session() as s:
        account = account_queries.account(s, current_user.id, user_id)
        history = account_queries.account_history(s, current_user.id, user_id)
    if posted:
        held, sits = set(_posted_holdings()), _posted_units()
    else:
        held = {(h.agency_id, h.role) for h in account.holdings}
        sits = {h.agency_id: h.unit_id for h in account.holdings if h.unit_id}
    return render_template("admin/user.html", account=account, history=history, agencies=agencies, roles=roles,
                           held=held, units=units, sits=sits, errors=errors or {})


@bp.post("/<int:user_id>/holdings")
def set_holdings(user_id: int):
    on_form_invalid(lambda errors: show(user_id, errors, posted=True))
    account_commands.set_holdings(motcua().uow(), actor_id=current_user.id, user_id=user_id,
                                  holdings=_posted_holdings(), units=_posted_units())
    flash(_("Đã cập nhật cơ quan, bộ phận và vai trò."), "success")
    return redirect(url_for(".show", user_id=user_id))


@bp.post("/<int:user_id>/password")
def reset_password(user_id: int):
    on_form_invalid(lambda errors: show(user_id, errors))
    ended = account_commands.change_password(motcua().uow(), actor_id=current_user.id, user_id=user_id,
                                             current_password=None,
                                             new_password=request.form.get("new_password", "")[:1000])
    flash(ngettext("Đã đặt lại mật khẩu; %(n)d phiên đăng nhập của người này đã kết thúc.",
                   "Đã đặt lại mật khẩu; %(n)d phiên đăng nhập của người này đã kết thúc.", ended, n=ended), "success")
    if user_id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for(".show", user_id=user_id))


@bp.post("/<int:user_id>/active")
def set_active(user_id: int):
    on_form_invalid(lambda errors: show(user_id, errors))
    active = request.form.get("active") == "1"
    account_commands.set_active(motcua().uow(), actor_id=current_user.id, user_id=user_id, active=active)
    flash(_("Đã mở lại tài khoản.") if active else _("Đã khóa tài khoản; mọi phiên đăng nhập của người này đã kết thúc."),
          "success")
    return redirect(url_for(".show", user_id=user_id))
