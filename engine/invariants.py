"""The invariant checker: what must hold for every dossier, whatever crashed or was cut.

Every command is one transaction, so a crash, a killed process or a lost database connection can
only leave a dossier before or after a command, never in between. This module checks that it is
so, over every dossier (``motcua check``, the load test's last step):

- ``work_items``: the open work items are exactly the workflow's READY human steps (none for a
  dossier that has finished or failed);
- ``revision``: the dossier's revision is the last one its audit recorded, and no revision is
  missing from the audit (a transition saved without its history, or recorded without its state);
- ``steps``: every finished work item has exactly one ``completed`` or ``sent_back`` audit row
  for its step, and no such row is without its work item (no lost or doubled transition);
- ``partner``: every partner message the audit says was sent is in the outbox once, and every
  outbox row was written by a recorded transition; a dossier whose workflow ended while a message
  to a partner waited is at result ready (9) only while one still waits: once the partner's system
  has acknowledged them all, its result has been returned (10) in that same transaction;
- ``escalation``: no open step is past its next escalation moment by more than ``grace``
  (the scheduler has not lost it), and no step is escalated twice at one level.

It only reads, in batches of dossiers, each through the indexes the application uses.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from engine import clock
from engine.commands._steps import declared_completed_status
from engine.models import AuditEvent, Dossier, Escalation, PartnerOutbox, WorkItem
from engine.runtime.host import load_workflow, procedure_of, ready_human_tasks
from engine.statuses import DossierStatus

log = logging.getLogger("motcua.invariants")
# The audit actions that finish a step (the step id on the event): an officer completing or sending
# back, asking for a supplement (the asking step ends, the waiting one opens), recording it, and
# the fee paid online (engine/commands/: work, supplements, payments).
FINISHING_ACTIONS = ("completed", "sent_back", "supplement_requested", "supplement_recorded", "fee_paid_online")


@dataclass(frozen=True)
class Violation:
    dossier_id: int | None
    code: str
    invariant: str
    detail: str

    def __str__(self) -> str:
        return f"{self.code or '-'}: {self.invariant}: {self.detail}"


@dataclass
class CheckReport:
    dossiers: int = 0
    work_items: int = 0
    audit_events: int = 0
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        counts = Counter(v.invariant for v in self.violations)
        found = ", ".join(f"{name}: {n}" for name, n in sorted(counts.items())) or "none"
        return (f"checked {self.dossiers} dossiers, {self.work_items} work items, {self.audit_events} audit rows; "
                f"violations: {found}")


def check(motcua, *, batch: int = 500, grace: timedelta = timedelta(minutes=10), now=None) -> CheckReport:
    """Check every dossier; returns what was found (nothing is changed)."""
    report = CheckReport()
    now = now or clock.now()
    last_id = 0
    while True:
        with motcua.read_session() as session:
            dossiers = session.execute(
                select(Dossier).options(joinedload(Dossier.state_row)).where(Dossier.id > last_id)
                .order_by(Dossier.id).limit(batch)).scalars().all()
            if not dossiers:
                break
            last_id = dossiers[-1].id
            _check_batch(session, dossiers, report, grace, now)
        report.dossiers += len(dossiers)
    with motcua.read_session() as session:
        _check_escalations(session, report)
    return report


def _check_batch(session, dossiers, report, grace, now) -> None:
    ids = [d.id for d in dossiers]
    items = defaultdict(list)
    for item in session.execute(select(WorkItem).where(WorkItem.dossier_id.in_(ids))).scalars():
        items[item.dossier_id].append(item)
    audit = defaultdict(list)
    for row in session.execute(select(AuditEvent.dossier_id, AuditEvent.action, AuditEvent.step_id,
                                      AuditEvent.revision, AuditEvent.detail)
                               .where(AuditEvent.dossier_id.in_(ids))):
        audit[row.dossier_id].append(row)
    outbox = defaultdict(list)
    for key, dossier_id, delivered_at in session.execute(
            select(PartnerOutbox.idempotency_key, PartnerOutbox.dossier_id, PartnerOutbox.delivered_at)
            .where(PartnerOutbox.dossier_id.in_(ids))):
        outbox[dossier_id].append((key, delivered_at is not None))
    for dossier in dossiers:
        report.work_items += len(items[dossier.id])
        report.audit_events += len(audit[dossier.id])
        found = []
        workflow, problems = _workflow(dossier)
        found += problems or _work_items(workflow, items[dossier.id])
        found += _revision(dossier, audit[dossier.id])
        found += _steps(items[dossier.id], audit[dossier.id])
        found += _partner(audit[dossier.id], [key for key, _ in outbox[dossier.id]])
        found += _partner_return(dossier, workflow, outbox[dossier.id])
        found += _overdue_sweeps(items[dossier.id], grace, now)
        report.violations += [Violation(dossier.id, dossier.code, name, detail) for name, detail in found]


def _workflow(dossier):
    """The dossier's workflow (None without one), or the problem of a state that does not load."""
    if not dossier.workflow_state:  # refused at the counter, or registered online and not yet received
        return None, []
    try:
        return load_workflow(dossier), []
    except Exception as exc:  # a state that does not load is a violation too
        return None, [("work_items", f"workflow does not load: {type(exc).__name__}: {exc}")]


