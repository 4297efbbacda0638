"""The procedures page, for modellers and administrators: every procedure with its versions,
the active one, retiring, rolling back, comparing two versions, and (modellers) the editor.

To anyone else these pages do not exist (404); the engine checks the same again in every
command and query. The diagrams are drawn by bpmn-js from /vendor/ (static/procedures.js); the
lists beside them say the same in words, so the page is complete without JavaScript.
"""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from engine.commands import procedures as lifecycle
from engine.procedures.compare import SummaryPart
from engine.procedures.form_language import in_language
from engine.queries import procedures as queries
from webapp import motcua
from webapp.auth import header
from webapp.errors import on_form_invalid
from webapp.i18n import ROLE_LABELS, current_language, diagram_label, role_label
from webapp.vendor import installed

bp = Blueprint("procedures", __name__, url_prefix="/procedures")

EVENT_LABELS = {
    "published": _l("Xuất bản phiên bản"),
    "retired": _l("Ngừng tiếp nhận"),
    "reinstated": _l("Tiếp nhận lại"),
    "rolled_back": _l("Quay về phiên bản cũ"),
    "activated": _l("Chuyển sang phiên bản"),
    "moved": _l("Chuyển hồ sơ sang phiên bản khác"),
}


@bp.before_request
@login_required
def _stewards_only():
    if not (current_user.is_admin or officer_is_modeller()):
        abort(404)


@bp.app_context_processor
def _steward_link():
    """Whether the header links to the procedures page (administrators and modellers)."""
    facts = header()
    if facts is None:
        return {}
    return {"is_steward": bool(current_user.is_admin) or officer_is_modeller()}


