"""A partner agency's own motcua (instance B) whose process ends by sending its answer back to the
agency that asked (instance A): the dossier's result is returned (status 10) when A's system
acknowledges the answer, not when the answer is queued. Until then B's dossier is at result ready
(9), processing ended, nothing returned (docs/PARTNERS.md, "Returning a result to a partner").

Two live instances on loopback (tests/partner_instances.py), the frozen engine clock shared by both.
"""
from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from engine import commands
from engine.commands.partners import retry_dead_letter, save_partner
from engine.commands.reception import Applicant
from engine.invariants import check
from engine.models import AuditEvent, Dossier, PartnerInbox, PartnerOutbox, PortalOutbox
from engine.queries.history import dossier_history
from engine.scheduler import partner_delivery
from engine.scheduler.lease import DeliveryHook, record_attempt
from tests._concurrency_helpers import fire_together
from tests.partner_instances import Instance, _partner_template, partner_database_url  # noqa: F401 (fixtures)
from tests.web.conftest import Browser

HERE = Path(__file__).parent
PARTNER_BPMN = HERE / "bpmn_partners"
FORMS = PARTNER_BPMN / "forms"
KEY = "khoa-bi-mat-dung-chung-giua-A-va-B-0123456789"
ANSWER = {"confirmed": True, "note": "Có đăng ký thường trú tại Thôn Đông."}
RETURNED_TO_PARTNER = "result_returned_to_partner"


def _pair(database_url, partner_database_url, b_procedure: Path):
    a = Instance("A", database_url, FORMS)
    b = Instance("B", partner_database_url, FORMS)
    a.setup("000.31.21.H56", "UBND xã Tân Phong", "commune_committee",
            {"tiepnhan": "reception", "chuyenvien": "specialist"}, [PARTNER_BPMN / "partner_ask.bpmn"], FORMS)
    b.setup("000.32.21.H56", "Công an xã Tân Phong", "commune_police",
            {"congan": "specialist", "giamsat": "supervisor"}, [b_procedure], FORMS)
    save_partner(a.motcua.uow(), actor_id=a.users["admin"], code="B", name="Công an xã Tân Phong",
                 endpoint=b.endpoint, our_code="A", key=KEY)
    save_partner(b.motcua.uow(), actor_id=b.users["admin"], code="A", name="UBND xã Tân Phong",
                 endpoint=a.endpoint, our_code="B", key=KEY, agency_id=b.agency)
    return a, b


@pytest.fixture
def pair(database_url, partner_database_url, frozen_clock):
    """B answers A's question with one message, its process's message end event."""
    a, b = _pair(database_url, partner_database_url, PARTNER_BPMN / "partner_answer.bpmn")
    yield a, b
    for instance in (a, b):
        instance.stop()
        instance.motcua.dispose()


@pytest.fixture
def pair_with_copy(database_url, partner_database_url, frozen_clock):
    """B's process sends two messages back: the answer, then a copy of it as it ends."""
    a, b = _pair(database_url, partner_database_url, HERE / "bpmn_partner_reply" / "partner_answer_with_copy.bpmn")
    yield a, b
    for instance in (a, b):
        instance.stop()
        instance.motcua.dispose()


@pytest.fixture
def pair_declaring_9(database_url, partner_database_url, frozen_clock, tmp_path):
    """B's procedure declares that it ends at result ready (``completedStatus`` 9)."""
    source = (PARTNER_BPMN / "partner_answer.bpmn").read_text(encoding="utf-8")
    declared = tmp_path / "partner_answer.bpmn"
    declared.write_text(source.replace(
        '<spiffworkflow:property name="timeLimit" value="none" />',
        '<spiffworkflow:property name="timeLimit" value="none" />\n'
        '        <spiffworkflow:property name="completedStatus" value="9" />'), encoding="utf-8")
    a, b = _pair(database_url, partner_database_url, declared)
    yield a, b
    for instance in (a, b):
        instance.stop()
        instance.motcua.dispose()


def question_at_b(a, b):
    """A receives a dossier and its scheduler sends the question: B opens a dossier for it."""
    commands.receive(a.motcua.uow(), actor_id=a.users["tiepnhan"], agency_id=a.agency,
                     procedure_key="partner_ask", applicant=Applicant(name="Hoàng Thị Tám"),
                     data={"citizen_name": "Hoàng Thị Tám"})
    a.tick()
    [(b_dossier, step, _)] = b.open_items()
    assert step == "confirm"
    return b_dossier


def dossier_at(instance, dossier_id):
    """Status, end of processing, return: what the dossier page and the registers show."""
    return instance.read(lambda s: (lambda d: (d.status, d.finished_at, d.returned_at))(s.get(Dossier, dossier_id)))


