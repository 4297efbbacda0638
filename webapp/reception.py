"""The one-stop counter: check what a citizen hands in against the procedure's list, then accept
it (receipt, form 01), guide the citizen with what to add (form 02), or refuse it (form 03); the
same three outcomes for a dossier newly registered online. Also: find a citizen's guidance slips
by their ID number.

Only officers holding the reception role somewhere see these pages; to anyone else they do not
exist (404), like a dossier of another agency.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine.commands import decide
from engine.commands.reception import Applicant, Decision, Outcome, WalkIn
from engine.documents import DocumentKind, ReceivedDocument
from engine.errors import FormInvalid, NotFound
from engine.queries.dossier import dossier_header
from engine.queries.online import scans_for_officer
from engine.queries.reception import counters, guidance_slip, lookup, procedure_checklist, procedures_on_offer
from engine.queries.reception import registered_dossier
from engine.statuses import Channel, DossierStatus
from webapp import motcua
from webapp.errors import on_form_invalid
from webapp.i18n import status_label
from webapp.params import id_value

bp = Blueprint("reception", __name__)

CHANNELS = {
    Channel.COUNTER: _l("Trực tiếp"),
    Channel.ONLINE: _l("Trực tuyến"),
    Channel.POST: _l("Qua dịch vụ bưu chính công ích"),
}
DOCUMENT_KINDS = {
    DocumentKind.ORIGINAL: _l("Bản chính"),
    DocumentKind.CERTIFIED_COPY: _l("Bản sao có chứng thực"),
    DocumentKind.COPY: _l("Bản sao"),
}
# Rows of the documents table shown at first; "more rows" adds this many again.
DOCUMENT_ROWS = 5
MAX_DOCUMENT_ROWS = 60
APPLICANT_FIELDS = ("applicant_name", "applicant_id_number", "applicant_address", "applicant_phone",
                    "applicant_email")
FIELDS = ("agency_id", "procedure_key", "channel", "guidance_id", "missing", "guidance_note", "refusal_reason",
          *APPLICANT_FIELDS)
# Where the engine's "note" error goes: the text box of the outcome chosen.
NOTE_FIELD = {Outcome.GUIDE: "guidance_note", Outcome.REFUSE: "refusal_reason"}


@bp.before_request
@login_required
def _officers_only():
    """Every page here needs a login."""


def _counters():
    with motcua().read_session() as s:
        found = counters(s, current_user.id)
    if not found:
        abort(404)
    return found


@bp.app_template_filter("channel")
def channel_label(code) -> str:
    try:
        return str(CHANNELS[Channel(int(code))])
    except (ValueError, KeyError):
        return str(code)


@bp.app_template_filter("document_kind")
def document_kind_label(kind) -> str:
    try:
        return str(DOCUMENT_KINDS[DocumentKind(kind)])
    except ValueError:
        return str(kind)


def _document_rows(form) -> list[dict]:
    """The table as typed, row by row (blank rows included, so the officer sees what they typed)."""
    names, kinds, counts = (form.getlist(k) for k in ("doc_name", "doc_kind", "doc_count"))
    rows = [{"name": n, "kind": k, "count": c} for n, k, c in zip(names, kinds, counts)]
    return rows[:MAX_DOCUMENT_ROWS]


def _received_documents(rows) -> tuple[list[ReceivedDocument], list[int]]:
    """The non-blank rows as documents, and for each the row number it came from (to place errors)."""
    documents, origin = [], []
    for number, row in enumerate(rows):
        name, count = row["name"].strip(), row["count"].strip()
        if not name and count in ("", "1"):
            continue  # an untouched row
        try:
            parsed = int(count)
        except ValueError:
            parsed = 0  # the engine reports the range, in its words
        documents.append(ReceivedDocument(name=name, kind=row["kind"], count=parsed))
        origin.append(number)
    return documents, origin


def _render(counters_, *, values=None, rows=None, ticked=(), errors=None, registered=None, status=200):
    values = values or {}
    rows = list(rows or [])
    while len(rows) < DOCUMENT_ROWS:
        rows.append({"name": "", "kind": DocumentKind.ORIGINAL.value, "count": "1"})
    with motcua().read_session() as s:
        procedures = procedures_on_offer(s, [c.agency_id for c in counters_])
        key = registered.procedure_key if registered else values.get("procedure_key", "")
        checklist = procedure_checklist(s, key) if key else None
        # An online dossier is checked against what the citizen uploaded: the scans beside the list.
        scans = scans_for_officer(s, current_user.id, registered.id) if registered else []
    return render_template("reception/new.html", counters=counters_, procedures=procedures, values=values,
                           rows=rows, ticked=set(ticked), checklist=checklist, errors=errors or {},
                           channels=CHANNELS, kinds=DOCUMENT_KINDS, registered=registered, scans=scans), status


@bp.get("/reception/new")
def new():
    found = _counters()
    values = {key: request.args.get(key, "") for key in ("procedure_key", "agency_id")}
    slip_id = id_value(request.args.get("from_slip"))
    if slip_id:
        with motcua().read_session() as s:
            slip = guidance_slip(s, current_user.id, slip_id)
        values.update(procedure_key=slip.procedure_key, agency_id=str(slip.agency_id), guidance_id=str(slip.id),
                      applicant_name=slip.applicant_name, applicant_id_number=slip.applicant_id_number,
                      applicant_address=slip.applicant_address, applicant_phone=slip.applicant_phone,
                      applicant_email=slip.applicant_email)
    return _render(found, values=values)


@bp.post("/reception/new")
def create():
    found = _counters()
    form = request.form
    values = {key: form.get(key, "") for key in FIELDS}
    rows = _document_rows(form)
    ticked = form.getlist("checklist")
    action = form.get("action", "receive")
    if action in ("more_rows", "choose"):
        if action == "more_rows":
            rows += [{"name": "", "kind": DocumentKind.ORIGINAL.value, "count": "1"}] * DOCUMENT_ROWS
        return _render(found, values=values, rows=rows[:MAX_DOCUMENT_ROWS], ticked=ticked)
    outcome = {"guide": Outcome.GUIDE, "refuse": Outcome.REFUSE}.get(action, Outcome.ACCEPT)
    documents, origin = _received_documents(rows)
    on_form_invalid(lambda errors: _render(found, values=values, rows=rows, ticked=ticked,
                                           errors=_placed(errors, origin, outcome))[0])
    agency_id = _chosen_counter(found, values["agency_id"])
    applicant = Applicant(name=values["applicant_name"], id_number=values["applicant_id_number"].strip(),
                          address=values["applicant_address"].strip(), phone=values["applicant_phone"].strip(),
                          email=values["applicant_email"].strip())
    with motcua().read_session() as s:
        on_offer = {p.key for p in procedures_on_offer(s, [agency_id])}
    if values["procedure_key"] not in on_offer:
        # With what is wrong with the applicant too: the officer corrects the form once, not twice.
        raise FormInvalid({"procedure_key": [_("Vui lòng chọn thủ tục.")], **applicant.problems()})
    try:
        channel = Channel(int(values["channel"] or Channel.COUNTER))
    except ValueError:
        raise FormInvalid({"channel": [_("Kênh nộp hồ sơ không hợp lệ.")], **applicant.problems()}) from None
    result = decide(motcua().uow(), actor_id=current_user.id,
                    walk_in=WalkIn(agency_id, values["procedure_key"], applicant, channel),
                    decision=_decision(outcome, form, ticked, documents, values))
    return _after(result)


def _decision(outcome, form, ticked, documents, values) -> Decision:
    guidance_id = values.get("guidance_id", "")
    return Decision(outcome, checklist=ticked, documents=documents,
                    missing=form.get("missing", "").splitlines(),
                    note=form.get(NOTE_FIELD.get(outcome, ""), ""),
                    guidance_id=id_value(guidance_id))


def _after(result):
    """Where each outcome leads: the printable form it produced."""
    if result.outcome is Outcome.GUIDE:
        flash(_("Đã lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. Hồ sơ chưa được tiếp nhận."), "success")
        return redirect(url_for("notices.supplement_request", request_id=result.slip.id))
    if result.outcome is Outcome.REFUSE:
        flash(_("Đã từ chối tiếp nhận hồ sơ %(code)s.", code=result.dossier.code), "success")
        return redirect(url_for("notices.refusal", dossier_id=result.dossier.id))
    flash(_("Đã tiếp nhận hồ sơ %(code)s.", code=result.dossier.code), "success")
    return redirect(url_for("dossiers.receipt", dossier_id=result.dossier.id))


def _placed(field_errors, origin, outcome) -> dict:
    """The engine names rows by their place among the documents sent, the table by its row; its
    ``note`` is the text box of the chosen outcome."""
    placed = {}
    for key, messages in field_errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "documents" and parts[1].isdigit() and int(parts[1]) < len(origin):
            key = f"documents.{origin[int(parts[1])]}.{parts[2]}"
        elif key == "note":
            key = NOTE_FIELD.get(outcome, "note")
        placed[key] = messages
    return placed


def _chosen_counter(found, raw: str) -> int:
    if len(found) == 1:
        return found[0].agency_id
    try:
        chosen = int(raw)
    except ValueError:
        raise FormInvalid({"agency_id": [_("Vui lòng chọn cơ quan tiếp nhận.")]}) from None
    if chosen not in {c.agency_id for c in found}:
        raise FormInvalid({"agency_id": [_("Vui lòng chọn cơ quan tiếp nhận.")]})
    return chosen


def _waiting(dossier_id: int):
    """The online dossier still waiting for this officer's decision. One decided meanwhile (by a
    colleague from the same queue, or by the first click of a double click) leads to its page, saying
    so, rather than to "not found" with the dossier received or refused all the same."""
    with motcua().read_session() as s:
        try:
            return registered_dossier(s, current_user.id, dossier_id)
        except NotFound:
            header = dossier_header(s, current_user.id, dossier_id)  # NotFound again: not theirs to see
    flash(_("Hồ sơ %(code)s không còn chờ tiếp nhận (%(status)s).", code=header.code,
            status=status_label(header.status)), "info")
    if header.status == DossierStatus.NOT_RECEIVED:
        abort(redirect(url_for("notices.refusal", dossier_id=dossier_id)))
    abort(redirect(url_for("dossiers.show", dossier_id=dossier_id)))


@bp.get("/reception/registered/<int:dossier_id>")
def check_registered(dossier_id: int):
    """A dossier submitted online (status 1): the same checklist and the same three outcomes."""
    found = _counters()
    registered = _waiting(dossier_id)
    return _render(found, registered=registered, values={"procedure_key": registered.procedure_key})


@bp.post("/reception/registered/<int:dossier_id>")
def decide_registered(dossier_id: int):
    found = _counters()
    registered = _waiting(dossier_id)
    form = request.form
    values = {key: form.get(key, "") for key in FIELDS} | {"procedure_key": registered.procedure_key}
    ticked, rows = form.getlist("checklist"), _document_rows(form)
    action = form.get("action", "receive")
    if action == "more_rows":
        rows += [{"name": "", "kind": DocumentKind.ORIGINAL.value, "count": "1"}] * DOCUMENT_ROWS
        return _render(found, values=values, rows=rows[:MAX_DOCUMENT_ROWS], ticked=ticked, registered=registered)
    outcome = {"guide": Outcome.GUIDE, "refuse": Outcome.REFUSE}.get(action, Outcome.ACCEPT)
    documents, origin = _received_documents(rows)
    on_form_invalid(lambda errors: _render(found, values=values, rows=rows, ticked=ticked, registered=registered,
                                           errors=_placed(errors, origin, outcome))[0])
    result = decide(motcua().uow(), actor_id=current_user.id, dossier_id=dossier_id,
                    decision=_decision(outcome, form, ticked, documents, values))
    return _after(result)


@bp.get("/reception/lookup")
def lookup_page():
    """A citizen's guidance slips and dossiers at the officer's counters, by ID number."""
    found = _counters()
    id_number = request.args.get("id_number", "").strip()[:40]
    with motcua().read_session() as s:
        results = lookup(s, [c.agency_id for c in found], id_number) if id_number else None
    return render_template("reception/lookup.html", id_number=id_number, results=results)
