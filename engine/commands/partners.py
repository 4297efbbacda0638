"""Commands on partner hand-offs: set up a partner (administrator), hand a kept message to its
dossier (the system), send a dead letter again (administrator or supervisor), and return a
dossier's result once the partner's system has acknowledged it (the system)."""
from __future__ import annotations

import logging
from urllib.parse import urlparse

from sqlalchemy import func, select

from engine import audit, clock
from engine.commands._steps import (SUPERVISOR, advance, declared_completed_status, has_role,
                                   mark_end_of_processing, not_permitted)
from engine.commands.calendar_admin import require_admin
from engine.contact import text_problem, too_long
from engine.deadlines import set_dossier_due
from engine.dossier_codes import next_code
from engine.errors import FormInvalid, InvalidState, NotFound
from engine.models import Agency, Dossier, Partner, PartnerInbox, PartnerOutbox, ProcedureVersion, User
from engine.partners import ANY_PARTNER
from engine.partners.inbox import RETRY_AFTER
from engine.partners.outbox import unacknowledged
from engine.partners.starts import starting_version
from engine.runtime.host import load_workflow, new_workflow, procedure_of, save_workflow
from engine.statuses import CLOSED, Channel, DossierStatus

log = logging.getLogger("motcua.partners")


def save_partner(uow, *, actor_id: int, code: str, name: str, endpoint: str, our_code: str, key: str | None,
                 agency_id: int | None = None, active: bool = True, adding: bool = False) -> Partner:
    """Create or change a partner. A new ``key`` keeps the old one as ``previous_key``, so
    requests signed before the partner switched are still accepted (rotation without a gap).
    ``key=None`` changes an existing partner without touching its keys (the edit form leaves the
    key blank: nobody needs to see or retype it). ``adding``: the form adds a partner, so a code
    already taken (in any case) is refused instead of replacing that partner's address and key."""
    code, name, endpoint, our_code = (code or "").strip(), (name or "").strip(), (endpoint or "").strip(), (our_code or "").strip()
    problems = {}
    if not code or len(code) > 60:
        problems["code"] = ["Cần mã đối tác (tối đa 60 ký tự)."]
    if not name:
        problems["name"] = ["Cần tên đối tác."]
    elif text_problem(name, 255):
        problems["name"] = [text_problem(name, 255)]
    if urlparse(endpoint).scheme not in ("http", "https") or not urlparse(endpoint).netloc:
        problems["endpoint"] = ["Địa chỉ phải bắt đầu bằng http:// hoặc https://."]
    elif too_long(endpoint, 500):
        problems["endpoint"] = [too_long(endpoint, 500)]
    if not our_code:
        problems["our_code"] = ["Cần mã của hệ thống mình mà đối tác dùng."]
    elif too_long(our_code, 60):
        problems["our_code"] = [too_long(our_code, 60)]
    if key is not None and len(key) < 32:
        problems["key"] = ["Khóa bí mật cần ít nhất 32 ký tự."]
    elif key is not None and too_long(key, 200):
        problems["key"] = [too_long(key, 200)]
    if problems:
        raise FormInvalid(problems)
    with uow:
        admin = require_admin(uow.session, actor_id)
        if adding and uow.session.execute(select(Partner.id).where(func.lower(Partner.code) == code.lower())).first():
            raise FormInvalid({"code": ["Đã có đối tác mang mã này; sửa đối tác đó ở phần bên dưới."]})
        partner = uow.session.execute(select(Partner).where(Partner.code == code)).scalar_one_or_none()
        if partner is None and key is None:
            raise FormInvalid({"key": ["Khóa bí mật cần ít nhất 32 ký tự."]})
        if partner is None:
            partner = Partner(code=code, key=key)
            uow.session.add(partner)
        elif key is not None and partner.key != key:
            partner.previous_key, partner.key = partner.key, key
        partner.name, partner.endpoint, partner.our_code = name, endpoint, our_code
        partner.agency_id, partner.active = agency_id, active
        uow.commit()
    log.info("partner %s saved by %s", code, admin.username)
    return partner


