"""Loading, stepping and saving a dossier's workflow, with the guards SpiffWorkflow leaves to us."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from threading import Lock

from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import object_session

from engine import clock
from engine.errors import InvalidState, NotFound, ScriptError
from engine.models import WorkflowArchive
from engine.procedures.registry import SPEC_CACHE, database_of
from engine.runtime.sandbox import SCRIPT_ENGINE
from engine.runtime.script_limits import ScriptBudgetExceeded
from engine.runtime.serializer import VERSION, archived_task_data, dump_compacted, load_state

log = logging.getLogger("motcua.engine")


@dataclass
class StepOutcome:
    """What happened when the engine ran as far as it could."""
    errors: list[str] = field(default_factory=list)  # uncaught BPMN error end events
    events: list[BpmnEvent] = field(default_factory=list)  # other thrown events (messages…)


@dataclass(frozen=True)
class ProcedureRuntime:
    """What commands read of a procedure version. A deployed version never changes, so this is
    built once per version and shared: treat ``manifest`` and ``forms`` as read-only."""
    version_id: int
    specs: tuple
    manifest: dict
    forms: dict


class _VersionRef:
    """Lets SPEC_CACHE find a version by id without loading its row (spec_json, XML, forms…);
    the row is read only on a cache miss."""
    __slots__ = ("id", "database", "_dossier")

    def __init__(self, dossier):
        self.id = dossier.procedure_version_id or dossier.procedure_version.id
        self.database = database_of(dossier)
        self._dossier = dossier

    @property
    def spec_json(self) -> str:
        return self._dossier.procedure_version.spec_json


_RUNTIMES: dict[tuple[str, int], ProcedureRuntime] = {}
_RUNTIMES_LOCK = Lock()
_MAX_RUNTIMES = 256


def procedure_of(dossier) -> ProcedureRuntime:
    """The dossier's procedure version as commands need it, without a query once cached."""
    ref = _VersionRef(dossier)
    specs = SPEC_CACHE.get(ref)
    runtime = _RUNTIMES.get((ref.database, ref.id))
    # An entry is valid only with the very spec objects SPEC_CACHE holds now: clearing that cache
    # (a test database that restarts its ids) retires these entries with it.
    if runtime is None or runtime.specs is not specs:
        version = dossier.procedure_version
        runtime = ProcedureRuntime(version.id, specs, version.manifest, version.forms)
        with _RUNTIMES_LOCK:
            if len(_RUNTIMES) >= _MAX_RUNTIMES:
                _RUNTIMES.clear()
            _RUNTIMES[(ref.database, version.id)] = runtime
    return runtime


def procedure_name(dossier) -> str:
    """The procedure's name as the dossier's version declares it, from the cached procedure: the
    ``procedure_versions`` row (BPMN, spec JSON) and the procedure's row are read only when the
    version declares no name."""
    return procedure_of(dossier).manifest.get("name") or dossier.procedure_version.procedure.name


def new_workflow(version) -> BpmnWorkflow:
    spec, subprocess_specs = SPEC_CACHE.get(version)
    return BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)


def load_workflow(dossier) -> BpmnWorkflow:
    spec, subprocess_specs = procedure_of(dossier).specs
    # The full spec JSON is needed only to migrate a state stored by an older SpiffWorkflow.
    spec_json = None if dossier.serializer_version == VERSION else dossier.procedure_version.spec_json
    workflow = load_state(dossier.workflow_state, dossier.serializer_version, spec, subprocess_specs, spec_json)
    # The script engine is not serialized: without this the loaded workflow runs unrestricted Python.
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def save_workflow(dossier, workflow: BpmnWorkflow) -> None:
    """Store the hot state; finished loop laps and sub-processes go to ``workflow_archive`` (in the
    same transaction), so what the next command loads stays the same size however long the
    dossier lives (engine/runtime/compaction.py)."""
    state, pieces = dump_compacted(workflow)
    dossier.workflow_state = state
    dossier.serializer_version = VERSION
    if pieces:
        session = object_session(dossier)
        now = clock.now()
        session.add_all([WorkflowArchive(dossier_id=dossier.id, archived_at=now, revision=dossier.revision,
                                         serializer_version=VERSION, content=piece) for piece in pieces])


def _archived_pieces(session, dossier_id: int, task_id: str | None = None) -> list[str]:
    stmt = select(WorkflowArchive.content).where(WorkflowArchive.dossier_id == dossier_id)
    if task_id is not None:
        stmt = stmt.where(WorkflowArchive.content.contains(task_id))
    return list(session.execute(stmt.order_by(WorkflowArchive.id)).scalars())