def events(instance, dossier_id):
    return instance.read(lambda s: [(e.action, e.actor_id, e.status_before, e.status_after, e.revision)
                                    for e in s.query(AuditEvent).filter_by(dossier_id=dossier_id).order_by(AuditEvent.id)])


def revision(instance, dossier_id):
    return instance.read(lambda s: s.get(Dossier, dossier_id).revision)


def replies(instance):
    return instance.read(lambda s: [(r.id, r.message, r.delivered_at, r.dead_at is not None)
                                    for r in s.query(PartnerOutbox).order_by(PartnerOutbox.id)])


def portal_statuses(instance, dossier_id):
    """The statuses the national portal is told of, in order (its outbox)."""
    return instance.read(lambda s: [r.status for r in s.query(PortalOutbox).filter_by(dossier_id=dossier_id)
                                    .order_by(PortalOutbox.id)])


def no_violations(instance):
    report = check(instance.motcua)
    assert report.ok, [str(v) for v in report.violations]


def test_the_reply_waiting_in_the_outbox_leaves_the_dossier_result_ready_until_the_partner_acknowledges_it(
        pair, frozen_clock):
    a, b = pair
    b_dossier = question_at_b(a, b)
    a.stop()  # A's system is unreachable when B's officer answers
    answered = frozen_clock.current = frozen_clock.current + timedelta(hours=1)
    b.do_step("congan", "confirm", ANSWER)

    # The process has ended and the answer is queued, not acknowledged: processed, not returned.
    assert dossier_at(b, b_dossier) == (9, answered, None)
    assert events(b, b_dossier)[-1][:4] == ("completed", b.users["congan"], 2, 9)
    no_violations(b)
    b.tick()  # A does not answer: the reply is still waiting, the dossier still at 9
    [(row_id, message, delivered_at, dead)] = replies(b)
    assert (message, delivered_at, dead) == ("tra_loi_xac_nhan", None, False)
    assert dossier_at(b, b_dossier) == (9, answered, None)
    no_violations(b)

    a.start()
    frozen_clock.advance(timedelta(minutes=1, seconds=1))
    acknowledged = frozen_clock.current
    b.tick()
    assert replies(b) == [(row_id, "tra_loi_xac_nhan", acknowledged, False)]
    # Returned at the acknowledgement; processing still ended when the answer was given.
    assert dossier_at(b, b_dossier) == (10, answered, acknowledged)
    returned = [e for e in events(b, b_dossier) if e[0] == RETURNED_TO_PARTNER]
    assert returned == [(RETURNED_TO_PARTNER, None, 9, 10, revision(b, b_dossier))]
    # The national portal hears of 9, then of 10, as of any status change.
    assert portal_statuses(b, b_dossier)[-2:] == [9, 10]
    assert a.count(PartnerInbox, PartnerInbox.message == "tra_loi_xac_nhan") == 1  # A has the answer
    no_violations(b)
    no_violations(a)

    # The history B's officer reads says what happened, by whom (the system) and the status.
    officer = Browser(b.app)
    assert officer.login("congan", password="x" * 12).status_code == 302
    page = officer.text(f"/dossiers/{b_dossier}")
    assert "Trả kết quả cho cơ quan liên thông" in page and RETURNED_TO_PARTNER not in page
    assert b.read(lambda s: dossier_history(s, b_dossier))[-1].action == RETURNED_TO_PARTNER

    # The scheduler sends the reply again (it died after A's answer, before marking it): one effect.
    with b.motcua.uow() as uow:
        row = uow.session.get(PartnerOutbox, row_id)
        row.delivered_at, row.next_attempt_at = None, frozen_clock.current
        uow.commit()
    frozen_clock.advance(timedelta(minutes=5))
    b.tick()
    assert dossier_at(b, b_dossier) == (10, answered, acknowledged)
    assert [e[0] for e in events(b, b_dossier)].count(RETURNED_TO_PARTNER) == 1
    no_violations(b)


