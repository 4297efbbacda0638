"""Signing in as a citizen (identity provider, else a code by mail), signing out, and the
citizen's own details."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engine.commands.citizens import request_sign_in_code, sign_in_with_identity, update_profile, verify_sign_in_code
from engine.errors import FormInvalid, InvalidState
from engine.queries.online import my_applications
from integrations.oidc import from_config
from webapp import motcua
from webapp.auth import safe_next
from webapp.citizen import bp
from webapp.citizen.session import citizen_required, current_citizen, sign_in, sign_out
from webapp.field_messages import translated
from webapp.i18n import current_language, error_message

PENDING = "citizen_pending_email"
NEXT = "citizen_next"


@bp.record_once
def _identity_provider(state):
    state.app.extensions["citizen_identity"] = from_config(state.app)


def identity_provider():
    return current_app.extensions.get("citizen_identity")


@bp.app_context_processor
def _citizen():
    """On every page, not only the citizens' own: the public look-up, statistics and error pages
    keep the citizen's header (who is signed in, signing out) for anyone who is not an officer."""
    from flask_login import current_user
    provider = identity_provider()
    officer = current_user.is_authenticated and request.blueprint != "citizen"
    return {"citizen": current_citizen(), "identity_provider_name": provider.name if provider else "",
            "visitor_layout": "base.html" if officer else "citizen/_layout.html"}


def _after_sign_in(citizen_id: int):
    target = session.get(NEXT)
    sign_in(citizen_id)
    if not current_citizen().full_name:
        flash(_("Vui lòng bổ sung thông tin cá nhân để nộp hồ sơ."), "info")
        return redirect(url_for("citizen.profile", next=target or ""))
    return redirect(safe_next(target, url_for("citizen.my_page")))


@bp.get("/dang-nhap")
def sign_in_form():
    if current_citizen() is not None:
        return redirect(url_for("citizen.my_page"))
    session[NEXT] = safe_next(request.args.get("next"), "")
    return render_template("citizen/sign_in.html", email="", error=None)


@bp.post("/dang-nhap")
def send_code():
    email = request.form.get("email", "")[:300]
    try:
        request_sign_in_code(motcua().uow(), email=email, locale=current_language())
    except InvalidState as exc:
        return render_template("citizen/sign_in.html", email=email, error=error_message(exc)), 400
    session[PENDING] = email.strip().lower()
    return redirect(url_for("citizen.code_form"))


@bp.get("/dang-nhap/ma")
def code_form():
    if not session.get(PENDING):
        return redirect(url_for("citizen.sign_in_form"))
    return render_template("citizen/sign_in_code.html", email=session[PENDING], error=None)


@bp.post("/dang-nhap/ma")
def check_code():
    email = session.get(PENDING)
    if not email:
        return redirect(url_for("citizen.sign_in_form"))
    try:
        citizen_id = verify_sign_in_code(motcua().uow(), email=email, code=request.form.get("code", "")[:20])
    except InvalidState as exc:
        return render_template("citizen/sign_in_code.html", email=email, error=error_message(exc)), 400
    return _after_sign_in(citizen_id)


@bp.get("/dang-nhap/dinh-danh")
def identity_start():
    provider = identity_provider()
    if provider is None:
        abort(404)
    return provider.start(url_for("citizen.identity_return", _external=True))


@bp.get("/dang-nhap/dinh-danh/xong")
def identity_return():
    provider = identity_provider()
    if provider is None:
        abort(404)
    try:
        identity = provider.finish()
        citizen_id = sign_in_with_identity(motcua().uow(), issuer=identity.issuer, subject=identity.subject,
                                           claims=identity.claims)
    except Exception:  # refused, forged, expired or unreachable: the citizen may try again
        current_app.logger.warning("identity provider sign-in failed", exc_info=True)
        return render_template("citizen/sign_in.html", email="", error=_(
            "Không đăng nhập được qua %(name)s. Vui lòng thử lại.", name=provider.name)), 400
    return _after_sign_in(citizen_id)


@bp.post("/dang-xuat")
def sign_out_view():
    sign_out()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("citizen.home"))


@bp.get("/cong-dan")
@citizen_required
def my_page():
    with motcua().read_session() as s:
        applications = my_applications(s, current_citizen().id, motcua().settings.catalogue_dir)
    return render_template("citizen/my_page.html", applications=applications)


@bp.route("/cong-dan/thong-tin", methods=["GET", "POST"])
@citizen_required
def profile():
    me = current_citizen()
    next_url = safe_next(request.values.get("next"), "")
    values = {"full_name": me.full_name, "id_number": me.id_number, "phone": me.phone, "address": me.address}
    if request.method == "GET":
        return render_template("citizen/profile.html", values=values, errors={}, next=next_url)
    values = {key: request.form.get(key, "")[:600] for key in values}
    try:
        update_profile(motcua().uow(), citizen_id=me.id, **values)
    except FormInvalid as exc:
        return render_template("citizen/profile.html", values=values, errors=translated(exc.field_errors),
                               next=next_url), 400
    flash(_("Đã lưu thông tin cá nhân."), "success")
    return redirect(next_url or url_for("citizen.my_page"))
