"""Open work items are derived from the workflow's READY human tasks after every step.

The engine deletes tasks on cancelled branches, so mirroring its events would leave ghosts
(docs/SPIFFWORKFLOW.md §14): we compare what is READY now with what the inbox holds and reconcile.
"""
from __future__ import annotations

from sqlalchemy import insert, select

from engine import clock
from engine.deadlines import set_step_due
from engine.errors import InvalidState
from engine.models import Agency, WorkItem, note_step_agency
from engine.runtime.host import procedure_of, ready_human_tasks


def resolve_agency(session, dossier, manifest: dict, process_id: str) -> int:
    """The agency whose officers do a step: the pool's agency kind, in the dossier's area."""
    kind = manifest["processes"].get(process_id, {}).get("agency_kind", "")
    if not kind:
        return dossier.agency_id  # the usual case: no need to load the agency row
    receiving = dossier.agency
    if kind == receiving.kind:
        return receiving.id
    agency_id = session.execute(
        select(Agency.id).where(Agency.kind == kind, Agency.area_code == receiving.area_code)
        .order_by(Agency.id)).scalars().first()
    if agency_id is None:
        raise InvalidState(
            f"Không có cơ quan loại {kind!r} tại địa bàn {receiving.area_code!r} để nhận hồ sơ.",
            f"No agency of kind {kind!r} in area {receiving.area_code!r} to hand the dossier to.")
    return agency_id


def sync_work_items(session, dossier, workflow, open_items=None, ready_tasks=None) -> tuple[list[WorkItem], list[WorkItem]]:
    """Open items for new READY human tasks; cancel open items whose task is no longer READY.

    ``open_items``: the dossier's work items as the caller already read them under the dossier
    lock (saves reading them again); those no longer open are left out here. ``ready_tasks``:
    ``ready_human_tasks(workflow)`` when the caller has it already (it walks the task tree).
    """
    manifest = procedure_of(dossier).manifest
    now = clock.now()
    if ready_tasks is None:
        ready_tasks = ready_human_tasks(workflow)
    ready = {str(task.id): task for task in ready_tasks}
    if open_items is None:
        current = session.execute(
            select(WorkItem).where(WorkItem.dossier_id == dossier.id, WorkItem.state == "open")
            .order_by(WorkItem.id)).scalars().all()
    else:
        current = sorted((item for item in open_items if item.state == "open"), key=lambda item: item.id)
    closed = []
    for item in current:
        if item.task_id not in ready:
            item.state, item.finished_at = "cancelled", now
            closed.append(item)
    known = {item.task_id for item in current}
    opened = []
    for task_id, task in ready.items():
        if task_id in known:
            continue
        step = manifest["steps"][task.task_spec.bpmn_id]
        item = WorkItem(task_id=task_id, dossier_id=dossier.id, role=step["role"],
                        agency_id=resolve_agency(session, dossier, manifest, step["process_id"]),
                        step_id=task.task_spec.bpmn_id, step_name=step["name"], state="open",
                        assignee_id=None, created_at=now, due_at=None, allotment="", next_escalation_at=None,
                        warn_at=None, claimed_at=None, finished_at=None, finished_by_id=None)
        set_step_due(session, item, step, now)
        _insert(session, dossier, item)
        opened.append(item)
    return opened, closed


# A new item is written at once by a plain INSERT, not added to the session: the command never
# reads or changes it again through this object (a later query loads it from its row), and the
# ORM's unit of work cost more than the statement. Built once.
_INSERT = insert(WorkItem.__table__)
_COLUMNS = tuple(column.key for column in WorkItem.__table__.columns if column.key != "id")


def _insert(session, dossier, item: WorkItem) -> None:
    connection = session.connection()
    item.id = connection.execute(_INSERT, {name: getattr(item, name) for name in _COLUMNS}).inserted_primary_key[0]
    # What the ORM's insert events do: the step agency (the class a step ended with is kept only
    # once it has ended, never for a new step).
    note_step_agency(connection, item, dossier)


def open_step_statuses(dossier, workflow, ready_tasks=None) -> list[int]:
    manifest = procedure_of(dossier).manifest
    statuses = []
    for task in ready_human_tasks(workflow) if ready_tasks is None else ready_tasks:
        props = manifest["steps"][task.task_spec.bpmn_id]["properties"]
        if "dossierStatus" in props:  # a step that declares none leaves the status as it is
            statuses.append(int(props["dossierStatus"]))
    return statuses