def load_whole_workflow(session, dossier) -> BpmnWorkflow:
    """The dossier's workflow with everything ever cut out of it put back: every lap of every loop,
    every finished sub-process (for a full diagram or an administrator). Commands never need it."""
    spec, subprocess_specs = procedure_of(dossier).specs
    spec_json = None if dossier.serializer_version == VERSION else dossier.procedure_version.spec_json
    workflow = load_state(dossier.workflow_state, dossier.serializer_version, spec, subprocess_specs, spec_json,
                          pieces=_archived_pieces(session, dossier.id))
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def step_data(session, dossier, task_id: str) -> dict:
    """The data a step sees (or saw, once done), also for a step of a lap that left the hot state;
    empty when the task is nowhere (a branch the engine deleted)."""
    data = task_data(load_workflow(dossier), task_id)
    if data:
        return data
    return archived_task_data(_archived_pieces(session, dossier.id, task_id), task_id) or {}


def run_engine(workflow: BpmnWorkflow) -> StepOutcome:
    """``do_engine_steps`` with script failures turned into our error, and thrown events collected.

    ``get_events()`` returns *and clears* the thrown events: the caller must persist what it needs
    in the same transaction (docs/SPIFFWORKFLOW.md §7, §9).
    """
    try:
        workflow.do_engine_steps()
    except SpiffWorkflowException as exc:
        raise _script_error(exc) from exc
    outcome = StepOutcome()
    for event in workflow.get_events():
        if isinstance(event.event_definition, ErrorEventDefinition):
            code = event.event_definition.code or event.event_definition.name or "error"
            outcome.errors.append(str(code))
        else:
            outcome.events.append(event)
    return outcome


def _script_error(exc: SpiffWorkflowException) -> ScriptError:
    """The failure as an officer reads it: which procedure, which element (by the name the
    modeller gave it), that the dossier is unchanged and whom to tell; a script over its budget is
    said so plainly. What went wrong underneath (the element's id, Python's own words) is for the
    modeller: in ``details["technical"]`` (the trial run shows it) and in the server log."""
    task = getattr(exc, "task", None)
    element, procedure, element_id = "", "", ""
    if task is not None:
        element_id = task.task_spec.bpmn_id or task.task_spec.name
        if task.task_spec.bpmn_name:
            element = f" «{task.task_spec.bpmn_name}»"
        workflow = getattr(task.workflow, "top_workflow", None) or task.workflow
        procedure = f" «{workflow.spec.description or workflow.spec.name}»"
    over = _budget_exceeded(exc)
    detail = str(over) if over is not None else (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    technical = f"[{element_id}] {detail}" if element_id else detail
    log.error("script failed in %s: %s", procedure.strip() or "a procedure", technical)
    if over is not None:
        return ScriptError(
            f"Quy trình{procedure}: kịch bản ở phần tử{element} vượt giới hạn cho phép ({over.message_vi}). "
            "Hồ sơ không thay đổi; hãy báo quản trị hệ thống.",
            f"Procedure{procedure}: the script at element{element} went over its budget ({over}). "
            "The dossier is unchanged; tell the system administrator.", technical=technical)
    return ScriptError(
        f"Quy trình{procedure} không chạy tiếp được: kịch bản hoặc điều kiện ở phần tử{element} bị lỗi. "
        "Hồ sơ không thay đổi; hãy báo quản trị hệ thống.",
        f"Procedure{procedure} cannot go on: the script or condition at element{element} failed. "
        "The dossier is unchanged; tell the system administrator.", technical=technical)


def _budget_exceeded(exc: BaseException) -> ScriptBudgetExceeded | None:
    """The budget's own message, if a script's time or size limit is what failed underneath."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ScriptBudgetExceeded):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def ready_task(workflow: BpmnWorkflow, task_id: str):
    """The human task to complete: only a READY manual task qualifies (docs/SPIFFWORKFLOW.md §1)."""
    from uuid import UUID
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except Exception:
        task = None
    if task is None:
        raise NotFound("Không tìm thấy bước xử lý trong quy trình.", "The step is not in the workflow.")
    if task.state != TaskState.READY or not task.task_spec.manual:
        raise InvalidState("Bước này không còn chờ xử lý.", "This step is not waiting to be completed.",
                           state=TaskState.get_name(task.state))
    return task


def task_data(workflow: BpmnWorkflow, task_id: str) -> dict:
    """The data a step sees (or saw, once done); empty when the task is no longer in the tree."""
    from uuid import UUID
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except Exception:
        return {}
    return dict(task.data) if task is not None else {}


def ready_human_tasks(workflow: BpmnWorkflow):
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def complete_task(workflow: BpmnWorkflow, task, data: dict, cleared=()) -> None:
    """Finish a READY human task with ``data``. A name in ``cleared`` that holds a value is set to
    None: removing it would not do, since a loop merges each lap's data into what it holds, so the
    earlier lap's value would come back (and pages leave None out, as they leave out what is absent)."""
    for name in cleared:
        if task.data.get(name) is not None:
            task.data[name] = None
    task.task_spec.add_data_from_form(task, data) if hasattr(task.task_spec, "add_data_from_form") else task.data.update(data)
    try:
        task.run()
    except SpiffWorkflowException as exc:
        raise _script_error(exc) from exc
