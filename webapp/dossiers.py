"""The dossier page (status, open steps, where it is, history, diagram), its receipt, its control
slip (form 05), and a supervisor's reassign."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from lxml import etree
from markupsafe import Markup

from engine.commands import reassign
from engine.commands.partners import may_resend
from engine.commands.results import issue_result as issue_result_command
from engine.errors import FormInvalid
from engine.procedures.safe_xml import UnsafeXml
from engine.statuses import DossierStatus
from engine.queries.apologies import apology_state
from engine.queries.control_slip import control_slip
from engine.queries.dossier import dossier_page, receipt as receipt_query, recorded_results
from engine.queries.dossier_list import dossier_list, filter_choices
from engine.queries.hand_offs import pending_hand_offs
from engine.queries.notices import ending_rights
from engine.queries.payments import dossier_payments
from engine.queries.reception import counters, supplement_requests_of
from engine.queries import results as result_queries
from webapp import motcua
from webapp.diagram import render_diagram
from webapp.dossier_list import read_filters
from webapp.i18n import current_language, diagram_label, flow_label, procedure_label, role_label, step_label
from webapp.params import id_value
from webapp.verdicts import verdict_label

bp = Blueprint("dossiers", __name__)


@bp.before_request
@login_required
def _officers_only():
    """Every page here needs a login."""


@bp.get("/dossiers")
def index():
    """Every dossier the officer may see, newest first, with search and filters."""
    filters, errors = read_filters(request.args)
    with motcua().read_session() as s:
        listing = dossier_list(s, current_user.id, filters, after=request.args.get("after"),
                               zone=motcua().settings.timezone)
        agencies, procedures = filter_choices(s, current_user.id)
    return render_template("dossiers/list.html", listing=listing, filters=filters, errors=errors,
                           agencies=agencies, procedures=procedures, statuses=list(DossierStatus),
                           args={k: v for k, v in request.args.items() if k != "after" and v})


@bp.get("/dossiers/<int:dossier_id>")
def show(dossier_id: int):
    with motcua().read_session() as s:
        page = dossier_page(s, current_user.id, dossier_id)
        apology = apology_state(s, current_user.id, dossier_id)
        slip = control_slip(s, current_user.id, dossier_id)
        endings = ending_rights(s, current_user.id, page.dossier)
        supplements = supplement_requests_of(s, dossier_id)
        result = result_queries.result_of(s, dossier_id)
        may_issue_result = result_queries.may_issue(s, current_user.id, page.dossier.agency_id)
        hand_offs = pending_hand_offs(s, dossier_id)
        resend = any(h.dead for h in hand_offs) and may_resend(s, current_user.id, page.dossier.agency_id)
        results = recorded_results(s, dossier_id, motcua().settings.catalogue_dir, current_language())
        pay = dossier_payments(s, dossier_id, motcua().settings.catalogue_dir)
    return render_template("dossiers/show.html", page=page, d=page.dossier, diagram=_diagram(page), apology=apology,
                           slip=slip, endings=endings, supplements=supplements, result=result,
                           may_issue_result=may_issue_result, hand_offs=hand_offs, may_resend=resend,
                           results=results, pay=pay)


@bp.post("/dossiers/<int:dossier_id>/result")
def issue_result(dossier_id: int):
    issue_result_command(motcua().uow(), motcua().settings, actor_id=current_user.id, dossier_id=dossier_id,
                         link=lambda token: url_for("verification.show", token=token, _external=True))
    flash(_("Đã ký số và phát hành kết quả điện tử."), "success")
    return redirect(url_for(".show", dossier_id=dossier_id))


@bp.get("/dossiers/<int:dossier_id>/result.pdf")
def result_pdf(dossier_id: int):
    with motcua().read_session() as s:
        name, pdf = result_queries.result_pdf(s, current_user.id, dossier_id)
    # An attachment, never rendered in our origin; nosniff comes with every response.
    return current_app.response_class(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"})


@bp.get("/dossiers/<int:dossier_id>/control-slip")
def control_slip_page(dossier_id: int):
    with motcua().read_session() as s:
        slip = control_slip(s, current_user.id, dossier_id)
    return render_template("dossiers/control_slip.html", slip=slip, d=slip.dossier)


@bp.app_template_filter("handover_result")
@bp.app_template_filter("verdict")
def handover_result_label(result) -> str:
    """Early / on time / late on the control slip, and a dossier's class on its page: one wording."""
    return verdict_label(result)


def _diagram(page) -> Markup | None:
    try:
        svg = render_diagram(page.bpmn_xml, done=page.done_steps, current=page.current_steps,
                             title=_("Sơ đồ quy trình %(name)s", name=procedure_label(page.dossier.procedure_name)),
                             lane_label=role_label, name_label=diagram_label, flow_label=flow_label)
    except (UnsafeXml, etree.XMLSyntaxError):
        # A deployed version passed these checks; if one did not, the page still shows the rest.
        current_app.logger.exception("diagram of dossier %s could not be drawn", page.dossier.id)
        return None
    return Markup(svg) if svg else None  # built by lxml: every name in it is escaped


@bp.get("/dossiers/<int:dossier_id>/receipt")
def receipt(dossier_id: int):
    with motcua().read_session() as s:
        slip = receipt_query(s, current_user.id, dossier_id)
        can_receive = bool(counters(s, current_user.id))
    # A link, not only the code: a phone's camera opens the tracking page with the code filled in.
    qr = segno.make(url_for("public.lookup_form", ma=slip.dossier.code, _external=True), error="m")
    received = slip.dossier.received_at.astimezone(ZoneInfo(motcua().settings.timezone))
    return render_template("dossiers/receipt.html", slip=slip, d=slip.dossier,
                           qr=Markup(qr.svg_inline(scale=3, border=2, omitsize=True, title=slip.dossier.code)),
                           received=received, can_receive=can_receive)


TIME_UNITS = {"working_days": _l("ngày làm việc"), "working_hours": _l("giờ làm việc"),
              "calendar_days": _l("ngày")}


@bp.app_template_filter("time_limit")
def time_limit_label(limit) -> str:
    """3 ngày làm việc · 0,5 ngày làm việc (Vietnamese decimal comma) · — when none is declared."""
    if limit is None:
        return "—"
    amount = f"{limit.amount.normalize():f}"
    if current_language() == "vi":
        amount = amount.replace(".", ",")
    return f"{amount} {TIME_UNITS.get(limit.unit, limit.unit)}"


@bp.post("/dossiers/<int:dossier_id>/steps/<int:item_id>/reassign")
def reassign_step(dossier_id: int, item_id: int):
    to_user_id = id_value(request.form.get("to_user_id"))
    if to_user_id is None:
        raise FormInvalid({"to_user_id": [_("Vui lòng chọn cán bộ nhận việc.")]})
    item = reassign(motcua().uow(), actor_id=current_user.id, work_item_id=item_id, to_user_id=to_user_id)
    flash(_("Đã giao bước “%(step)s” cho cán bộ khác.", step=step_label(item.step_name)), "success")
    return redirect(url_for(".show", dossier_id=item.dossier_id))
