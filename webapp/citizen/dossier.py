"""The citizen's own dossier: where it is, its history, the supplement asked for (answered online
with scans) and the request to withdraw it."""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l, lazy_pgettext

from engine.commands.online import add_supplement_file, rate_service, request_withdrawal, send_supplement
from engine.errors import FormInvalid, MotcuaError
from engine.queries.online import my_dossier, my_result
from webapp import motcua
from webapp.citizen import bp
from webapp.citizen.apply import file_store, upload_problems
from webapp.citizen.session import citizen_required, current_citizen
from webapp.field_messages import translated
from webapp.i18n import error_message

EVENT_LABELS = {
    "registered_online": lazy_pgettext("event", "Nộp hồ sơ trực tuyến"),
    "received": _l("Hồ sơ được tiếp nhận"),
    "refused": _l("Hồ sơ không được tiếp nhận"),
    "guidance_issued": lazy_pgettext("event", "Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "supplement_requested": lazy_pgettext("event", "Yêu cầu bổ sung hồ sơ"),
    "supplement_sent_online": _l("Gửi bổ sung trực tuyến"),
    "supplement_recorded": _l("Hồ sơ bổ sung được tiếp nhận"),
    "withdrawal_requested": lazy_pgettext("event", "Đề nghị rút hồ sơ"),
    "withdrawn": _l("Hồ sơ được rút theo đề nghị"),
    "stopped": _l("Dừng xử lý hồ sơ"),
    "apology_issued": _l("Thư xin lỗi và hẹn lại ngày trả kết quả"),
    "completed": _l("Chuyển bước xử lý"),
    "fee_paid_online": _l("Thanh toán phí, lệ phí trực tuyến"),
}


def _mine(dossier_id: int):
    with motcua().read_session() as s:
        found = my_dossier(s, current_citizen().id, dossier_id)
        if found is not None:
            for f in found.files:
                s.expunge(f)
    if found is None:
        abort(404)
    return found


def _render(found, errors=None, status=200, values=None):
    """``errors``: the engine's, shown in the page's language; ``values``: what the citizen typed
    into the refused form, shown again for them to correct."""
    from webapp.citizen.payment import allow_gateway_form, money, payments_for_page
    pay = payments_for_page(found.id)
    page = render_template("citizen/dossier.html", d=found, v=found.view, errors=translated(errors or {}), pay=pay,
                           money=money, values=values or {},
                           event_label=lambda action: str(EVENT_LABELS.get(action, action)))
    response = make_response(page, status)
    return allow_gateway_form(response) if pay.due else response


@bp.get("/cong-dan/ho-so/<int:dossier_id>")
@citizen_required
def my_dossier_page(dossier_id: int):
    return _render(_mine(dossier_id))


@bp.post("/cong-dan/ho-so/<int:dossier_id>/bo-sung")
@citizen_required
def supplement(dossier_id: int):
    found = _mine(dossier_id)
    if found.supplement is None:
        abort(404)
    refused: list[tuple[str, list[str]]] = []
    for index, name in enumerate(found.supplement.missing):
        for upload in request.files.getlist(f"sup-{index}"):
            if not upload.filename:
                continue
            try:
                add_supplement_file(motcua().uow(), file_store(), citizen_id=current_citizen().id,
                                    dossier_id=dossier_id, item_name=name, filename=upload.filename,
                                    content=upload.read())
            except FormInvalid as exc:
                refused.append((upload.filename, exc.field_errors.get("files", [])))
    errors = {"files": upload_problems(refused)} if refused else {}
    if not errors and request.form.get("action") == "send":
        try:
            send_supplement(motcua().uow(), citizen_id=current_citizen().id, dossier_id=dossier_id)
        except FormInvalid as exc:
            errors.update(exc.field_errors)
        else:
            flash(_("Đã gửi bổ sung. Bộ phận một cửa sẽ kiểm tra và báo cho bạn."), "success")
            return redirect(url_for("citizen.my_dossier_page", dossier_id=dossier_id))
    if errors:
        return _render(_mine(dossier_id), errors, 400)
    return redirect(url_for("citizen.my_dossier_page", dossier_id=dossier_id))


@bp.post("/cong-dan/ho-so/<int:dossier_id>/rut")
@citizen_required
def withdraw(dossier_id: int):
    found = _mine(dossier_id)
    try:
        request_withdrawal(motcua().uow(), citizen_id=current_citizen().id, dossier_id=dossier_id,
                           reason=request.form.get("reason", "")[:2100])
    except FormInvalid as exc:
        return _render(found, exc.field_errors, 400, values=request.form)
    except MotcuaError as exc:
        flash(error_message(exc), "error")
        return redirect(url_for("citizen.my_dossier_page", dossier_id=dossier_id))
    flash(_("Đã gửi đề nghị rút hồ sơ đến Bộ phận một cửa."), "success")
    return redirect(url_for("citizen.my_dossier_page", dossier_id=dossier_id))


@bp.post("/cong-dan/ho-so/<int:dossier_id>/danh-gia")
@citizen_required
def rate(dossier_id: int):
    found = _mine(dossier_id)
    try:
        rate_service(motcua().uow(), citizen_id=current_citizen().id, dossier_id=dossier_id,
                     score=request.form.get("score", "")[:3], comment=request.form.get("comment", "")[:1100])
    except FormInvalid as exc:
        return _render(found, exc.field_errors, 400, values=request.form)
    except MotcuaError as exc:
        flash(error_message(exc), "error")
        return redirect(url_for("citizen.my_dossier_page", dossier_id=dossier_id))
    flash(_("Cảm ơn bạn đã đánh giá."), "success")
    return redirect(url_for("citizen.my_dossier_page", dossier_id=dossier_id))


@bp.get("/cong-dan/ho-so/<int:dossier_id>/ket-qua.pdf")
@citizen_required
def my_result_pdf(dossier_id: int):
    """The signed electronic result, downloaded (never shown in our origin)."""
    with motcua().read_session() as s:
        found = my_result(s, current_citizen().id, dossier_id)
    if found is None:
        abort(404)
    issued, pdf = found
    return current_app.response_class(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="ket-qua-{dossier_id}.pdf"', "X-Content-Type-Options": "nosniff"})