def set_partner_active(uow, *, actor_id: int, partner_id: int, active: bool) -> Partner:
    """Stop (or resume) exchanging with a partner: an inactive partner's requests are refused and
    a step that would send to it is refused too, so nothing goes missing quietly."""
    with uow:
        admin = require_admin(uow.session, actor_id)
        partner = uow.session.get(Partner, partner_id)
        if partner is None:
            raise NotFound("Không tìm thấy đối tác.", "Partner not found.")
        partner.active = active
        code, who = partner.code, admin.username
        uow.commit()
    log.info("partner %s %s by %s", code, "activated" if active else "deactivated", who)
    return partner


def may_resend(session, user_id: int, agency_id: int) -> bool:
    """Who may send a dead letter of an agency's dossier again: an administrator, or a supervisor
    of the agency (the dossier page shows them the button)."""
    user = session.get(User, user_id)
    return user is not None and (user.is_admin or has_role(session, user_id, agency_id, SUPERVISOR))


def retry_dead_letter(uow, *, actor_id: int, outbox_id: int) -> None:
    """Send a message that gave up again, from a fresh count of attempts."""
    with uow:
        session = uow.session
        row = session.get(PartnerOutbox, outbox_id)
        if row is None:
            raise NotFound("Không tìm thấy thư gửi đối tác.", "Partner message not found.")
        dossier = session.get(Dossier, row.dossier_id)
        if not may_resend(session, actor_id, dossier.agency_id):
            raise not_permitted()
        if row.dead_at is None:
            raise InvalidState("Thư này không ở trạng thái gửi thất bại.", "This message has not failed for good.")
        row.dead_at, row.attempts, row.next_attempt_at = None, 0, clock.now()
        # The partner's name as it was then: the history says to whom it went again.
        audit.record(session, dossier, "partner_retry", actor_id=actor_id, status_before=dossier.status,
                     message=row.message, idempotency_key=row.idempotency_key, partner_id=row.partner_id,
                     partner_name=row.partner.name)
        uow.commit()


# The history's action when the partner's system acknowledged the last message of a dossier whose
# workflow had ended: its result is returned (status 9 -> 10).
RESULT_RETURNED_TO_PARTNER = "result_returned_to_partner"


def lock_dossier_of_message(uow, outbox_id: int) -> None:
    """Before a delivery is recorded: its dossier first, as every command locks (then the row), so
    that two schedulers acknowledging messages of one dossier see each other's outcome."""
    dossier_id = uow.session.execute(select(PartnerOutbox.dossier_id).where(PartnerOutbox.id == outbox_id)).scalar_one()
    uow.lock_dossier(dossier_id)


def return_on_acknowledgement(session, row: PartnerOutbox) -> bool:
    """The partner's system has acknowledged ``row`` (its ``delivered_at``), in the transaction that
    records it, the dossier locked by ``lock_dossier_of_message``. A dossier whose workflow ended
    while its messages waited in the outbox was left at result ready (9, engine/commands/_steps.py
    ``completed_status``); once none waits any more (a dead letter still waits), its result is
    returned: status 10, ``returned_at`` the acknowledgement, one history event. True when it was.
    Delivered once per row (lease.record_attempt), and checked under the lock: it happens once."""
    dossier = session.get(Dossier, row.dossier_id)
    if dossier.status != DossierStatus.RESULT_READY or dossier.failure:
        return False
    if declared_completed_status(procedure_of(dossier).manifest) != DossierStatus.RESULT_RETURNED:
        return False
    if unacknowledged(session, dossier.id, besides=row.id):
        return False
    if not load_workflow(dossier).is_completed():
        return False  # result ready with a step still to do (the counter returns it)
    status_before = dossier.status
    dossier.status = int(DossierStatus.RESULT_RETURNED)
    mark_end_of_processing(dossier, row.delivered_at)
    dossier.revision += 1
    audit.record(session, dossier, RESULT_RETURNED_TO_PARTNER, status_before=status_before,
                 message=row.message, idempotency_key=row.idempotency_key)
    log.info("dossier %s returned: %s acknowledged by partner %s", dossier.code, row.message, row.partner_id)
    return True


