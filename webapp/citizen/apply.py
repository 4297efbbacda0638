"""Submitting online: the intake form and the scans, kept as a draft until the citizen submits."""
from __future__ import annotations

from urllib.parse import quote

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.commands.online import add_file, remove_file, save_draft, submit
from engine.errors import FormInvalid, MotcuaError
from engine.file_store import FileStore
from engine.queries.catalogue import public_procedure
from engine.queries.online import draft_for, file_for_citizen, files_of
from webapp import motcua
from webapp.citizen import bp
from webapp.citizen.session import citizen_required, current_citizen
from webapp.field_messages import translated
from webapp.forms_render import ErrorLink, error_links, fields, form_errors, parse
from webapp.i18n import error_message


def file_store() -> FileStore:
    return FileStore(motcua().settings.upload_dir)


def _procedure_to_apply(key: str):
    with motcua().read_session() as s:
        found = public_procedure(s, motcua().settings.catalogue_dir, key[:120])
    if found is None or not found.entry.get("intake_schema"):
        abort(404)
    return found


def upload_problems(refused: list[tuple[str, list[str]]]) -> list[str]:
    """What the citizen is told about the scans refused in one request (``refused``: each file's
    name and the engine's reasons): which files were not added, then each reason once. 22 scans
    past the limit of 20 give the limit once, not twice, and name the two left out (the others
    were kept). The reasons stay the engine's, for the page to show in its language."""
    names = ", ".join(dict.fromkeys(name[:80] for name, _reasons in refused))
    reasons = dict.fromkeys(reason for _name, found in refused for reason in found)
    return [_("Các tệp chưa được thêm: %(files)s.", files=names), *reasons]


def _render(procedure, *, values, agency_code, errors=None, status=200, submitting=True):
    """``errors``: the engine's, shown in the page's language; ``submitting``: the citizen pressed
    "Nộp hồ sơ" (a refused upload on "Lưu nháp" still saved the draft, and says so)."""
    schema = procedure.entry["intake_schema"]
    with motcua().read_session() as s:
        draft = draft_for(s, current_citizen().id, procedure.key)
        files = files_of(s, draft.id) if draft else []
        for f in files:
            s.expunge(f)
    errors = translated(errors or {})
    shown = fields(schema, values, errors)
    return render_template("citizen/apply.html", procedure=procedure, fields=shown,
                           summary=_summary(shown, schema, errors), errors=errors, files=files,
                           agency_code=agency_code, draft=draft, submitting=submitting), status


def _summary(shown, schema, errors) -> list[ErrorLink]:
    """Every refusal of the form, each linked to where it is corrected: the agency, the declaration's
    fields, the attached papers (the first file field), then the form's own rules."""
    links = [ErrorLink("agency_code", _("Nộp tại"), m) for m in errors.get("agency_id", [])]
    links += error_links(shown)
    links += [ErrorLink("doc-0", _("Giấy tờ kèm theo"), m) for m in errors.get("files", [])]
    links += [ErrorLink(None, "", m) for m in form_errors(schema, {k: v for k, v in errors.items()
                                                                   if k not in ("agency_id", "files", "profile")})]
    return links


@bp.get("/thu-tuc/<key>/nop")
@citizen_required
def apply_form(key: str):
    procedure = _procedure_to_apply(key)
    with motcua().read_session() as s:
        draft = draft_for(s, current_citizen().id, procedure.key)
        values = dict(draft.data) if draft else None
        agency_code = ""
        if draft and draft.agency_id:
            from engine.models import Agency
            agency_code = s.get(Agency, draft.agency_id).code
    if not agency_code and len(procedure.agencies) == 1:
        agency_code = procedure.agencies[0][0]
    return _render(procedure, values=values, agency_code=agency_code)


@bp.post("/thu-tuc/<key>/nop")
@citizen_required
def apply(key: str):
    procedure = _procedure_to_apply(key)
    schema, me = procedure.entry["intake_schema"], current_citizen()
    values = {name: request.form.get(name, "") for name in schema.get("properties", {})}
    agency_code = request.form.get("agency_code", "")[:40]
    application_id = save_draft(motcua().uow(), citizen_id=me.id, procedure_key=procedure.key, schema=schema,
                                data=parse(schema, request.form), agency_code=agency_code)
    refused: list[tuple[str, list[str]]] = []
    for index, document in enumerate(procedure.documents):
        for upload in request.files.getlist(f"doc-{index}"):
            if not upload.filename:
                continue
            try:
                add_file(motcua().uow(), file_store(), citizen_id=me.id, application_id=application_id,
                         document_name=document.name, filename=upload.filename, content=upload.read())
            except FormInvalid as exc:
                refused.append((upload.filename, exc.field_errors.get("files", [])))
    remove = request.form.get("remove", type=int)
    if remove:
        remove_file(motcua().uow(), citizen_id=me.id, application_id=application_id, file_id=remove)
        return redirect(url_for("citizen.apply_form", key=procedure.key))
    submitting = request.form.get("action") == "submit"
    if refused:
        return _render(procedure, values=values, agency_code=agency_code, errors={"files": upload_problems(refused)},
                       status=400, submitting=submitting)
    if not submitting:
        flash(_("Đã lưu bản nháp. Bạn có thể quay lại nộp tiếp bất cứ lúc nào."), "success")
        return redirect(url_for("citizen.apply_form", key=procedure.key))
    try:
        dossier = submit(motcua().uow(), citizen_id=me.id, application_id=application_id, schema=schema)
    except FormInvalid as exc:
        return _render(procedure, values=values, agency_code=agency_code, errors=exc.field_errors, status=400)
    except MotcuaError as exc:
        flash(error_message(exc), "error")
        return redirect(url_for("citizen.my_page"))
    flash(_("Đã nộp hồ sơ, mã hồ sơ %(code)s. Bộ phận một cửa sẽ kiểm tra và thông báo cho bạn.", code=dossier.code),
          "success")
    return redirect(url_for("citizen.my_dossier_page", dossier_id=dossier.id))  # where it goes on from here


@bp.get("/cong-dan/tep/<int:file_id>")
@citizen_required
def my_file(file_id: int):
    with motcua().read_session() as s:
        found = file_for_citizen(s, current_citizen().id, file_id)
    if found is None:
        abort(404)
    return send_stored(found, inline=False)


def send_stored(found, *, inline: bool):
    """A stored scan as its sniffed type, never sniffed again by the browser; inline views are
    sandboxed (no script, no form, no same-origin access)."""
    response = make_response(file_store().read(found.sha256))
    response.headers["Content-Type"] = found.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    ascii_name = found.filename.encode("ascii", "ignore").decode() or f"tep{found.filename[-4:]}"
    response.headers["Content-Disposition"] = (f'{"inline" if inline else "attachment"}; filename="{ascii_name}"; '
                                               f"filename*=UTF-8''{quote(found.filename)}")
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
