"""Turning a workflow into stored state and back, without its spec.

The spec is most of a small instance's JSON (docs/SPIFFWORKFLOW.md §11), and it is the same for every
dossier of a procedure version: it is stored once per version and the parsed objects are cached
in memory. A dossier stores only its task tree and data. Loading hands the cached spec objects
to the workflow directly instead of deserializing them again each time.
"""
from __future__ import annotations

import json
from datetime import date
from threading import Lock
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer, DefaultRegistry
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG as SPIFF_CONFIG

from engine.runtime import compaction


class _SpecFromCacheConverter(BpmnWorkflowConverter):
    """Restores a workflow whose ``spec``/``subprocess_specs`` are already spec objects, and
    converts one without its specs for a dossier's stored state."""

    def to_dict(self, workflow, with_specs=True):
        if with_specs:
            return super().to_dict(workflow)
        # The same keys in the same order as the full conversion minus ``spec`` and
        # ``subprocess_specs``: converting them on every save only to drop them was a good part
        # of the cost of a save.
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs", {})
        if isinstance(spec, dict):  # full serialization (e.g. a migration): the usual path
            spec = self.registry.restore(spec)
            subprocess_specs = self.mapping_from_dict(subprocess_specs)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry() -> DefaultRegistry:
    registry = DefaultRegistry()
    # Exact-class match in the registry: date does not cover datetime (docs/SPIFFWORKFLOW.md §10).
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    return registry


def make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpecFromCacheConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config, _registry()))


SERIALIZER = make_serializer()
VERSION = SERIALIZER.VERSION
# The registry's conversion of a workflow (it adds the ``typename`` key), called directly so that
# it can be told to leave the specs out.
_WORKFLOW_TO_DICT = SERIALIZER.registry.convert_to_dict[SERIALIZER.registry.typenames[BpmnWorkflow]]
# The registry's encoder mode is one flag shared by every thread: whoever sets it holds this.
_ENCODER_MODE = Lock()


def specs_to_json(spec, subprocess_specs) -> str:
    """The spec part of a serialization, stored once per procedure version."""
    registry = SERIALIZER.registry
    with _ENCODER_MODE:  # a full conversion: never while another thread has encoder mode on
        return json.dumps({
            "spec": registry.convert(spec),
            "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
        })


def specs_from_json(text: str):
    registry = SERIALIZER.registry
    dct = json.loads(text)
    spec = registry.restore(dct["spec"])
    subprocess_specs = {name: registry.restore(s) for name, s in dct["subprocess_specs"].items()}
    prewire_message_started_pools(spec)
    return spec, subprocess_specs


def prewire_message_started_pools(spec) -> None:
    """Wire, once, the pools of a collaboration that start on a message.

    SpiffWorkflow 3.2.0 starts such a pool (``BpmnStartTask.trigger_wf``) by connecting it to the
    spec's start task the first time its message arrives. The spec objects are cached and shared
    by every dossier of the version, so from then on each new dossier would start that pool
    eagerly, and a dossier that never sends the message (a refusal) would never complete.
    Wiring the pool to the end join and naming the start task as its input beforehand, without
    making it an output of the start task, is exactly the state ``trigger_wf`` wants, so it never
    touches the shared spec at run time.
    """
    start = spec.start
    for name in getattr(start, "trigger_specs", []):
        pool = spec.task_specs[name]
        if start.name not in pool._inputs:
            pool._inputs.append(start.name)
            pool.connect(spec.end)


def dump_state(workflow: BpmnWorkflow) -> str:
    """The whole workflow, nothing cut out."""
    return _dump(workflow, compact=False)[0]


def dump_compacted(workflow: BpmnWorkflow) -> tuple[str, list[str]]:
    """The hot state, and the finished parts cut out of it (engine/runtime/compaction.py), each as
    JSON for ``workflow_archive``."""
    return _dump(workflow, compact=True)


def _dump(workflow: BpmnWorkflow, *, compact: bool) -> tuple[str, list[str]]:
    # Encoder mode as in serialize_json: task-data deltas are converted (dates, Decimals) only by
    # the registry's JSON encoder, not by to_dict; a plain json.dumps loses or rejects them.
    registry = SERIALIZER.registry
    with _ENCODER_MODE:
        registry._encoder_mode = True
        try:
            dct = _WORKFLOW_TO_DICT(workflow, with_specs=False)
            pieces = compaction.split_finished(dct, workflow) if compact else []
            encode = lambda value: json.dumps(value, cls=SERIALIZER._encoder_cls, separators=(",", ":"))  # noqa: E731
            return encode(dct), [encode(piece) for piece in pieces]
        finally:
            registry._encoder_mode = False


def load_state(state: str, state_version: str, spec, subprocess_specs, spec_json: str | None = None,
               pieces: list[str] | None = None) -> BpmnWorkflow:
    """A stored state as a workflow. With ``pieces`` (the dossier's ``workflow_archive`` rows, in
    order), the parts cut out of it are put back: the whole workflow, as it would be uncut."""
    dct = json.loads(state)
    if pieces is not None:
        compaction.restore(dct, [json.loads(piece) for piece in pieces])
    compaction.expand_loops(dct)
    if state_version != VERSION:
        # Stored by an older SpiffWorkflow: migrate with the full spec dicts, the way the library expects.
        full = json.loads(spec_json)
        dct.update(full)
        dct[SERIALIZER.VERSION_KEY] = state_version
        SERIALIZER.migrate(dct)
        return SERIALIZER.from_dict(dct)
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    return SERIALIZER.from_dict(dct)


def archived_task_data(pieces: list[str], task_id: str) -> dict | None:
    """The data a task cut out of the hot state saw (None when no piece holds it)."""
    for piece in pieces:
        if task_id in piece:  # a cheap look before parsing
            data = compaction.task_data_in_pieces([json.loads(piece)], task_id, SERIALIZER.registry)
            if data is not None:
                return data
    return None