@bp.app_template_filter("procedure_event")
def procedure_event(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


# A form's part in a version's changes (engine/procedures/compare.py, SummaryPart.statuses).
FORM_CHANGES = {"added": _l("mới"), "removed": _l("bỏ"), "changed": _l("sửa")}


def _changed_elements(part: SummaryPart) -> str:
    names = ", ".join(diagram_label(name) for name in part.names) + ("…" if part.more else "")
    if part.action == "added":
        return ngettext("thêm %(num)d phần tử (%(names)s)", "thêm %(num)d phần tử (%(names)s)", part.count, names=names)
    if part.action == "removed":
        return ngettext("bỏ %(num)d phần tử (%(names)s)", "bỏ %(num)d phần tử (%(names)s)", part.count, names=names)
    return ngettext("sửa %(num)d phần tử (%(names)s)", "sửa %(num)d phần tử (%(names)s)", part.count, names=names)


def _summary_part(part: SummaryPart) -> str:
    if part.kind == "elements":
        return _changed_elements(part)
    if part.kind == "forms":
        return _("biểu mẫu: %(forms)s", forms=", ".join(f"{form} ({FORM_CHANGES[status]})"
                                                        for form, status in zip(part.names, part.statuses)))
    return {"layout": _("chỉ đổi cách trình bày bản vẽ"), "unchanged": _("không đổi sơ đồ và biểu mẫu"),
            "first": _("phiên bản đầu tiên")}[part.kind]


@bp.app_template_filter("version_changes")
def version_changes(version) -> str:
    """What publishing a version recorded, in the page's language: the modeller's note as written,
    then what changed. A version published before the parts were kept (``changes`` NULL, see
    ``with_recorded_changes`` in engine/queries/procedures.py) kept only Vietnamese words: a
    Vietnamese page shows them as stored, any other says they are Vietnamese only."""
    if not version.changes:
        if not version.change_note or current_language() == "vi":
            return version.change_note
        return _("Chỉ được ghi bằng tiếng Việt; hãy so với phiên bản trước để xem thay đổi.")
    changes = "; ".join(_summary_part(SummaryPart(**part)) for part in version.changes["parts"])
    note = version.changes.get("note") or ""
    return f"{note} — {changes}" if note else changes


def officer_is_modeller() -> bool:
    """From the roles the page's header reads anyway (once per request)."""
    return lifecycle.MODELLER in header().roles


@bp.get("")
def index():
    with motcua().read_session() as s:
        rows = queries.procedure_list(s, current_user.id)
    return render_template("procedures/index.html", procedures=rows, is_modeller=officer_is_modeller())


@bp.get("/<key>")
def show(key: str):
    return _show_page(key)


def _show_page(key: str, failed_version: int | None = None, errors=None, values=None):
    """The procedure's page; after a refused roll-back, with the messages beside that version's
    reason field and what was typed kept in it."""
    with motcua().read_session() as s:
        detail = queries.procedure_detail(s, current_user.id, key)
        if current_language() != "vi":  # older versions kept their changes in Vietnamese words only
            detail = replace(detail, versions=queries.with_recorded_changes(s, current_user.id, key, detail.versions))
    if errors and failed_version not in {v.number for v in detail.versions}:  # no such row to show them in
        for messages in errors.values():
            flash(" ".join(messages), "error")
    return render_template("procedures/show.html", p=detail.row, detail=detail, is_modeller=officer_is_modeller(),
                           failed_version=failed_version, errors=errors or {}, values=values or {},
                           max_reason=lifecycle.MAX_NOTE)


@bp.post("/<key>/retire")
def retire(key: str):
    lifecycle.retire(motcua().uow(), actor_id=current_user.id, procedure_key=key, reason=request.form.get("reason", ""))
    flash(_("Đã ngừng tiếp nhận hồ sơ mới cho thủ tục; hồ sơ đang giải quyết vẫn tiếp tục."), "success")
    return redirect(url_for(".show", key=key))


@bp.post("/<key>/reinstate")
def reinstate(key: str):
    lifecycle.reinstate(motcua().uow(), actor_id=current_user.id, procedure_key=key)
    flash(_("Thủ tục tiếp nhận hồ sơ trở lại."), "success")
    return redirect(url_for(".show", key=key))


@bp.post("/<key>/versions/<int:number>/activate")
def activate(key: str, number: int):
    on_form_invalid(lambda errors: _show_page(key, number, errors, request.form))
    lifecycle.activate(motcua().uow(), actor_id=current_user.id, procedure_key=key, number=number,
                       reason=request.form.get("reason", ""))
    flash(_("Hồ sơ mới sẽ bắt đầu theo phiên bản %(number)s; hồ sơ đang giải quyết giữ phiên bản của mình.",
            number=number), "success")
    return redirect(url_for(".show", key=key))


@bp.get("/<key>/versions/<int:number>.bpmn")
def version_bpmn(key: str, number: int):
    with motcua().read_session() as s:
        xml, _forms = queries.version_content(s, current_user.id, key, number)
    return Response(xml, mimetype="application/xml")


def _number_arg(name: str, default: int) -> int:
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default


@bp.get("/<key>/compare")
def compare(key: str):
    with motcua().read_session() as s:
        detail = queries.procedure_detail(s, current_user.id, key)
        numbers = [v.number for v in detail.versions]
        if len(numbers) < 2:
            flash(_("Thủ tục mới có một phiên bản, chưa có gì để so sánh."), "info")
            return redirect(url_for(".show", key=key))
        new = _number_arg("new", numbers[0])
        old = _number_arg("old", next((n for n in numbers if n < new), numbers[-1]))
        if old not in numbers or new not in numbers:
            abort(404)
        diff = queries.compare_versions(s, current_user.id, key, old, new)
        titles = _field_titles(queries.version_content(s, current_user.id, key, old)[1],
                               queries.version_content(s, current_user.id, key, new)[1])
    # Our lanes are named by role code: the drawing names them as the rest of the pages do.
    return render_template("procedures/compare.html", p=detail.row, numbers=numbers, old=old, new=new, diff=diff,
                           viewer=installed("bpmn-js"), lane_names={code: role_label(code) for code in ROLE_LABELS},
                           fields_named=lambda form, names: ", ".join(titles.get(form, {}).get(n, n) for n in names))


def _field_titles(old_forms: dict, new_forms: dict) -> dict[str, dict[str, str]]:
    """Each form's fields by their titles in the page's language (the newer version's, a removed
    field's from the older): what changed is said by the names the officers read, not the keys."""
    titles: dict[str, dict[str, str]] = {}
    for forms in (old_forms or {}, new_forms or {}):
        for form, schema in forms.items():
            shown = in_language(schema, current_language()) if isinstance(schema, dict) else None
            fields = (shown or {}).get("properties")
            if isinstance(fields, dict):
                titles.setdefault(form, {}).update({name: field["title"] for name, field in fields.items()
                                                    if isinstance(field, dict) and isinstance(field.get("title"), str)})
    return titles


from webapp import procedure_editor  # noqa: E402,F401  the editor's routes, on this blueprint


from webapp import procedure_trial  # noqa: E402,F401  "chạy thử": the scenario, step by step
from webapp import procedure_moves  # noqa: E402,F401  open dossiers to another version
