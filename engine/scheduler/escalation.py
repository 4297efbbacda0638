"""The escalation sweep: warn before a step's due time, escalate overdue steps, flag dossiers
that need an apology. Each query reads only rows whose time has come, through an index."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from engine import clock
from engine.commands._steps import SUPERVISOR
from engine.models import Dossier, Escalation, WorkItem
from engine.scheduler.notify import local_time, members, notify
from engine.statuses import TERMINAL

BATCH = 500


@dataclass
class SweepReport:
    warnings: int = 0
    overdue: int = 0
    will_be_late: int = 0
    keys: list[str] = field(default_factory=list)


def _record(session, *, key, level, dossier_id, work_item_id, agency_id, due_at):
    """Insert the escalation unless that key exists; return it, or None if it was there already."""
    insert = (postgresql.insert if _postgres(session) else sqlite.insert)(Escalation)
    stmt = (insert.values(dedupe_key=key, level=level, dossier_id=dossier_id, work_item_id=work_item_id,
                          agency_id=agency_id, due_at=due_at, created_at=clock.now())
            .on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(Escalation.id))
    new_id = session.execute(stmt).scalar_one_or_none()
    return session.get(Escalation, new_id) if new_id is not None else None


def _postgres(session) -> bool:
    return session.bind.dialect.name == "postgresql"


def _due(stmt, column, now, skip_locked: bool):
    stmt = stmt.where(column <= now).order_by(column).limit(BATCH)
    return stmt.with_for_update(skip_locked=True) if skip_locked else stmt


def sweep_steps(uow) -> SweepReport:
    """Warn the holder (or the unit) near the due time; escalate to supervisors once it passes."""
    report = SweepReport()
    with uow:
        session, now = uow.session, clock.now()
        rows = session.execute(_due(select(WorkItem), WorkItem.next_escalation_at, now, _postgres(session))).scalars().all()
        for item in rows:
            if item.state != "open" or item.due_at is None:
                item.next_escalation_at = None
                continue
            overdue = now >= item.due_at
            level = "overdue" if overdue else "warning"
            item.next_escalation_at = None if overdue else item.due_at
            escalation = _record(session, key=f"work-item-{item.id}-{level}", level=level, dossier_id=item.dossier_id,
                                 work_item_id=item.id, agency_id=item.agency_id, due_at=item.due_at)
            if escalation is None:
                continue
            code, when = item.dossier.code, local_time(item.due_at)
            if overdue:
                report.overdue += 1
                notify(session, escalation, members(session, item.agency_id, SUPERVISOR),
                       f"Quá hạn: bước «{item.step_name}» của hồ sơ {code} (hạn {when})",
                       f"Overdue: step '{item.step_name}' of dossier {code} (due {when})")
            else:
                report.warnings += 1
                holders = [item.assignee] if item.assignee_id else members(session, item.agency_id, item.role)
                notify(session, escalation, holders,
                       f"Sắp đến hạn: bước «{item.step_name}» của hồ sơ {code} (hạn {when})",
                       f"Due soon: step '{item.step_name}' of dossier {code} (due {when})")
            report.keys.append(escalation.dedupe_key)
        uow.commit()
    return report


def sweep_late_dossiers(uow) -> SweepReport:
    """One working day before a dossier's due date, if it is still open and has no apology yet,
    ask the receiving agency's supervisors to issue the apology and new date (form 04)."""
    report = SweepReport()
    with uow:
        session, now = uow.session, clock.now()
        rows = session.execute(_due(select(Dossier), Dossier.apology_check_at, now, _postgres(session))).scalars().all()
        for dossier in rows:
            dossier.apology_check_at = None
            if dossier.status in {int(s) for s in TERMINAL} or dossier.apology_issued_at or dossier.failure:
                continue
            escalation = _record(session, key=f"dossier-{dossier.id}-will_be_late", level="will_be_late",
                                 dossier_id=dossier.id, work_item_id=None, agency_id=dossier.agency_id,
                                 due_at=dossier.due_at)
            if escalation is None:
                continue
            report.will_be_late += 1
            when = local_time(dossier.due_at)
            notify(session, escalation, members(session, dossier.agency_id, SUPERVISOR),
                   f"Hồ sơ {dossier.code} có nguy cơ trễ hạn (hạn {when}): cần phiếu xin lỗi và hẹn lại ngày trả",
                   f"Dossier {dossier.code} will be late (due {when}): issue the apology and a new return date")
            report.keys.append(escalation.dedupe_key)
        uow.commit()
    return report
