"""The one-stop counter: receive a complete dossier and print its receipt (form 01).

Only officers holding the reception role somewhere see these pages; to anyone else they do not
exist (404), like a dossier of another agency.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine.commands import receive
from engine.commands.reception import Applicant
from engine.documents import DocumentKind, ReceivedDocument
from engine.errors import FormInvalid
from engine.queries.reception import counters, procedures_on_offer
from engine.statuses import Channel
from webapp import motcua
from webapp.errors import on_form_invalid

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


def _render(counters_, *, values=None, rows=None, errors=None, status=200):
    values = values or {}
    rows = list(rows or [])
    while len(rows) < DOCUMENT_ROWS:
        rows.append({"name": "", "kind": DocumentKind.ORIGINAL.value, "count": "1"})
    with motcua().read_session() as s:
        procedures = procedures_on_offer(s)
    return render_template("reception/new.html", counters=counters_, procedures=procedures, values=values,
                           rows=rows, errors=errors or {}, channels=CHANNELS, kinds=DOCUMENT_KINDS), status


@bp.get("/reception/new")
def new():
    return _render(_counters())


@bp.post("/reception/new")
def create():
    found = _counters()
    form = request.form
    values = {key: form.get(key, "") for key in ("agency_id", "procedure_key", "applicant_name",
                                                 "applicant_id_number", "applicant_address",
                                                 "applicant_phone", "applicant_email", "channel")}
    rows = _document_rows(form)
    if form.get("action") == "more_rows":
        rows += [{"name": "", "kind": DocumentKind.ORIGINAL.value, "count": "1"}] * DOCUMENT_ROWS
        return _render(found, values=values, rows=rows[:MAX_DOCUMENT_ROWS])
    documents, origin = _received_documents(rows)

    def show_errors(field_errors):
        # The engine names rows by their place among the documents sent; the table by its row.
        placed = {}
        for key, messages in field_errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "documents" and parts[1].isdigit():
                key = f"documents.{origin[int(parts[1])]}.{parts[2]}"
            placed[key] = messages
        return _render(found, values=values, rows=rows, errors=placed)[0]

    on_form_invalid(show_errors)
    agency_id = _chosen_counter(found, values["agency_id"])
    with motcua().read_session() as s:
        on_offer = {p.key for p in procedures_on_offer(s)}
    if values["procedure_key"] not in on_offer:
        raise FormInvalid({"procedure_key": [_("Vui lòng chọn thủ tục.")]})
    try:
        channel = Channel(int(values["channel"] or Channel.COUNTER))
    except ValueError:
        raise FormInvalid({"channel": [_("Kênh nộp hồ sơ không hợp lệ.")]}) from None
    applicant = Applicant(name=values["applicant_name"], id_number=values["applicant_id_number"].strip(),
                          address=values["applicant_address"].strip(), phone=values["applicant_phone"].strip(),
                          email=values["applicant_email"].strip())
    dossier = receive(motcua().uow(), actor_id=current_user.id, agency_id=agency_id,
                      procedure_key=values["procedure_key"], applicant=applicant, channel=channel,
                      documents=documents)
    flash(_("Đã tiếp nhận hồ sơ %(code)s.", code=dossier.code), "success")
    return redirect(url_for("dossiers.receipt", dossier_id=dossier.id))


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
