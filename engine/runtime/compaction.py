"""Finished loop laps and finished sub-processes leave a dossier's hot state.

SpiffWorkflow keeps everything that ever ran: a loop activity (the send-back loop of
docs/DESIGN.md §3) keeps every finished lap as a child of the loop task, and each lap of a loop
around a sub-process keeps its whole sub-workflow. A dossier sent back 200 times carried 660 KB
of state, all of it parsed and rewritten by every command. This module works on the stored form
(the dict ``dump_state`` makes) and cuts out:

- a **finished lap** of a standard loop: a COMPLETED or CANCELLED child of a ``StandardLoopTask``,
  with its subtree and the sub-workflows under it;
- a **finished sub-process**: the sub-workflow of a COMPLETED or CANCELLED sub-process task (the
  task itself stays in the tree, so the path through the diagram stays whole).

Each cut is a *piece*, a JSON object stored in ``workflow_archive``::

    {"owner": null | "<sub-workflow id>",   # the workflow the loop task belongs to
     "loop": "<loop task id>" | null, "iteration": 3,
     "tasks": {id: task dict, ...},         # in tree order, parents first
     "subprocesses": {id: sub-workflow dict, ...}}

What the library still needs of a cut lap stays: the loop task's ``merged`` list must keep its
length (a loop with ``loopMaximum`` counts it), so the ids of cut laps are replaced by a count in
the state (``compacted_loops``) and by placeholders once loaded. The last finished task of the
workflow (``last_task``) is never cut. The first task of a cut subtree keeps its full data rather
than a delta against its parent (the loop task's data moves on after the lap).

``restore`` puts pieces back into a state dict: the result loads as the workflow would be had
nothing been cut (the same tasks, states and data), for the full diagram or an administrator's
look at old laps. ``task_data_in_pieces`` reads one cut task's data without that.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

# Cut only what can never run again. ERROR is left alone: an administrator may retry it.
_DONE = TaskState.COMPLETED | TaskState.CANCELLED
# In the stored state: {loop task id: [owner, number of cut laps]}.
COMPACTED_LOOPS = "compacted_loops"
# What a cut lap's id becomes in a loaded ``merged`` list: only its length is ever read.
CUT_LAP = "archived"


def split_finished(dct: dict, workflow) -> list[dict]:
    """Cut the finished parts out of ``dct`` (``workflow``'s stored form, changed in place) and
    return them as pieces. ``workflow`` gives the task specs and the full data of cut laps."""
    pieces: list[dict] = []
    subprocesses = dct["subprocesses"]
    owners = [(None, dct, workflow)] + [
        (sp_id, sp, workflow.subprocesses.get(_uuid(sp_id))) for sp_id, sp in list(subprocesses.items())]
    loops = dct.get(COMPACTED_LOOPS, {})
    for owner, wdct, wobj in owners:
        if wobj is None or (owner is not None and owner not in subprocesses):
            continue  # cut a moment ago, with the part it belonged to
        tasks = wdct["tasks"]
        for task_id, task in list(tasks.items()):
            if task_id not in tasks:
                continue
            spec = wobj.spec.task_specs.get(task["task_spec"])
            if isinstance(spec, StandardLoopTask):
                pieces += _cut_laps(dct, owner, wdct, wobj, task_id, spec)
                task = tasks[task_id]  # a new dict when laps were cut
                merged = task["internal_data"].get("merged")
                if merged is not None:
                    kept = [lap for lap in merged if lap in tasks]
                    if len(kept) != len(merged):
                        tasks[task_id] = dict(task, internal_data=dict(task["internal_data"], merged=kept))
                        loops[task_id] = [owner, len(merged) - len(kept)]
            elif (isinstance(spec, SubWorkflowTask) and task["state"] & _DONE and task_id in subprocesses
                    and not _is_lap(tasks, task, wobj)):
                pieces.append({"owner": owner, "loop": None, "iteration": None, "tasks": {},
                               "subprocesses": _take_subprocesses(subprocesses, [task_id])})
    # A loop inside a sub-workflow that was just cut travels with the piece that holds it.
    for loop_id, (owner, count) in list(loops.items()):
        if owner is not None and owner not in subprocesses:
            holder = next(p for p in pieces if owner in p["subprocesses"])
            holder.setdefault(COMPACTED_LOOPS, {})[loop_id] = loops.pop(loop_id)
    if loops:
        dct[COMPACTED_LOOPS] = loops
    return pieces


def _is_lap(tasks, task, wobj) -> bool:
    parent = tasks.get(task["parent"])
    return parent is not None and isinstance(wobj.spec.task_specs.get(parent["task_spec"]), StandardLoopTask)


def _cut_laps(dct, owner, wdct, wobj, loop_id, spec) -> list[dict]:
    tasks = wdct["tasks"]
    loop = tasks[loop_id]
    laps = [child for child in loop["children"]
            if child in tasks and tasks[child]["task_spec"] == spec.task_spec
            and tasks[child]["state"] & _DONE and child != wdct["last_task"]]
    pieces = []
    for lap in laps:
        subtree = _subtree(tasks, lap)
        cut = {task_id: tasks.pop(task_id) for task_id in subtree}
        # Its full data: a delta against the loop task would be read against the loop's later data.
        lap_task = wobj.tasks[_uuid(lap)]
        cut[lap] = dict(cut[lap], data=lap_task.data, delta={})
        pieces.append({"owner": owner, "loop": loop_id, "iteration": lap_task.internal_data.get("iteration"),
                       "tasks": cut, "subprocesses": _take_subprocesses(dct["subprocesses"], subtree)})
    if laps:
        cut_ids = set(laps)
        tasks[loop_id] = dict(loop, children=[c for c in loop["children"] if c not in cut_ids])
    return pieces


def _subtree(tasks: dict, root: str) -> list[str]:
    """The ids of ``root`` and its descendants, parents before children."""
    order, stack = [], [root]
    while stack:
        task_id = stack.pop()
        order.append(task_id)
        stack.extend(reversed([c for c in tasks[task_id]["children"] if c in tasks]))
    return order


def _take_subprocesses(subprocesses: dict, task_ids) -> dict:
    """Remove and return the sub-workflows started by these tasks, and those nested in them."""
    taken, queue = {}, [t for t in task_ids if t in subprocesses]
    while queue:
        sp_id = queue.pop(0)
        sp = subprocesses.pop(sp_id, None)
        if sp is None:
            continue
        taken[sp_id] = sp
        queue.extend(t for t in sp["tasks"] if t in subprocesses)
    return taken


def expand_loops(dct: dict) -> None:
    """Before loading a stored state: give each loop back a ``merged`` list of the right length."""
    loops = dct.pop(COMPACTED_LOOPS, None)
    if not loops:
        return
    for loop_id, (owner, count) in loops.items():
        tasks = dct["tasks"] if owner is None else dct["subprocesses"][owner]["tasks"]
        internal = tasks[loop_id]["internal_data"]
        internal["merged"] = [CUT_LAP] * count + internal.get("merged", [])


def restore(dct: dict, pieces: list[dict]) -> dict:
    """Put the pieces back into a stored state dict (changed in place, and returned): it then
    loads as the whole workflow, every lap and sub-process included."""
    loops = dct.pop(COMPACTED_LOOPS, {})
    subprocesses = dct["subprocesses"]
    for piece in pieces:
        subprocesses.update(piece["subprocesses"])
        loops.update(piece.get(COMPACTED_LOOPS, {}))
    laps: dict[tuple, list[str]] = {}
    for piece in pieces:
        if not piece["tasks"]:
            continue
        owner = piece["owner"]
        wdct = dct if owner is None else subprocesses[owner]
        wdct["tasks"].update(piece["tasks"])
        lap_id = next(iter(piece["tasks"]))  # a lap's own task comes first in its piece
        laps.setdefault((owner, piece["loop"]), []).append(lap_id)
    for (owner, loop_id), cut in laps.items():
        wdct = dct if owner is None else subprocesses[owner]
        loop = wdct["tasks"][loop_id]
        tasks = wdct["tasks"]
        cut_ids = cut
        lap_spec = tasks[cut_ids[0]]["task_spec"]
        others = [c for c in loop["children"] if c not in cut_ids and tasks[c]["task_spec"] != lap_spec]
        all_laps = [c for c in loop["children"] if tasks[c]["task_spec"] == lap_spec] + cut_ids
        by_iteration = sorted(set(all_laps), key=lambda c: tasks[c]["internal_data"].get("iteration", 0))
        loop["children"] = others + by_iteration
        internal = loop["internal_data"]
        merged = {m for m in internal.get("merged", []) if m != CUT_LAP} | set(cut_ids)
        internal["merged"] = [c for c in by_iteration if c in merged]
        loops.pop(loop_id, None)
    if loops:  # laps whose pieces were not given: keep the count so the state still loads
        dct[COMPACTED_LOOPS] = loops
    for wdct in [dct, *subprocesses.values()]:
        _parents_first(wdct)
    return dct


def _parents_first(wdct: dict) -> None:
    """The library restores tasks in dict order and reads a delta against the parent's data: a
    parent must come before its children."""
    tasks = wdct["tasks"]
    order = _subtree(tasks, wdct["root"])
    if len(order) == len(tasks) and order == list(tasks):
        return
    rest = [t for t in tasks if t not in set(order)]
    wdct["tasks"] = {t: tasks[t] for t in order + rest}


def task_data_in_pieces(pieces: list[dict], task_id: str, registry) -> dict | None:
    """The data one cut task saw, from the pieces alone; None when it is in none of them."""
    for piece in pieces:
        for tasks in [piece["tasks"], *(sp["tasks"] for sp in piece["subprocesses"].values())]:
            if task_id in tasks:
                return _data_along(tasks, task_id, registry)
    return None


def _data_along(tasks: dict, task_id: str, registry) -> dict:
    """As the library's task converter does: a task stores its full data (the root of a workflow,
    the first task of a cut lap) or a delta against its parent's."""
    chain = [tasks[task_id]]
    while chain[-1].get("delta") and chain[-1]["parent"] in tasks:
        chain.append(tasks[chain[-1]["parent"]])
    data = {} if chain[-1].get("delta") else registry.restore(chain.pop()["data"])
    for task in reversed(chain):
        data = DeepMerge.merge({}, data)
        data.update(registry.restore(task["delta"].get("updates", {})))
        for key in task["delta"].get("deletions", []):
            data.pop(key, None)
    return data


def _uuid(text: str):
    from uuid import UUID
    return UUID(text)
