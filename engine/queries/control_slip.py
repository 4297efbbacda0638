"""The control slip (phiếu kiểm soát quá trình giải quyết hồ sơ, form 05): every hand-over of a
dossier between units and agencies, and whether each agency kept its share of the time.

Hand-overs are **derived**, not recorded: a work item already records its agency, its role (the
unit), when it opened and when it was finished, and a new item opens in the same transaction that
finishes the previous one. So the moment the holding (agency, role) changes is the hand-over,
and the slip stays right for every dossier run before this module existed.

Partners outside motcua (another deployment, such as BHXH) open no work item. A message to a
partner pool leaves the workflow and ``advance()`` records its name in the audit event's
``events`` and its outbox row in ``partner_outbox``. The hand-over to the partner
(``Party.partner``) is when the partner's system acknowledged the message (the row's
``delivered_at``), not when it was queued: until then, however long the partner is down, the
sending agency still holds the dossier, waiting to send it. A partner's message handed
into the dossier is recorded as the ``partner_message`` action or in a command's
``partner_messages``: that is the hand-over back, to the unit of the catching element. While our
process waits for the partner's reply, the partner holds the dossier.

Judging (early / on time / late) is the one rule of engine/statistics (``timeliness``): a
hand-over made on an earlier day than its due moment is early, on the due day and not after the
due moment on time, after it late. The due moment is, in order of preference: the giving step's own due date
(``allotment`` on the task), the giving agency's share (``allotment`` on its pool's process,
counted in working time on that agency's calendar over every period it held the dossier), or the
dossier's due date. A partner is judged on the ``allotment`` of its participant, from the moment
its system acknowledged the message, on the sending agency's calendar. The sending step is judged
when it sent (queued) the message, and the wait for delivery is on neither clock: it is the
partner system's outage, not either agency's work. A step waiting for the citizen
(``dossierStatus`` 5 or 6: supplement, financial obligation) does not count against its agency:
its period is left out of the agency's clock and the hand-overs it gives are not judged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from engine import clock
from engine.calendar import TimeLimit, WorkingCalendar, parse_time_limit
from engine.calendar.store import calendar_for
from engine.models import Agency, AuditEvent, Dossier, PartnerOutbox, ProcedureVersion, User, WorkItem
from engine.procedures.partner_routes import partner_routes
from engine.queries.dossier import DossierHeader, _header
from engine.queries.history import partner_name, received_messages
from engine.statistics.verdict import EARLY, LATE, ON_TIME, timeliness  # noqa: F401 (the slip's words)
from engine.statuses import CLOSED, DossierStatus

RECEPTION = "reception"
# Statuses of a step that waits for the citizen (docs/RULES.md): not the agency's time.
CITIZEN_WAITS = {str(int(s)) for s in (DossierStatus.WAITING_FOR_SUPPLEMENT,
                                        DossierStatus.WAITING_FOR_FINANCIAL_OBLIGATION)}


@dataclass(frozen=True)
class Party:
    """One side of a hand-over: a unit (role) of an agency, or a partner outside motcua."""
    agency_id: int | None
    agency_name: str
    role: str = ""
    partner: str = ""  # the partner's name when the dossier is outside motcua

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
    step_name: str  # the step the giver finished (to or from a partner: what the message flow carries)
    next_step_name: str  # the step (or message event) the receiver opened
    # The officers who handed over and took over (form 05 has them sign): who finished the giving
    # step (at reception, who received the dossier), who holds or finished the receiving one.
    giver_person: str = ""
    receiver_person: str = ""


@dataclass(frozen=True)
class AgencyShare:
    agency_id: int | None  # None for a partner outside motcua
    agency_name: str
    allotment: TimeLimit | None
    spent: timedelta  # working time on the agency's calendar while it held the dossier
    due_at: datetime | None  # when its share runs out (for the last period it held the dossier)
    result: str | None  # None while it still holds the dossier within its share, or without a share
    holding: bool

    @property
    def is_partner(self) -> bool:
        return self.agency_id is None


@dataclass(frozen=True)
class ControlSlip:
    dossier: DossierHeader | None
    handovers: list[Handover]
    agencies: list[AgencyShare]
    holders: list[str]  # the agencies (and partners) holding the dossier now (none once it finished)
    path: list[str]  # agencies (and partners) in the order the dossier went through them
    now: datetime = field(default_factory=clock.now)


def judge(done_at: datetime, due_at: datetime | None, calendar: WorkingCalendar) -> str | None:
    return None if due_at is None else timeliness(done_at, due_at, calendar.tz)


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
        self.share = working_time(allotment, calendar) if allotment else None
        remaining = self.share
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

    def result(self, holding: bool, now: datetime) -> str | None:
        """Judged on its last period; while it holds the dossier, only once it is late."""
        if self.share is None or not self.periods:
            return None
        _start, end, due = self.periods[-1]
        if not holding:
            return judge(end, due, self.calendar)
        running_late = end is None and due is not None and now > due
        return LATE if running_late or self.spent > self.share else None


def _merged(periods):
    out = []
    for start, end in sorted(periods, key=lambda p: p[0]):
        if out and (out[-1][1] is None or start <= out[-1][1]):
            last_start, last_end = out[-1]
            out[-1] = (last_start, None if last_end is None or end is None else max(last_end, end))
        else:
            out.append((start, end))
    return out


def _in_order(items, events):
    """Work items and audit events as one timeline. An item sorts with the command that opened it
    (the event whose ``opened`` names it): within one command, partner messages came first."""
    opened_by = {}
    pending = {}
    for item in items:
        pending.setdefault(item.step_id, []).append(item)
    for event in events:
        for step_id in (event.detail or {}).get("opened", []):
            if pending.get(step_id):
                opened_by[pending[step_id].pop(0).id] = event
    timeline = [((event.at, event.id, 0), event) for event in events]
    for item in items:
        event = opened_by.get(item.id)
        key = (event.at, event.id, 1) if event is not None else (item.created_at, float("inf"), 1)
        timeline.append((key, item))
    timeline.sort(key=lambda entry: (entry[0], getattr(entry[1], "id", 0)))
    return [entry for _key, entry in timeline]


def _deliveries(session, dossier_id: int) -> dict[str, tuple[str, datetime | None]]:
    """The dossier's messages to partners by outbox key: (message name, when the partner's system
    acknowledged it, or None while it is still waiting in the outbox)."""
    rows = session.execute(select(PartnerOutbox.idempotency_key, PartnerOutbox.message, PartnerOutbox.delivered_at)
                           .where(PartnerOutbox.dossier_id == dossier_id)).all()
    return {key: (message, delivered_at) for key, message, delivered_at in rows}


def _delivered_at(deliveries, event, name: str) -> tuple[bool, datetime | None]:
    """(whether the partner got ``name`` thrown by ``event``, when). A message with no outbox row
    (thrown before the outbox recorded its key) counts as handed over when it was thrown."""
    for key in (event.detail or {}).get("partner_outbox", []):
        message, delivered_at = deliveries.get(key, (None, None))
        if message == name:
            return delivered_at is not None, delivered_at
    return True, event.at


def _placed_in_time(moves: list, deliveries: list) -> list:
    """The hand-overs with each delivery to a partner (found at the row of the step that sent it)
    moved down past the hand-overs made before the partner acknowledged it."""
    moves = list(moves)
    for index, move in sorted(deliveries, key=lambda d: d[0], reverse=True):
        while index < len(moves) and moves[index][0] <= move[0]:
            index += 1
        moves.insert(index, move)
    return moves


def control_slip(session, user_id: int, dossier_id: int) -> ControlSlip:
    header = _header(session, user_id, dossier_id)  # visibility: same rule as the dossier page
    return _slip(session, dossier_id, header)


def whereabouts(session, dossier_id: int) -> tuple[list[str], list[str]]:
    """(who holds the dossier now, the agencies and partners it went through) for a reader
    already allowed to see that much, such as the citizen on the tracking page."""
    slip = _slip(session, dossier_id, None)
    return slip.holders, slip.path


def _slip(session, dossier_id: int, header: DossierHeader | None) -> ControlSlip:
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

    def waits_for_citizen(item) -> bool:
        return manifest["steps"].get(item.step_id, {}).get("properties", {}).get("dossierStatus") in CITIZEN_WAITS

    shares: dict[int, TimeLimit | None] = {}
    periods: dict[int, list] = {}
    for item in items:
        text = manifest["processes"].get(process_of.get(item.step_id, ""), {}).get("properties", {}).get("allotment")
        if item.agency_id not in shares or (shares[item.agency_id] is None and text):
            shares[item.agency_id] = parse_time_limit(text) if text else None
        periods.setdefault(item.agency_id, [])
        if not waits_for_citizen(item):
            periods[item.agency_id].append((item.created_at, item.finished_at))
    clocks = {aid: _AgencyClock(calendars[aid], shares[aid], ps, now) for aid, ps in periods.items()}

    def party(agency_id, role):
        return Party(agency_id, agencies[agency_id].name, role)

    def result_of(given, agency_id, at):
        """The giving step's own due date, else its agency's share, else the dossier's."""
        if given is not None and waits_for_citizen(given):
            return None
        calendar = calendars[agency_id]
        if given is not None and given.due_at is not None:
            return judge(at, given.due_at, calendar)
        if shares.get(agency_id) is not None:
            return judge(at, clocks[agency_id].due_at(at), calendar)
        return judge(at, dossier.due_at, calendars[dossier.agency_id])

    routes = partner_routes(manifest, lambda: version.bpmn_xml)
    events = session.execute(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id)
                             .order_by(AuditEvent.id)).scalars().all() if routes else []
    outbox = _deliveries(session, dossier_id) if routes else {}
    agency_of_process = {process_of.get(i.step_id): i.agency_id for i in items}
    names = {}

    def partner_party(route):
        if route.pool not in names:
            names[route.pool] = partner_name(session, dossier_id, route)
        return Party(None, names[route.pool], partner=names[route.pool])

    def our_party(route):
        return party(agency_of_process.get(route.process_id, dossier.agency_id), route.lane)

    moves = []  # (at, giver, receiver, result, step_name, next_step_name, giver officer id, receiver officer id)
    last, last_item = party(dossier.agency_id, RECEPTION), None  # who holds it inside motcua, on which step
    # Who hands the dossier on while no finished step did: the counter officer who received it,
    # only at the start. After a partner's message (or a message sent) nobody inside motcua gave it.
    handed_by = session.execute(select(AuditEvent.actor_id).where(
        AuditEvent.dossier_id == dossier_id, AuditEvent.action == "received").limit(1)).scalar()
    delivered = []  # (index in moves where it was sent, the hand-over to the partner at delivery)
    unsent = {}  # reply message → the sending agency, holding the dossier until the partner has it
    awaited = {}  # reply message → the partner party holding the dossier until it comes
    held = {}  # partner name → (sending agency's calendar, its share, [[sent at, answered at or None], …])
    for entry in _in_order(items, events):
        if isinstance(entry, WorkItem):
            receiver = party(entry.agency_id, entry.role)
            if receiver != last:
                moves.append((entry.created_at, last, receiver, result_of(last_item, last.agency_id, entry.created_at),
                              last_item.step_name if last_item else "", entry.step_name,
                              last_item.finished_by_id if last_item else handed_by,
                              entry.finished_by_id or entry.assignee_id))
            last, last_item = receiver, entry
            continue
        for name in received_messages(entry.action, entry.detail):
            route = routes.get(name)
            if route is None or route.outgoing:
                continue
            giver, receiver = partner_party(route), our_party(route)
            unsent.pop(name, None)  # an answer came: the partner had the request after all
            result = None
            if awaited.pop(name, None) is not None:
                calendar, allotment, spans = held[giver.partner]
                spans[-1][1] = entry.at
                result = judge(entry.at, _AgencyClock(calendar, allotment, spans, now).due_at(entry.at), calendar)
            moves.append((entry.at, giver, receiver, result, route.what, route.element, None, None))
            last, last_item, handed_by = receiver, None, None
        for name in (entry.detail or {}).get("events", []):
            route = routes.get(name)
            if route is None or not route.outgoing:
                continue
            sender, receiver = our_party(route), partner_party(route)
            if sender != last:  # the sending event belongs to another unit: it got the dossier first
                moves.append((entry.at, last, sender, result_of(last_item, last.agency_id, entry.at),
                              last_item.step_name if last_item else "", route.element,
                              last_item.finished_by_id if last_item else None, None))
                last_item = None
            arrived, arrived_at = _delivered_at(outbox, entry, name)
            if arrived:  # handed over at delivery, placed among the moves by that time
                move = (arrived_at, sender, receiver, result_of(last_item, sender.agency_id, entry.at),
                        route.what, "", last_item.finished_by_id if last_item else None, None)
                delivered.append((len(moves), move))
            last, last_item, handed_by = sender, None, None
            if route.reply and not arrived:
                unsent[route.reply] = sender.agency_id
            elif route.reply:
                unsent.pop(route.reply, None)
                awaited[route.reply] = receiver
                held.setdefault(receiver.partner, (calendars[sender.agency_id],
                                                   parse_time_limit(route.allotment) if route.allotment else None,
                                                   []))[2].append([arrived_at, None])
    moves = _placed_in_time(moves, delivered)

    partner_clocks = {partner: _AgencyClock(calendar, allotment, spans, now)
                      for partner, (calendar, allotment, spans) in held.items()}
    people = dict(session.execute(select(User.id, User.full_name).where(
        User.id.in_({pid for move in moves for pid in move[6:] if pid}))).all()) if moves else {}
    handovers = [Handover(n, *move[1:3], move[0], *move[3:6], people.get(move[6], ""), people.get(move[7], ""))
                 for n, move in enumerate(moves, start=1)]

    finished = DossierStatus(dossier.status) in CLOSED or bool(dossier.failure)
    open_agencies = [i.agency_id for i in items if i.state == "open"] + ([] if finished else list(unsent.values()))
    waiting_on = [] if finished else list(dict.fromkeys(p.partner for p in awaited.values()))
    summary = []
    for aid, agency_clock in clocks.items():
        holding = aid in open_agencies
        last_due = agency_clock.periods[-1][2] if agency_clock.periods else None
        summary.append(AgencyShare(aid, agencies[aid].name, shares[aid], agency_clock.spent, last_due,
                                   agency_clock.result(holding, now), holding))
    for partner, partner_clock in partner_clocks.items():
        holding = partner in waiting_on
        summary.append(AgencyShare(None, partner, partner_clock.allotment, partner_clock.spent,
                                   partner_clock.periods[-1][2], partner_clock.result(holding, now), holding))

    path = [handovers[0].giver.agency_name if handovers else agencies[dossier.agency_id].name]
    for handover in handovers:
        if handover.receiver.agency_name != path[-1]:
            path.append(handover.receiver.agency_name)
    holders = list(dict.fromkeys([agencies[aid].name for aid in open_agencies] + waiting_on))
    return ControlSlip(dossier=header, handovers=handovers, agencies=summary, holders=holders, path=path, now=now)
