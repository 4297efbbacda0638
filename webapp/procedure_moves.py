"""Moving open dossiers between versions (administrators): a dry run first, then the move.
Routes of the procedures blueprint (webapp/procedures.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from engine.commands.version_moves import MoveBlock, move_dossiers
from engine.queries import procedures as queries
from webapp import motcua
from webapp.i18n import current_language, step_label
from webapp.procedures import bp


def _numbers() -> tuple[int, int]:
    try:
        return int(request.values.get("source", "")), int(request.values.get("target", ""))
    except ValueError:
        abort(404)


@bp.get("/<key>/move")
def move_preview(key: str):
    if not current_user.is_admin:
        abort(404)
    source, target = _numbers()
    with motcua().read_session() as s:
        detail = queries.procedure_detail(s, current_user.id, key)
    plan = move_dossiers(motcua().uow, actor_id=current_user.id, procedure_key=key, source=source, target=target,
                         dry_run=True)
    return render_template("procedures/move.html", p=detail.row, plan=plan,
                           blocked=sorted((code, _why(block, target)) for code, block in plan.reasons.items()))


def _why(block: MoveBlock, target: int) -> str:
    """Why a dossier cannot move, in the page's language, its steps by their names."""
    quoted = "«{}»" if current_language() == "vi" else "“{}”"
    steps = ", ".join(quoted.format(step_label(name)) for name in block.steps)
    if block.kind == "open_steps_missing":
        return ngettext("bước đang mở %(steps)s không có trong phiên bản %(target)s",
                        "các bước đang mở %(steps)s không có trong phiên bản %(target)s",
                        len(block.steps), steps=steps, target=target)
    if block.kind == "old_library":
        return _("trạng thái của hồ sơ được lưu bằng phiên bản thư viện cũ; hãy để hồ sơ đi tiếp một bước rồi chuyển")
    return _("hồ sơ đã đi qua %(steps)s, không có trong phiên bản %(target)s", steps=steps, target=target)


@bp.post("/<key>/move")
def move(key: str):
    if not current_user.is_admin:
        abort(404)
    source, target = _numbers()
    plan = move_dossiers(motcua().uow, actor_id=current_user.id, procedure_key=key, source=source, target=target,
                         dry_run=False)
    moved = ngettext("Đã chuyển %(num)d hồ sơ sang phiên bản %(target)s", "Đã chuyển %(num)d hồ sơ sang phiên bản %(target)s",
                     len(plan.moved), target=target)
    blocked = ngettext("%(num)d hồ sơ không chuyển được.", "%(num)d hồ sơ không chuyển được.", len(plan.blocked))
    flash(f"{moved}; {blocked}", "success")
    return redirect(url_for(".show", key=key))
