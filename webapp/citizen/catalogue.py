"""The start page and the catalogue of procedures, readable without signing in."""
from __future__ import annotations

from flask import abort, make_response, render_template, request

from engine.documents import DocumentKind
from engine.queries.catalogue import MAX_QUERY, public_procedure, public_procedures
from webapp import motcua
from webapp.citizen import bp
from webapp.i18n import current_language, format_number

_UNITS = {
    "working_days": ("ngày làm việc", "working days"),
    "working_hours": ("giờ làm việc", "working hours"),
    "calendar_days": ("ngày", "calendar days"),
}


def _catalogue_dir():
    return motcua().settings.catalogue_dir


def time_limit_text(limit) -> str:
    """'5 ngày làm việc' / '5 working days'; the law may set none."""
    english = current_language() == "en"
    if limit is None:
        return "No time limit set by law" if english else "Pháp luật không quy định thời hạn"
    amount = format_number(limit.amount.normalize() if limit.amount % 1 else int(limit.amount))
    return f"{amount} {_UNITS[limit.unit][1 if english else 0]}"


def fee_text(procedure) -> str:
    """What the citizen pays, as the procedure page says it. The catalogue's note is the legal
    wording: with nothing charged at submission it is said alone, since "Free" beside a note
    listing the fees due later (land registration) would mislead."""
    english = current_language() == "en"
    amount = procedure.fee_amount
    note = procedure.entry["fee"].get("en" if english else "vi", "").strip()
    if amount == 0:
        return note or ("Free." if english else "Miễn phí.")
    head = f"VND {format_number(amount)}." if english else f"{format_number(amount)} đồng."
    return f"{head} {note}" if note else head


def kind_label(kind: str) -> str:
    kind = DocumentKind(kind)
    return kind.label_en if current_language() == "en" else kind.label_vi


@bp.app_context_processor
def _helpers():
    return {"time_limit_text": time_limit_text, "fee_text": fee_text, "kind_label": kind_label}


@bp.get("/")
def home():
    with motcua().read_session() as s:
        procedures = public_procedures(s, _catalogue_dir())
    return render_template("citizen/home.html", procedures=procedures, query="")


@bp.get("/thu-tuc")
def catalogue():
    query = request.args.get("q", "")[:MAX_QUERY]
    with motcua().read_session() as s:
        procedures = public_procedures(s, _catalogue_dir(), query)
    return render_template("citizen/catalogue.html", procedures=procedures, query=query)


@bp.get("/thu-tuc/<key>")
def procedure(key: str):
    with motcua().read_session() as s:
        found = public_procedure(s, _catalogue_dir(), key[:120])
    if found is None:
        abort(404)
    return render_template("citizen/procedure.html", procedure=found)


@bp.get("/thu-tuc/<key>/mau/<form_id>")
def blank_form(key: str, form_id: str):
    """A blank form, ready to print and fill in by hand, downloaded as a file."""
    with motcua().read_session() as s:
        found = public_procedure(s, _catalogue_dir(), key[:120])
    form = found.form(form_id) if found else None
    if form is None:
        abort(404)
    response = make_response(render_template("citizen/blank_form.html", procedure=found, form=form))
    response.headers["Content-Disposition"] = f'attachment; filename="{form["id"]}.html"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
