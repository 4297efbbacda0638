"""What every signed-in officer does to their own account (/account/): choose whether notices of
their work also come by mail, and change their password (which ends all their sessions, this one
too: they sign in again with the new password)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.commands.accounts import MIN_PASSWORD_LENGTH, change_password, set_notices_by_mail
from engine.queries.accounts import own_settings
from webapp import motcua
from webapp.errors import on_form_invalid

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def _signed_in_only():
    """Every page here is about the signed-in officer's own account."""


@bp.get("/")
def index():
    with motcua().read_session() as s:
        settings = own_settings(s, current_user.id)
    return render_template("account/index.html", settings=settings)


@bp.post("/notices")
def notices():
    choice = request.form.get("by_mail", "")
    if choice not in ("0", "1"):
        flash(_("Lựa chọn không hợp lệ; chưa có gì thay đổi."), "error")
        return redirect(url_for(".index"))
    by_mail = set_notices_by_mail(motcua().uow(), user_id=current_user.id, by_mail=choice == "1")
    flash(_("Từ nay bạn nhận thông báo trong ứng dụng và qua thư điện tử.") if by_mail
          else _("Từ nay bạn chỉ nhận thông báo trong ứng dụng."), "success")
    return redirect(url_for(".index"))


@bp.get("/password")
def password_form(errors=None):
    return render_template("account/password.html", errors=errors or {}, minimum=MIN_PASSWORD_LENGTH)


@bp.post("/password")
def change():
    on_form_invalid(lambda errors: password_form(errors))
    new = request.form.get("new_password", "")[:1000]
    if new != request.form.get("confirm_password", "")[:1000]:
        return password_form({"confirm_password": [_("Hai lần nhập mật khẩu mới không giống nhau.")]}), 422
    change_password(motcua().uow(), user_id=current_user.id,
                    current_password=request.form.get("current_password", "")[:1000], new_password=new)
    flash(_("Đã đổi mật khẩu. Hãy đăng nhập lại bằng mật khẩu mới."), "success")
    return redirect(url_for("auth.login"))