def _work_items(workflow, items) -> list[tuple[str, str]]:
    open_tasks = {item.task_id for item in items if item.state == "open"}
    if workflow is None:
        return [("work_items", f"dossier without a workflow has open items {sorted(open_tasks)}")] if open_tasks else []
    # A finished, withdrawn or stopped workflow has no READY step: the same comparison holds.
    ready = {str(task.id) for task in ready_human_tasks(workflow)}
    if ready == open_tasks:
        return []
    return [("work_items", f"READY steps without an open item {sorted(ready - open_tasks)}, "
                           f"open items without a READY step {sorted(open_tasks - ready)}")]


def _revision(dossier, audit) -> list[tuple[str, str]]:
    recorded = {row.revision for row in audit if row.revision is not None}
    if not recorded:
        return []  # history written before audit rows carried the revision
    wanted = set(range(max(min(recorded), 1), dossier.revision + 1))
    problems = []
    if max(recorded) != dossier.revision:
        problems.append(("revision", f"dossier at revision {dossier.revision}, audit at {max(recorded)}"))
    if wanted - recorded:
        problems.append(("revision", f"revisions missing from the audit: {sorted(wanted - recorded)[:10]}"))
    return problems


def _steps(items, audit) -> list[tuple[str, str]]:
    done = Counter(item.step_id for item in items if item.state == "done")
    recorded = Counter(row.step_id for row in audit if row.action in FINISHING_ACTIONS)
    if done == recorded:
        return []
    return [("steps", f"finished items per step {dict(done)}, recorded in the audit {dict(recorded)}")]


def _partner(audit, outbox_keys) -> list[tuple[str, str]]:
    sent = Counter(key for row in audit for key in (row.detail or {}).get("partner_outbox", []))
    written = Counter(outbox_keys)
    if sent == written:
        return []
    return [("partner", f"audit says sent {dict(sent)}, outbox holds {dict(written)}")]


def _partner_return(dossier, workflow, outbox) -> list[tuple[str, str]]:
    """A dossier held at result ready for its partner messages is returned by the acknowledgement
    of the last one (engine/commands/partners.py, same transaction): held with none waiting is a
    lost return."""
    if (dossier.status != DossierStatus.RESULT_READY or dossier.failure or workflow is None
            or not workflow.is_completed()
            or declared_completed_status(procedure_of(dossier).manifest) != DossierStatus.RESULT_RETURNED):
        return []
    if any(not delivered for _, delivered in outbox):
        return []  # still waiting for the partner's system: rightly at 9
    return [("partner", "workflow ended and every partner message acknowledged, but the result is not returned "
                        "(status 9, not 10)")]


def _overdue_sweeps(items, grace, now) -> list[tuple[str, str]]:
    late = [item.id for item in items if item.state == "open" and item.next_escalation_at is not None
            and item.next_escalation_at < now - grace]
    return [("escalation", f"open items not swept {grace} after their escalation moment: {late}")] if late else []


def _check_escalations(session, report) -> None:
    doubled = session.execute(
        select(Escalation.work_item_id, Escalation.level, func.count())
        .where(Escalation.work_item_id.is_not(None))
        .group_by(Escalation.work_item_id, Escalation.level).having(func.count() > 1)).all()
    for work_item_id, level, n in doubled:
        report.violations.append(Violation(None, f"work item {work_item_id}", "escalation",
                                           f"{n} escalations at level {level}"))
