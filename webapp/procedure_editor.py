"""The editor (modellers only): bpmn-js Modeler with motcua's properties panel and the form
editor (static/procedure_editor.js). The browser keeps the diagram; the server keeps drafts,
validates (the same checks as ``motcua validate``), renders form previews with the task page's
own field macro, and publishes. Routes of the procedures blueprint (webapp/procedures.py)."""
from __future__ import annotations

import html
import json
import re

from flask import Response, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from engine.calendar import parse_time_limit
from engine.commands import procedures as lifecycle
from engine.errors import FormInvalid, InvalidState, NotFound, ProcedureInvalid
from engine.procedures.forms import check_schema
from engine.procedures.starter import starter_xml
from engine.queries import procedures as queries
from webapp import editor_texts, forms_render, motcua
from webapp.field_messages import in_page_language
from webapp.i18n import current_language, error_message, format_datetime, procedure_label
from webapp.procedures import bp, officer_is_modeller
from webapp.vendor import installed


def _modellers_only():
    if not officer_is_modeller():
        abort(404)


def _in_order(**data) -> Response:
    """JSON with its keys in the order they were read: a form's fields are listed in its file's
    order, which is the order the task page shows them in. Flask's ``jsonify`` sorts keys, so the
    editor showed (and, on saving, wrote back) every form's fields alphabetically."""
    return Response(json.dumps(data, ensure_ascii=False, sort_keys=False), mimetype="application/json")


def _folder_forms() -> dict:
    forms = {}
    for path in sorted(motcua().settings.forms_dir.glob("*.json")):
        try:
            forms[path.name] = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue  # validation names a broken form when a diagram uses it
    return forms


def _editor_page(key: str | None, name: str):
    """The editor's page; what its script shows comes from the page, in the officer's language
    (webapp/editor_texts.py)."""
    return render_template("procedures/editor.html", key=key, name=name,
                           source_url=url_for(".editor_source", key=key or "_new"), modeler=installed("bpmn-js"),
                           element_kinds=editor_texts.ELEMENT_KINDS, any_element=editor_texts.ANY_ELEMENT,
                           bpmn_texts=editor_texts.BPMN_JS)


@bp.get("/new")
def new():
    _modellers_only()
    return _editor_page(None, _("Thủ tục mới"))


@bp.get("/<key>/edit")
def edit(key: str):
    _modellers_only()
    with motcua().read_session() as s:
        detail = queries.procedure_detail(s, current_user.id, key)
    return _editor_page(key, procedure_label(detail.row.name))


@bp.get("/<key>/edit/source.json")
def editor_source(key: str):
    """What the editor opens: the draft if there is one, else the active version; every form."""
    _modellers_only()
    forms, draft_forms = _folder_forms(), None
    with motcua().read_session() as s:
        choices = queries.editor_choices(s, current_user.id)
        if key == "_new":
            xml, origin = starter_xml(), "new"
        else:
            draft = queries.draft_content(s, current_user.id, key)
            if draft is not None:
                (xml, draft_forms), origin = draft, "draft"
                forms.update(draft_forms)
            else:
                detail = queries.procedure_detail(s, current_user.id, key)
                xml, version_forms = queries.version_content(s, current_user.id, key, detail.row.active_number)
                forms.update(version_forms)
                origin = "version"
    # A draft is opened with what its last check found, as saving it said: a draft is kept broken.
    problems = _draft_problems(xml, draft_forms) if draft_forms is not None else []
    # The lane's role is chosen by its name, a step's status by its code and name, and a time limit
    # is shown in the page's words (editor_texts.py): the page's language, not codes.
    return _in_order(xml=xml, forms=forms, origin=origin, roles=choices.roles, agency_kinds=choices.agency_kinds,
                     partner_codes=choices.partner_codes, problems=problems,
                     role_names=editor_texts.roles(choices.roles), statuses=editor_texts.statuses(),
                     time=editor_texts.time_units())


