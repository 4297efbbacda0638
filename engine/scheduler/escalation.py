"""The escalation sweep: warn before a step's due time, escalate overdue steps, flag dossiers
that need an apology. Each query reads only rows whose time has come, through an index.

A batch costs a fixed handful of statements, whatever its size: the due rows (locked), one
multi-row insert of the escalations (the unique key drops those recorded before), one query for
the dossiers' codes, one per kind of recipient, one bulk insert each of notifications and mails,
and the update of the swept rows. Per-row queries would make a tick of 500 rows send thousands."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from engine import clock
from engine.db import insert_for
from engine.commands._steps import SUPERVISOR
from engine.models import Dossier, Escalation, Membership, User, WorkItem
from engine.procedures.catalogue import english_names_for
from engine.scheduler.notify import Notice, notice_time, notify_all
from engine.statuses import TERMINAL

BATCH = 500


@dataclass
class SweepReport:
    warnings: int = 0
    overdue: int = 0
    will_be_late: int = 0
    keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Audience:
    """Who hears of an escalation: one user (the step's holder), or an agency's members in a role."""
    agency_id: int | None = None
    role: str | None = None
    user_id: int | None = None


@dataclass
class Wanted:
    """An escalation the sweep wants recorded, and what to say about it."""
    key: str
    level: str
    dossier_id: int
    work_item_id: int | None
    agency_id: int
    due_at: datetime
    audience: Audience
    step_name: str = ""
    step_name_en: str = ""
    escalation_id: int | None = None


def _postgres(session) -> bool:
    return session.bind.dialect.name == "postgresql"


def _due(stmt, column, now, skip_locked: bool):
    stmt = stmt.where(column <= now).order_by(column).limit(BATCH)
    return stmt.with_for_update(skip_locked=True) if skip_locked else stmt


def due_steps(now, skip_locked: bool):
    """The work items whose next escalation time has come, oldest first, one batch."""
    return _due(select(WorkItem), WorkItem.next_escalation_at, now, skip_locked)


def _record_all(session, wanted: list[Wanted]) -> list[Wanted]:
    """Insert the escalations in one statement; return those that were new (an existing key means
    an earlier tick, or another scheduler, recorded it: nothing more to do for that one)."""
    if not wanted:
        return []
    insert = insert_for(session, Escalation)
    now = clock.now()
    stmt = (insert.values([dict(dedupe_key=w.key, level=w.level, dossier_id=w.dossier_id,
                                work_item_id=w.work_item_id, agency_id=w.agency_id, due_at=w.due_at,
                                created_at=now) for w in wanted])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Escalation.id, Escalation.dedupe_key))
    new_ids = {key: id_ for id_, key in session.execute(stmt)}
    recorded = [w for w in wanted if w.key in new_ids]
    for w in recorded:
        w.escalation_id = new_ids[w.key]
    return recorded


def _dossier_codes(session, recorded: list[Wanted]) -> dict[int, str]:
    ids = {w.dossier_id for w in recorded}
    rows = session.execute(select(Dossier.id, Dossier.code).where(Dossier.id.in_(ids))) if ids else []
    return {id_: code for id_, code in rows}


def _recipients(session, audiences: set[Audience]) -> dict[Audience, list]:
    """Every audience of the batch in at most two queries: holders by id, members by agency and role
    (active users only, as a unit's queue; a holder hears of their own step regardless)."""
    found: dict[Audience, list] = {a: [] for a in audiences}
    holders = {a.user_id for a in audiences if a.user_id is not None}
    if holders:
        for user in session.execute(select(User.id, User.email).where(User.id.in_(holders))):
            found[Audience(user_id=user.id)].append(user)
    groups = {(a.agency_id, a.role) for a in audiences if a.user_id is None}
    if groups:
        rows = session.execute(
            select(Membership.agency_id, Membership.role, User.id, User.email)
            .join(User, Membership.user_id == User.id)
            .where(Membership.agency_id.in_({g[0] for g in groups}), Membership.role.in_({g[1] for g in groups}),
                   User.is_active.is_(True))
            .order_by(User.id))
        for row in rows:
            if (row.agency_id, row.role) in groups:
                found[Audience(agency_id=row.agency_id, role=row.role)].append(row)
    return found


def _notify(session, recorded: list[Wanted], say) -> None:
    """One notification (and mail, if they have an address) per recipient of each new escalation.
    ``say(wanted, code, when, when_en)`` gives the Vietnamese and English text."""
    codes = _dossier_codes(session, recorded)
    recipients = _recipients(session, {w.audience for w in recorded})
    notify_all(session, [Notice(w.escalation_id, w.dossier_id, recipients[w.audience],
                                *say(w, codes[w.dossier_id], notice_time(w.due_at), notice_time(w.due_at, locale="en")))
                           for w in recorded])


def _step_text(w: Wanted, code: str, when: str, when_en: str) -> tuple[str, str]:
    if w.level == "overdue":
        return (f"Quá hạn: bước «{w.step_name}» của hồ sơ {code} (hạn {when})",
                f"Overdue: step '{w.step_name_en}' of dossier {code} (due {when_en})")
    return (f"Sắp đến hạn: bước «{w.step_name}» của hồ sơ {code} (hạn {when})",
            f"Due soon: step '{w.step_name_en}' of dossier {code} (due {when_en})")


def sweep_steps(uow) -> SweepReport:
    """Warn the holder (or the unit) near the due time; escalate to supervisors once it passes."""
    report = SweepReport()
    with uow:
        session, now = uow.session, clock.now()
        wanted, english = [], None
        for item in session.execute(due_steps(now, _postgres(session))).scalars().all():
            if item.state != "open" or item.due_at is None:
                item.next_escalation_at = None
                continue
            overdue = now >= item.due_at
            item.next_escalation_at = None if overdue else item.due_at
            if overdue:
                audience = Audience(agency_id=item.agency_id, role=SUPERVISOR)
            elif item.assignee_id:
                audience = Audience(user_id=item.assignee_id)
            else:
                audience = Audience(agency_id=item.agency_id, role=item.role)
            level = "overdue" if overdue else "warning"
            english = english or english_names_for(session)  # read when a step is due, not every tick
            wanted.append(Wanted(f"work-item-{item.id}-{level}", level, item.dossier_id, item.id,
                                 item.agency_id, item.due_at, audience, item.step_name,
                                 english.step(item.step_name)))
        recorded = _record_all(session, wanted)
        _notify(session, recorded, _step_text)
        for w in recorded:
            if w.level == "overdue":
                report.overdue += 1
            else:
                report.warnings += 1
            report.keys.append(w.key)
        uow.commit()
    return report


def _late_text(w: Wanted, code: str, when: str, when_en: str) -> tuple[str, str]:
    return (f"Hồ sơ {code} có nguy cơ trễ hạn (hạn {when}): cần phiếu xin lỗi và hẹn lại ngày trả",
            f"Dossier {code} will be late (due {when_en}): issue the apology and a new return date")


def sweep_late_dossiers(uow) -> SweepReport:
    """One working day before a dossier's due date, if it is still open and has no apology yet,
    ask the receiving agency's supervisors to issue the apology and new date (form 04)."""
    report = SweepReport()
    terminal = {int(s) for s in TERMINAL}
    with uow:
        session, now = uow.session, clock.now()
        wanted = []
        for dossier in session.execute(_due(select(Dossier), Dossier.apology_check_at, now,
                                            _postgres(session))).scalars().all():
            dossier.apology_check_at = None
            if dossier.status in terminal or dossier.apology_issued_at or dossier.failure:
                continue
            wanted.append(Wanted(f"dossier-{dossier.id}-will_be_late", "will_be_late", dossier.id, None,
                                 dossier.agency_id, dossier.due_at, Audience(agency_id=dossier.agency_id,
                                                                             role=SUPERVISOR)))
        recorded = _record_all(session, wanted)
        _notify(session, recorded, _late_text)
        report.will_be_late = len(recorded)
        report.keys = [w.key for w in recorded]
        uow.commit()
    return report