def test_the_result_is_returned_when_the_last_of_its_messages_is_acknowledged_once_whoever_records_it(
        pair_with_copy, frozen_clock):
    a, b = pair_with_copy
    b_dossier = question_at_b(a, b)
    answered = frozen_clock.current
    b.do_step("congan", "confirm", ANSWER)
    [(answer_id, *answer), (copy_id, *copy)] = replies(b)
    assert (answer, copy) == (["tra_loi_xac_nhan", None, False], ["ban_sao_tra_loi", None, False])
    assert dossier_at(b, b_dossier) == (9, answered, None)

    # A's system acknowledges the answer: the copy still waits, so the result is not returned yet.
    frozen_clock.advance(timedelta(minutes=2))
    first = frozen_clock.current
    record_attempt(b.motcua.uow(), PartnerOutbox, answer_id, None, partner_delivery.MAX_ATTEMPTS,
                   on_delivered=partner_delivery.ACKNOWLEDGED)
    assert dossier_at(b, b_dossier) == (9, answered, None)
    no_violations(b)

    # Two schedulers record the copy's acknowledgement at once (the first one's lease ran out while
    # it waited for A): the dossier is returned once, at the first acknowledgement.
    frozen_clock.advance(timedelta(minutes=3))
    second = frozen_clock.current
    [outcome] = fire_together([
        lambda _: record_attempt(b.motcua.uow(), PartnerOutbox, copy_id, None, partner_delivery.MAX_ATTEMPTS,
                                 on_delivered=partner_delivery.ACKNOWLEDGED)] * 2)
    assert outcome.errors == {}
    assert replies(b) == [(answer_id, "tra_loi_xac_nhan", first, False), (copy_id, "ban_sao_tra_loi", second, False)]
    assert dossier_at(b, b_dossier) == (10, answered, second)
    assert [e[:4] for e in events(b, b_dossier) if e[0] == RETURNED_TO_PARTNER] == [(RETURNED_TO_PARTNER, None, 9, 10)]
    no_violations(b)


def test_the_two_messages_of_one_dossier_acknowledged_at_once_return_it_once(pair_with_copy, frozen_clock):
    """Two schedulers record the two messages' acknowledgements at the same moment. Each recording,
    once it has marked its message and looked at the other, waits (2 s at most) for the other to
    get that far too: were the dossier not locked first, both would get there, each seeing the other
    message still waiting, and the dossier would stay at 9. Locked first, the second recording
    waits for the first to commit, sees both messages acknowledged, and returns the dossier once."""
    a, b = pair_with_copy
    b_dossier = question_at_b(a, b)
    b.do_step("congan", "confirm", ANSWER)
    meet = threading.Barrier(2, timeout=2)

    def delivered_then_meet(session, row):
        partner_delivery.ACKNOWLEDGED.delivered(session, row)
        try:
            meet.wait()
        except threading.BrokenBarrierError:
            pass  # the other recording waits for the dossier's lock, as it should
    hook = DeliveryHook(lock=partner_delivery.ACKNOWLEDGED.lock, delivered=delivered_then_meet)
    [outcome] = fire_together([
        lambda _, row_id=row_id: record_attempt(b.motcua.uow(), PartnerOutbox, row_id, None,
                                                partner_delivery.MAX_ATTEMPTS, on_delivered=hook)
        for row_id, *_ in replies(b)])
    assert outcome.errors == {}
    assert [delivered is not None for _, _, delivered, _ in replies(b)] == [True, True]
    assert dossier_at(b, b_dossier)[0] == 10
    assert [e[0] for e in events(b, b_dossier)].count(RETURNED_TO_PARTNER) == 1
    no_violations(b)


def test_a_dead_letter_reply_leaves_the_dossier_result_ready_until_a_supervisor_sends_it_again(pair, frozen_clock):
    a, b = pair
    b_dossier = question_at_b(a, b)
    a.stop()
    answered = frozen_clock.current
    b.do_step("congan", "confirm", ANSWER)
    for _ in range(partner_delivery.MAX_ATTEMPTS):
        b.tick()
        frozen_clock.advance(timedelta(hours=1, seconds=1))
    [(row_id, _, delivered_at, dead)] = replies(b)
    assert (delivered_at, dead) == (None, True)  # a dead letter: no more attempts of its own
    assert dossier_at(b, b_dossier) == (9, answered, None)
    no_violations(b)

    a.start()
    retry_dead_letter(b.motcua.uow(), actor_id=b.users["giamsat"], outbox_id=row_id)
    assert dossier_at(b, b_dossier) == (9, answered, None)  # sent again, not acknowledged yet
    resent = frozen_clock.current
    b.tick()
    assert replies(b) == [(row_id, "tra_loi_xac_nhan", resent, False)]
    assert dossier_at(b, b_dossier) == (10, answered, resent)
    assert [e[:4] for e in events(b, b_dossier)][-2:] == [
        ("partner_retry", b.users["giamsat"], 9, 9), (RETURNED_TO_PARTNER, None, 9, 10)]
    no_violations(b)


def test_a_procedure_declaring_its_end_status_keeps_it_when_its_reply_is_acknowledged(pair_declaring_9, frozen_clock):
    a, b = pair_declaring_9
    b_dossier = question_at_b(a, b)
    answered = frozen_clock.current
    b.do_step("congan", "confirm", ANSWER)
    assert dossier_at(b, b_dossier) == (9, answered, None)
    b.tick()
    assert replies(b)[0][2] == answered
    assert dossier_at(b, b_dossier) == (9, answered, None)
    assert RETURNED_TO_PARTNER not in [e[0] for e in events(b, b_dossier)]
    no_violations(b)
