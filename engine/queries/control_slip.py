"""The control slip (phiếu kiểm soát quá trình giải quyết hồ sơ, form 05): every hand-over of a
dossier between units and agencies, and whether each agency kept its share of the time.

Hand-overs are **derived**, not recorded: a work item already records its agency, its role (the
unit), when it opened and when it was finished, and a new item opens in the same transaction that
finishes the previous one. So the moment the holding (agency, role) changes is the hand-over,
and the slip stays right for every dossier run before this module existed. A message to a pool
without a process (an external partner such as BHXH) opens no work item; it leaves the workflow
and ``advance()`` records its name in the audit event's ``events``: that is the outgoing
hand-over, with the partner's pool name as the receiving side (``Party.partner``).

Judging (early / on time / late) follows the usual reading of form 05: a hand-over made on an
earlier day than its due moment is early, on the due day and not after the due moment on time,
after it late. The due moment is, in order of preference: the giving step's own due date
(``allotment`` on the task), the giving agency's share (``allotment`` on its pool's process,
counted in working time on that agency's calendar over every period it held the dossier), or the
dossier's due date.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lxml import etree
from sqlalchemy import select

from engine import clock
from engine.calendar import TimeLimit, WorkingCalendar, parse_time_limit
from engine.calendar.store import calendar_for
from engine.models import Agency, AuditEvent, Dossier, ProcedureVersion, WorkItem
from engine.procedures.manifest import BPMN, NS
from engine.procedures.safe_xml import parse_untrusted
from engine.queries.dossier import DossierHeader, _header

EARLY, ON_TIME, LATE = "early", "on_time", "late"
RECEPTION = "reception"


@dataclass(frozen=True)
class Party:
    """One side of a hand-over: a unit (role) of an agency, or a partner outside motcua."""
    agency_id: int | None
    agency_name: str
    role: str = ""
    partner: str = ""  # the external pool's name when the dossier left motcua

    @property
    def is_partner(self) -> bool:
        return bool(self.partner)


@dataclass(frozen=True)
class Handover:
    number: int
    giver: Party
    receiver: Party
    at: datetime
    result: str | None  # early / on_time / late; None when nothing to judge against
    step_name: str  # the step the giver finished (or, to a partner, what the message flow sends)
    next_step_name: str  # the step the receiver opened ("" for a partner)


@dataclass(frozen=True)
class AgencyShare:
    agency_id: int
    agency_name: str
    allotment: TimeLimit | None
    spent: timedelta  # working time on the agency's calendar while it held the dossier
    due_at: datetime | None  # when its share runs out (for the last period it held the dossier)
    result: str | None  # None while it still holds the dossier within its share, or without a share
    holding: bool


@dataclass(frozen=True)
class ControlSlip:
    dossier: DossierHeader
    handovers: list[Handover]
    agencies: list[AgencyShare]
    holders: list[str]  # the agencies holding the dossier now (none once it finished)
    path: list[str]  # agencies (and partners) in the order the dossier went through them
    now: datetime = field(default_factory=clock.now)


def judge(done_at: datetime, due_at: datetime | None, calendar: WorkingCalendar) -> str | None:
    if due_at is None:
        return None
    if done_at > due_at:
        return LATE
    if done_at.astimezone(calendar.tz).date() < due_at.astimezone(calendar.tz).date():
        return EARLY
    return ON_TIME


def working_time(limit: TimeLimit, calendar: WorkingCalendar) -> timedelta | None:
    if limit.unit == "working_days":
        return timedelta(seconds=float(limit.amount) * calendar.day_length)
    if limit.unit == "working_hours":
        return timedelta(hours=float(limit.amount))
    return None  # a share in calendar days is not a working-time share: not judged


class _AgencyClock:
    """An agency's periods holding the dossier and the due moment of each, from its share."""

    def __init__(self, calendar: WorkingCalendar, allotment: TimeLimit | None, periods, now: datetime):
        self.calendar, self.allotment = calendar, allotment
        self.periods = []  # (start, end or None, due moment or None)
        self.spent = timedelta(0)
        remaining = working_time(allotment, calendar) if allotment else None
        for start, end in _merged(periods):
            due = calendar.add(start, max(remaining, timedelta(0))) if remaining is not None else None
            used = calendar.working_time_between(start, end or now)
            self.spent += used
            if remaining is not None:
                remaining -= used
            self.periods.append((start, end, due))

    def due_at(self, moment: datetime) -> datetime | None:
        for start, end, due in self.periods:
            if start <= moment and (end is None or moment <= end):
                return due
        return None


def _merged(periods):
    out = []
    for start, end in sorted(periods, key=lambda p: p[0]):
        if out and (out[-1][1] is None or start <= out[-1][1]):
            last_start, last_end = out[-1]
            out[-1] = (last_start, None if last_end is None or end is None else max(last_end, end))
        else:
            out.append((start, end))
    return out


