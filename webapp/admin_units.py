"""The units inside an agency (administrators): add a unit, change its code, names and the lanes
it answers for, remove it; the history of these changes (engine/commands/units.py). Reached from
the agencies page (/admin/agencies)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine.commands import units as unit_commands
from engine.queries.units import agency_units
from webapp import motcua
from webapp.errors import on_form_invalid

bp = Blueprint("admin_units", __name__, url_prefix="/admin")

UNIT_ACTIONS = {
    "unit_created": _l("Thêm bộ phận"),
    "unit_changed": _l("Sửa bộ phận"),
    "unit_removed": _l("Xóa bộ phận"),
}
# The engine's messages for these forms (engine/commands/units.py), so English pages show them in English.
UNIT_MESSAGES = (
    _l("Mã bộ phận gồm 1–40 chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới."),
    _l("Cơ quan đã có bộ phận mang mã này."),
    _l("Hãy nhập tên bộ phận."),
    _l("Vai trò không hợp lệ."),
    _l("Bộ phận phải thuộc cơ quan mà người dùng có vai trò."),
    _l("Cơ quan hoặc vai trò không hợp lệ."),
)


@bp.app_template_filter("unit_action")
def unit_action_label(action: str) -> str:
    return str(UNIT_ACTIONS.get(action, action))


@bp.before_request
@login_required
def _administrators_only():
    if not current_user.is_admin:
        abort(404)


def _page(agency_id: int, failed: str = "", errors=None, values=None):
    with motcua().read_session() as s:
        found = agency_units(s, current_user.id, agency_id)
    return render_template("admin/units.html", agency=found, roles=unit_commands.LANE_ROLES, failed_form=failed,
                           errors=errors or {}, values=values or {})


def _posted() -> dict:
    return {"code": request.form.get("code", "")[:100], "name": request.form.get("name", "")[:300],
            "name_en": request.form.get("name_en", "")[:300], "roles": request.form.getlist("role")[:20]}


def _values() -> dict:
    return {**request.form.to_dict(), "roles": request.form.getlist("role")}


@bp.get("/agencies/<int:agency_id>/units")
def index(agency_id: int):
    return _page(agency_id)


@bp.post("/agencies/<int:agency_id>/units")
def add(agency_id: int):
    on_form_invalid(lambda errors: _page(agency_id, "new", errors, _values()))
    unit = unit_commands.create_unit(motcua().uow(), actor_id=current_user.id, agency_id=agency_id, **_posted())
    flash(_("Đã thêm bộ phận %(name)s.", name=unit.name), "success")
    return redirect(url_for(".index", agency_id=agency_id))


@bp.post("/agencies/<int:agency_id>/units/<int:unit_id>")
def edit(agency_id: int, unit_id: int):
    _own(agency_id, unit_id)
    on_form_invalid(lambda errors: _page(agency_id, str(unit_id), errors, _values()))
    unit = unit_commands.update_unit(motcua().uow(), actor_id=current_user.id, unit_id=unit_id, **_posted())
    flash(_("Đã lưu bộ phận %(name)s.", name=unit.name), "success")
    return redirect(url_for(".index", agency_id=agency_id))


@bp.post("/agencies/<int:agency_id>/units/<int:unit_id>/remove")
def remove(agency_id: int, unit_id: int):
    _own(agency_id, unit_id)
    unit = unit_commands.delete_unit(motcua().uow(), actor_id=current_user.id, unit_id=unit_id)
    flash(_("Đã xóa bộ phận %(name)s; các vai trò của bộ phận này chưa thuộc bộ phận nào.", name=unit.name), "success")
    return redirect(url_for(".index", agency_id=agency_id))


def _own(agency_id: int, unit_id: int) -> None:
    """The unit is one of this agency's (the address names both)."""
    with motcua().read_session() as s:
        if unit_id not in {u.id for u in agency_units(s, current_user.id, agency_id).units}:
            abort(404)
