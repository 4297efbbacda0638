"""Ids and names longer than the database columns that keep them: refused at validation rather
than failing when the first dossier reaches the element."""
from __future__ import annotations

from engine.procedures.rules.model import Model, bpmn, local

HUMAN = ("userTask", "manualTask")


def _limit(model_class, column: str) -> int:
    return model_class.__table__.c[column].type.length


def limits() -> dict[str, int]:
    from engine.models import Partner, Procedure, WorkItem
    return {"key": _limit(Procedure, "key"), "name": _limit(Procedure, "name"),
            "national_code": _limit(Procedure, "national_code"),
            "step_id": _limit(WorkItem, "step_id"), "step_name": _limit(WorkItem, "step_name"),
            "role": _limit(WorkItem, "role"), "partner": _limit(Partner, "code")}


def _too_long(model, eid, what_en, what_vi, value, limit):
    if value and len(value) > limit:
        return model.error(eid, f"The {what_en} is {len(value)} characters long; the database keeps at most {limit}: shorten it.",
                           f"{what_vi} dài {len(value)} ký tự; cơ sở dữ liệu chỉ lưu tối đa {limit}: hãy rút gọn.")
    return None


def check(model: Model):
    limit = limits()
    top = model.collaboration if model.collaboration is not None else (model.processes[0] if model.processes else None)
    found = []
    if top is not None:
        found.append(_too_long(model, (top.get("id") or "")[:40], "procedure's id", "Mã (id) thủ tục", top.get("id"), limit["key"]))
        found.append(_too_long(model, top.get("id"), "procedure's name", "Tên thủ tục", top.get("name"), limit["name"]))
    for process in model.processes:
        for element in process.iter():
            if not isinstance(element.tag, str):
                continue
            kind = local(element.tag)
            eid = element.get("id") or ""
            if kind in HUMAN:
                found.append(_too_long(model, eid[:40], "step's id", "Mã (id) bước", eid, limit["step_id"]))
                found.append(_too_long(model, eid, "step's name", "Tên bước", element.get("name"), limit["step_name"]))
            elif kind == "lane":
                found.append(_too_long(model, eid, "lane's name (the role code)", "Tên lane (mã vai trò)",
                                       (element.get("name") or "").strip(), limit["role"]))
    for participant in model.external_pools.values():
        for prop in participant.iter("{http://spiffworkflow.org/bpmn/schema/1.0/core}property"):
            if prop.get("name") == "partnerCode":
                found.append(_too_long(model, participant.get("id"), "partner code", "Mã đối tác",
                                       prop.get("value"), limit["partner"]))
    yield from (p for p in found if p is not None)