# A time-limit property as bpmn-js writes it (name, then value). A value typed in Vietnamese is
# kept in the file in its English form ("1,5 ngày làm việc" → "1.5 working days"), the form every
# version before had: whatever reads the file's text (version comparison, exports) sees no change.
_TIME_PROPERTY = re.compile(r'(<(?:[\w.-]+:)?property\s+name="(?:timeLimit|allotment|warnBefore)"\s+value=")([^"<]*)(")')


def _time_in_english(match: re.Match) -> str:
    text = html.unescape(match.group(2))
    if text.isascii() and "," not in text:
        return match.group(0)  # English already, as written (a file's "1 working day" stays so)
    try:
        limit = parse_time_limit(text)
    except ValueError:
        return match.group(0)  # "25%" (warnBefore), or a mistake the check names
    return f"{match.group(1)}{limit}{match.group(3)}"


def _english_time_limits(xml: str) -> str:
    return _TIME_PROPERTY.sub(_time_in_english, xml)


def _posted() -> tuple[str, dict]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        raise FormInvalid({"bpmn": [_("Không nhận được sơ đồ.")]})
    forms = body.get("forms") or {}
    return _english_time_limits(body["xml"]), forms


def _draft_problems(xml: str, forms: dict) -> list[dict]:
    """What checking the draft finds, with what publishing would warn of (roles nobody holds)."""
    with motcua().read_session() as s:
        return _problems(lifecycle.check_draft(xml, motcua().settings.forms_dir, forms, session=s))


def _problems(problems) -> list[dict]:
    locale = current_language()
    return [p.as_dict(locale) for p in problems]


def _refusal(exc, status=422):
    if isinstance(exc, FormInvalid):
        messages = [in_page_language(m) for ms in exc.field_errors.values() for m in ms]
        return jsonify(problems=[{"element": "", "severity": "error", "message": m} for m in messages]), status
    return jsonify(problems=[{"element": "", "severity": "error", "message": error_message(exc)}]), status


@bp.post("/drafts")
def save_draft():
    """Save keeps a draft (whatever its state) and answers with every problem it has now."""
    _modellers_only()
    try:
        xml, forms = _posted()
        draft = lifecycle.save_draft(motcua().uow(), actor_id=current_user.id, bpmn_xml=xml, forms=forms)
    except ProcedureInvalid as exc:  # not a diagram at all: nothing saved
        return jsonify(problems=_problems(exc.problems)), 422
    except (FormInvalid, NotFound) as exc:
        return _refusal(exc)
    problems = _draft_problems(xml, forms)
    # When, as every other page says it: the agency's time zone, dd/mm/yyyy hh:mm (not the browser's clock).
    return jsonify(key=draft.procedure_key, saved_at=draft.saved_at.isoformat(),
                   saved_at_text=format_datetime(draft.saved_at), problems=problems,
                   edit_url=url_for(".edit", key=draft.procedure_key))


@bp.post("/publish")
def publish():
    _modellers_only()
    body = request.get_json(silent=True) or {}
    try:
        xml, forms = _posted()
        version, warnings = lifecycle.publish(motcua().uow(), actor_id=current_user.id, bpmn_xml=xml, forms=forms,
                                              forms_dir=motcua().settings.forms_dir, note=str(body.get("note") or ""))
    except ProcedureInvalid as exc:
        return jsonify(problems=_problems(exc.problems)), 422
    except (FormInvalid, InvalidState, NotFound) as exc:
        return _refusal(exc)
    return jsonify(key=version.procedure.key, version=version.number, problems=_problems(warnings),
                   url=url_for(".show", key=version.procedure.key))


@bp.post("/form-preview")
def form_preview():
    """The form as the task page draws it (the same field macro), or why the schema is refused."""
    _modellers_only()
    body = request.get_json(silent=True) or {}
    schema = body.get("schema")
    if not isinstance(schema, dict):
        return jsonify(html="", problems=[_("Biểu mẫu phải là một đối tượng JSON.")]), 422
    problem = check_schema(schema)
    if problem:
        en, vi = problem
        return jsonify(html="", problems=[vi if current_language() == "vi" else en]), 422
    html = render_template("procedures/_form_preview.html", fields=forms_render.fields(schema, {}, {}))
    return jsonify(html=html, problems=[])