def deliver_partner_message(uow, inbox_id: int) -> bool:
    """Hand a kept message to its dossier if the dossier waits for it; open the dossier first when
    the message starts a procedure here. True once the message is in."""
    with uow:
        session = uow.session
        row = session.get(PartnerInbox, inbox_id)
        if row is None or row.delivered_at is not None:
            return row is not None
        dossier_id = row.dossier_id or session.execute(
            select(Dossier.id).where(Dossier.code == row.correlation)).scalar_one_or_none()
        if dossier_id is None:
            opened = _open_dossier(uow, row)
            if opened is None and row.dossier_id is not None:
                return False  # another delivery opened it a moment ago and hands the message in
            if opened is None:
                _postpone(row, "no dossier and no procedure started by this message")
                uow.commit()
                return False
            uow.commit()
            return row.delivered_at is not None
        # Dossier first, then the message: the same order as every command, so no deadlock.
        dossier = uow.lock_dossier(dossier_id)
        session.refresh(row)
        if row.delivered_at is not None:
            return True
        if not _may_send(session, row, dossier):
            _postpone(row, "this partner does not send this message to this dossier", keep_trying=False)
            log.warning("partner message %s from partner %s refused for dossier %s", row.message, row.partner_id,
                        dossier.code)
            uow.commit()
            return False
        row.dossier_id = dossier.id
        if DossierStatus(dossier.status) in CLOSED or dossier.failure:
            _postpone(row, "dossier closed", keep_trying=False)
            uow.commit()
            return False
        workflow = load_workflow(dossier)
        waiting = {e.name for e in workflow.waiting_events() if e.event_type == "MessageEventDefinition"}
        if row.message not in waiting:
            _postpone(row, "dossier not waiting for this message yet")
            uow.commit()
            return False
        advance(session, dossier, workflow, actor_id=None, action="partner_message",
                message=row.message, idempotency_key=row.idempotency_key)
        uow.commit()
        return True


def _may_send(session, row: PartnerInbox, dossier: Dossier) -> bool:
    """A message goes into a dossier only from the partner its diagram names for that message, or,
    for a pool standing for any partner, from a partner this dossier is already talking with: a
    partner that knows another dossier's code cannot push messages into it."""
    version = session.get(ProcedureVersion, dossier.procedure_version_id)
    route = (version.manifest or {}).get("partners", {}).get("incoming", {}).get(row.message)
    partner = session.get(Partner, row.partner_id)
    if route == partner.code:
        return True
    if route != ANY_PARTNER:
        return False
    talking = select(PartnerOutbox.id).where(PartnerOutbox.dossier_id == dossier.id,
                                             PartnerOutbox.partner_id == partner.id).limit(1)
    asked = select(PartnerInbox.id).where(PartnerInbox.dossier_id == dossier.id, PartnerInbox.partner_id == partner.id,
                                          PartnerInbox.id != row.id).limit(1)
    return (session.execute(talking).first() or session.execute(asked).first()) is not None


def _postpone(row, reason: str, *, keep_trying: bool = True) -> None:
    row.last_error = reason
    row.next_attempt_at = clock.now() + RETRY_AFTER if keep_trying else None


def _open_dossier(uow, row: PartnerInbox):
    """A partner asks us: a dossier received at the partner's agency, on the procedure started by
    the message. The message is handed in by advance() in the same transaction."""
    session = uow.session
    if uow.row_locks:  # two deliveries of this row at once must not open two dossiers
        session.execute(select(PartnerInbox.id).where(PartnerInbox.id == row.id).with_for_update())
        session.refresh(row)
        if row.dossier_id is not None:
            return None
    partner = session.get(Partner, row.partner_id)
    version = starting_version(session, partner.code, row.message)
    agency = session.get(Agency, partner.agency_id) if partner.agency_id else None
    if version is None or agency is None:
        return None
    now = clock.now()
    payload = row.payload or {}
    dossier = Dossier(
        code=next_code(session, agency, now), agency=agency, procedure_version=version,
        status=DossierStatus.RECEIVED, channel=int(Channel.ONLINE),
        applicant_name=str(payload.get("applicant_name") or partner.name)[:255],
        received_at=now, workflow_state="", serializer_version="")
    workflow = new_workflow(version)
    save_workflow(dossier, workflow)
    set_dossier_due(session, dossier, version.manifest, now)
    session.add(dossier)
    session.flush()
    row.dossier_id = dossier.id
    audit.record(session, dossier, "received", status_before=None, procedure=version.procedure.key,
                 version=version.number, channel=dossier.channel, partner=partner.code,
                 correlation=row.correlation)
    advance(session, dossier, workflow, actor_id=None, action="started")
    return dossier
