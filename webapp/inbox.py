"""The officer's inbox and task page: claim, release, complete, send back, ask for a supplement and
record one."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from engine import clock
from engine.commands import claim, complete, release, send_back
from engine.commands.supplements import record_supplement, request_supplement
from engine.queries.inbox import TABS, inbox, tab_counts
from engine.queries.step_urgency import urgency
from engine.queries.supplements import supplement_context
from engine.queries.tasks import task_view
from webapp import forms_render, motcua
from webapp.auth import header, safe_next
from webapp.errors import on_form_invalid
from webapp.i18n import current_language, step_label
from webapp.params import page_number

bp = Blueprint("inbox", __name__)


@bp.before_request
@login_required
def _officers_only():
    """Every page here needs a login."""


@bp.get("/inbox")
def index():
    tab = request.args.get("tab", "mine")
    tab = tab if tab in TABS else "mine"
    page = page_number()
    now = clock.now()
    units = header().units  # the header shows the same officer's roles: read once for both
    with motcua().read_session() as s:
        listing = inbox(s, current_user.id, tab, search=request.args.get("q", ""), page=page, now=now,
                        units=units)
        counts = tab_counts(s, current_user.id, now=now, units=units)
        marks = urgency(s, [row.work_item_id for row in listing.rows], now=now)
    return render_template("inbox/inbox.html", listing=listing, counts=counts, now=now, marks=marks)


def _other_fields() -> dict[str, dict[str, tuple[str, str]]]:
    """The fields of the task page's own forms (send back, ask for or record a supplement), by the
    name the engine refuses them under: their id and label in inbox/task.html and its includes."""
    return {
        "send_back": {"reason": ("reason", _("Lý do trả lại"))},
        "supplement": {
            "missing": ("supplement-missing", _("Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)")),
            "reason": ("supplement-reason", _("Lý do")),
            "received": ("received-1", _("Đánh dấu nội dung công dân đã bổ sung")),
            "supplement_note": ("supplement-note", _("Ghi chú khi nhận hồ sơ bổ sung")),
        },
    }


def error_summary(fields, form_errors, reason_errors, supplement_errors) -> list[forms_render.ErrorLink]:
    """What a refused form on the task page got wrong, each linked to its field. The page comes back
    at its top, and on a phone the field marked in red is screens below the step's facts (audit:
    ~2,300 px at 390 px), so the page focuses this list instead (autofocus, as the reception form)."""
    known = _other_fields()
    links = forms_render.error_links(fields)
    links += [forms_render.ErrorLink(None, "", m) for m in form_errors]
    for name, messages in (reason_errors or {}).items():
        target, label = known["send_back"].get(name, (None, ""))
        links += [forms_render.ErrorLink(target, label, m) for m in messages]
    for name, messages in (supplement_errors or {}).items():
        target, label = known["supplement"].get(name, (None, ""))
        links += [forms_render.ErrorLink(target, label, m) for m in messages]
    return links


def render_task(item_id: int, *, values=None, errors=None, reason="", reason_errors=None,
                supplement_values=None, supplement_errors=None):
    with motcua().read_session() as s:
        view = task_view(s, current_user.id, item_id, motcua().settings.catalogue_dir, current_language())
        supplement = supplement_context(s, current_user.id, item_id)
    fields = forms_render.fields(view.form, values, errors, view.starting_values)
    form_errors = forms_render.form_errors(view.form, errors)
    return render_template(
        "inbox/task.html", view=view, fields=fields, form_title=forms_render.title(view.form),
        error_summary=error_summary(fields, form_errors, reason_errors, supplement_errors),
        reason=reason, reason_errors=(reason_errors or {}).get("reason", []), supplement=supplement,
        supplement_values=supplement_values or MultiDict(), supplement_errors=supplement_errors or {})


@bp.get("/tasks/<int:item_id>")
def task(item_id: int):
    return render_task(item_id)


@bp.post("/tasks/<int:item_id>/claim")
def claim_task(item_id: int):
    item = claim(motcua().uow(), actor_id=current_user.id, work_item_id=item_id)
    flash(_("Bạn đã nhận xử lý bước “%(step)s”.", step=step_label(item.step_name)), "success")
    return redirect(safe_next(request.form.get("next"), url_for(".task", item_id=item_id)))


@bp.post("/tasks/<int:item_id>/release")
def release_task(item_id: int):
    item = release(motcua().uow(), actor_id=current_user.id, work_item_id=item_id)
    flash(_("Đã trả bước “%(step)s” về hàng chờ của đơn vị.", step=step_label(item.step_name)), "success")
    return redirect(safe_next(request.form.get("next"), url_for(".index")))


@bp.post("/tasks/<int:item_id>/complete")
def complete_task(item_id: int):
    on_form_invalid(lambda errors: render_task(item_id, values=request.form, errors=errors))
    # The submitted strings are read against the step's schema once the command has the step.
    item = complete(motcua().uow(), actor_id=current_user.id, work_item_id=item_id,
                    data=lambda schema: forms_render.parse(schema, request.form))
    flash(_("Đã hoàn thành bước “%(step)s”.", step=step_label(item.step_name)), "success")
    return redirect(url_for(".index"))


@bp.post("/tasks/<int:item_id>/send-back")
def send_back_task(item_id: int):
    reason = request.form.get("reason", "")
    on_form_invalid(lambda errors: render_task(item_id, reason=reason, reason_errors=errors))
    item = send_back(motcua().uow(), actor_id=current_user.id, work_item_id=item_id, reason=reason)
    flash(_("Đã trả lại hồ sơ từ bước “%(step)s”.", step=step_label(item.step_name)), "success")
    return redirect(url_for(".index"))


@bp.post("/tasks/<int:item_id>/request-supplement")
def request_supplement_task(item_id: int):
    form = request.form
    on_form_invalid(lambda errors: render_task(item_id, supplement_values=form, supplement_errors=errors))
    request_ = request_supplement(motcua().uow(), actor_id=current_user.id, work_item_id=item_id,
                                  missing=form.get("missing", "").splitlines(), reason=form.get("reason", ""))
    flash(_("Đã gửi yêu cầu bổ sung hồ sơ; hồ sơ chờ công dân bổ sung."), "success")
    if request_.outside_window:
        flash(_("Yêu cầu bổ sung sau 3 ngày làm việc kể từ ngày tiếp nhận: đã được đánh dấu để thống kê."), "error")
    return redirect(url_for("notices.supplement_request", request_id=request_.id))


@bp.post("/tasks/<int:item_id>/record-supplement")
def record_supplement_task(item_id: int):
    form = request.form
    on_form_invalid(lambda errors: render_task(item_id, supplement_values=form, supplement_errors=errors))
    item = record_supplement(motcua().uow(), actor_id=current_user.id, work_item_id=item_id,
                             received=form.getlist("received"), note=form.get("supplement_note", ""))
    flash(_("Đã ghi nhận hồ sơ bổ sung; hồ sơ trở lại bước đã yêu cầu bổ sung."), "success")
    return redirect(url_for("dossiers.show", dossier_id=item.dossier_id))
