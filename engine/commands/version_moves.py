"""Moving open dossiers of one procedure version to another (an administrator's action).

A dossier can move when its workflow loads against the target version: every step it has open
(and every step still in its hot state) exists there under the same id. It then continues on the
target's diagram: what it has done stays, its open steps keep their work items and holders, and
what comes next follows the target. A dry run lists what would move and what cannot, and why.
Each dossier moves in its own transaction, recorded in its audit (``version_moved``); the move as
a whole is recorded in the procedure's history.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import audit
from engine.commands.calendar_admin import require_admin
from engine.commands.procedures import record
from engine.errors import FormInvalid, NotFound
from engine.models import Dossier, Procedure, ProcedureVersion, WorkItem
from engine.procedures.registry import SPEC_CACHE
from engine.runtime.host import save_workflow
from engine.runtime import compaction
from engine.runtime.serializer import SERIALIZER, VERSION

# SpiffWorkflow's task states for what it only predicts (MAYBE, LIKELY, FUTURE): drawn from the
# old diagram, they are dropped on a move and predicted again from the target's.
PREDICTED = {1, 2, 4}


def _without_predictions(wdct: dict) -> None:
    tasks = wdct.get("tasks", {})
    dropped = {tid for tid, t in tasks.items() if t.get("state") in PREDICTED}
    for tid in dropped:
        del tasks[tid]
    for t in tasks.values():
        t["children"] = [c for c in t.get("children", []) if c not in dropped]


def _load_on(state: str, spec, subprocess_specs):
    dct = json.loads(state)
    compaction.expand_loops(dct)
    _without_predictions(dct)
    for sub in dct.get("subprocesses", {}).values():
        _without_predictions(sub)
    dct["spec"], dct["subprocess_specs"] = spec, subprocess_specs
    workflow = SERIALIZER.from_dict(dct)
    # Predict again from the target's diagram, from every step that is under way.
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
    return workflow


@dataclass(frozen=True)
class MoveBlock:
    """Why a dossier cannot move, for a page to say in its own language. ``kind``:
    ``open_steps_missing`` (``steps``: the names of its open steps the target lacks),
    ``old_library`` (its state was saved by an older workflow library), ``passed_missing``
    (``steps``: an element it went through, which the target lacks)."""
    kind: str
    steps: tuple[str, ...] = ()

    def vietnamese(self, ids: list[str], target: int) -> str:
        """The words the command line and the procedure's history keep (by element id)."""
        if self.kind == "open_steps_missing":
            return f"bước đang mở {', '.join(ids)} không có trong phiên bản {target}"
        if self.kind == "old_library":
            return "trạng thái lưu bằng phiên bản thư viện cũ; hãy để hồ sơ chạy tiếp một bước trước"
        return f"phần tử {', '.join(ids)} mà hồ sơ đã đi qua không có trong phiên bản {target}"


@dataclass
class MovePlan:
    source: int
    target: int
    movable: list[str] = field(default_factory=list)  # dossier codes
    blocked: dict[str, str] = field(default_factory=dict)  # code → why, in words
    moved: list[str] = field(default_factory=list)
    reasons: dict[str, MoveBlock] = field(default_factory=dict)  # code → why, for a page to say


def _versions(session, key: str, source: int, target: int):
    procedure = session.execute(select(Procedure).where(Procedure.key == key)).scalar_one_or_none()
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục.", "Procedure not found.")
    by_number = {v.number: v for v in procedure.versions}
    if source not in by_number or target not in by_number:
        raise FormInvalid({"number": ["Không có phiên bản này."]})
    if source == target:
        raise FormInvalid({"number": ["Phiên bản đích phải khác phiên bản nguồn."]})
    return procedure, by_number[source], by_number[target]


def _blocker(session, dossier, source, target) -> tuple[MoveBlock | None, str, object]:
    """Why the dossier cannot move to ``target`` (None if it can), that in the command line's
    words, and its workflow on the target."""
    target_steps = set(target.manifest.get("steps", {}))
    open_items = list(session.execute(select(WorkItem).where(
        WorkItem.dossier_id == dossier.id, WorkItem.state == "open")).scalars())
    missing = [w for w in open_items if w.step_id not in target_steps]
    if missing:
        block = MoveBlock("open_steps_missing", tuple(w.step_name or w.step_id for w in missing))
        return block, block.vietnamese([w.step_id for w in missing], target.number), None
    if not dossier.workflow_state:
        return None, "", None  # registered online, not received yet: nothing has run
    if dossier.serializer_version != VERSION:
        block = MoveBlock("old_library")
        return block, block.vietnamese([], target.number), None
    spec, subprocess_specs = SPEC_CACHE.get(target)
    try:
        workflow = _load_on(dossier.workflow_state, spec, subprocess_specs)
    except (KeyError, TypeError, ValueError) as exc:
        name = str(exc.args[0]) if exc.args else ""
        step = source.manifest.get("steps", {}).get(name, {})
        block = MoveBlock("passed_missing", (step.get("name") or name,))
        return block, block.vietnamese([name], target.number), None
    return None, "", workflow


def move_dossiers(uow_factory, *, actor_id: int, procedure_key: str, source: int, target: int,
                  dry_run: bool = True) -> MovePlan:
    """Plan (``dry_run``) or move every open dossier of version ``source`` to ``target``."""
    with uow_factory() as uow:
        require_admin(uow.session, actor_id)
        procedure, _from, to = _versions(uow.session, procedure_key, source, target)
        ids = list(uow.session.execute(select(Dossier.id).where(
            Dossier.procedure_version_id == _from.id, Dossier.finished_at.is_(None)).order_by(Dossier.id)).scalars())
        procedure_id, source_id, target_id = procedure.id, _from.id, to.id
    plan = MovePlan(source, target)
    for dossier_id in ids:
        with uow_factory() as uow:
            session = uow.session
            dossier = session.get(Dossier, dossier_id) if dry_run else uow.lock_dossier(dossier_id)
            if dossier.finished_at is not None or dossier.procedure_version_id != source_id:
                continue  # finished or moved meanwhile
            block, why, workflow = _blocker(session, dossier, session.get(ProcedureVersion, source_id),
                                            session.get(ProcedureVersion, target_id))
            if block:
                plan.blocked[dossier.code], plan.reasons[dossier.code] = why, block
                continue
            plan.movable.append(dossier.code)
            if dry_run:
                continue
            dossier.procedure_version_id = target_id
            if workflow is not None:
                save_workflow(dossier, workflow)
            dossier.revision += 1
            audit.record(session, dossier, "version_moved", actor_id=actor_id, status_before=dossier.status,
                         source=source, target=target)
            uow.commit()
            plan.moved.append(dossier.code)
    if not dry_run:
        with uow_factory() as uow:
            procedure = uow.session.get(Procedure, procedure_id)
            record(uow.session, procedure, "moved", actor_id=actor_id, version_number=target, source=source,
                   moved=plan.moved, blocked=plan.blocked)
            uow.commit()
    return plan