def _external_messages(bpmn_xml: str) -> dict[str, tuple[str, str, str, str]]:
    """Message name → (partner pool name, sending element's process id, sending element's lane,
    what the message flow says is sent)."""
    # A deployed version passed the safe-XML checks already; the size limit is only a second wall.
    data = bpmn_xml.encode()
    root = parse_untrusted(data, len(data)).getroot()
    external = {p.get("id"): p.get("name") or p.get("id")
                for p in root.iter(f"{{{BPMN}}}participant") if not p.get("processRef")}
    names = {m.get("id"): m.get("name") or m.get("id") for m in root.iter(f"{{{BPMN}}}message")}
    lane_of = {(ref.text or "").strip(): lane.get("name", "")
               for lane in root.iter(f"{{{BPMN}}}lane") for ref in lane.findall(f"{{{BPMN}}}flowNodeRef")}
    out = {}
    for flow in root.iter(f"{{{BPMN}}}messageFlow"):
        if flow.get("targetRef") not in external:
            continue
        [source] = root.xpath(f".//*[@id='{flow.get('sourceRef')}']") or [None]
        message_ref = flow.get("messageRef")
        if source is not None and not message_ref:
            definition = source.find("bpmn:messageEventDefinition", NS)
            message_ref = definition.get("messageRef") if definition is not None else None
        if message_ref not in names or source is None:
            continue
        process = next((a for a in source.iterancestors(f"{{{BPMN}}}process")), None)
        out[names[message_ref]] = (external[flow.get("targetRef")],
                                   process.get("id") if process is not None else "", lane_of.get(source.get("id"), ""),
                                   flow.get("name") or names[message_ref])
    return out


def control_slip(session, user_id: int, dossier_id: int) -> ControlSlip:
    header = _header(session, user_id, dossier_id)  # visibility: same rule as the dossier page
    now = clock.now()
    dossier = session.get(Dossier, dossier_id)
    version = session.get(ProcedureVersion, dossier.procedure_version_id)
    manifest = version.manifest
    items = session.execute(
        select(WorkItem).where(WorkItem.dossier_id == dossier_id, WorkItem.state != "cancelled")
        .order_by(WorkItem.created_at, WorkItem.id)).scalars().all()
    agencies = {a.id: a for a in session.execute(select(Agency).where(
        Agency.id.in_({i.agency_id for i in items} | {dossier.agency_id}))).scalars()}
    calendars = {aid: calendar_for(session, agency) for aid, agency in agencies.items()}

    process_of = {step_id: step["process_id"] for step_id, step in manifest["steps"].items()}
    shares: dict[int, TimeLimit | None] = {}
    periods: dict[int, list] = {}
    for item in items:
        text = manifest["processes"].get(process_of.get(item.step_id, ""), {}).get("properties", {}).get("allotment")
        if item.agency_id not in shares or (shares[item.agency_id] is None and text):
            shares[item.agency_id] = parse_time_limit(text) if text else None
        periods.setdefault(item.agency_id, []).append((item.created_at, item.finished_at))
    clocks = {aid: _AgencyClock(calendars[aid], shares[aid], ps, now) for aid, ps in periods.items()}

    def party(agency_id, role):
        return Party(agency_id, agencies[agency_id].name, role)

    def result_of(given, agency_id, at):
        """The giving step's own due date, else its agency's share, else the dossier's."""
        calendar = calendars[agency_id]
        if given is not None and given.due_at is not None:
            return judge(at, given.due_at, calendar)
        if shares.get(agency_id) is not None:
            return judge(at, clocks[agency_id].due_at(at), calendar)
        return judge(at, dossier.due_at, calendars[dossier.agency_id])

    moves = []  # (at, order, giver, receiver, result, step_name, next_step_name)
    previous = None
    for item in items:
        if previous is None:
            giver, given_step = party(dossier.agency_id, RECEPTION), None
        else:
            giver, given_step = party(previous.agency_id, previous.role), previous
        receiver = party(item.agency_id, item.role)
        if (giver.agency_id, giver.role) != (receiver.agency_id, receiver.role):
            moves.append((item.created_at, 0, giver, receiver, result_of(given_step, giver.agency_id, item.created_at),
                          given_step.step_name if given_step else "", item.step_name))
        previous = item

    external = _external_messages(version.bpmn_xml)
    if external:
        agency_of_process = {process_of.get(i.step_id): i.agency_id for i in items}
        for event in session.execute(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id)
                                     .order_by(AuditEvent.id)).scalars():
            for name in (event.detail or {}).get("events", []):
                if name not in external:
                    continue
                partner, process_id, role, what = external[name]
                sender = agency_of_process.get(process_id, dossier.agency_id)
                moves.append((event.at, 1, party(sender, role), Party(None, partner, partner=partner),
                              None, what, ""))

    moves.sort(key=lambda m: (m[0], m[1]))
    handovers = [Handover(n, giver, receiver, at, result, step, next_step)
                 for n, (at, _order, giver, receiver, result, step, next_step) in enumerate(moves, start=1)]

    open_agencies = [i.agency_id for i in items if i.state == "open"]
    summary = []
    for aid, agency_clock in clocks.items():
        holding = aid in open_agencies
        last_start, last_end, last_due = agency_clock.periods[-1]
        result = None
        if shares[aid] is not None and last_due is not None:
            result = (LATE if now > last_due else None) if holding else judge(last_end, last_due, calendars[aid])
        summary.append(AgencyShare(aid, agencies[aid].name, shares[aid], agency_clock.spent, last_due, result, holding))

    path = [agencies[dossier.agency_id].name]
    for handover in handovers:
        if handover.receiver.agency_name != path[-1]:
            path.append(handover.receiver.agency_name)
    holders = list(dict.fromkeys(agencies[aid].name for aid in open_agencies))
    return ControlSlip(dossier=header, handovers=handovers, agencies=summary, holders=holders, path=path, now=now)
