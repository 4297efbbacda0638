"""Birth registration – permanent residence – health-insurance card (liên thông khai sinh –
thường trú – BHYT): the committee and the police run inside the dossier; BHXH runs its own motcua
(workflows/partners/bhxh_cap_the_bhyt.bpmn) and gets the card request over signed HTTP. Two live
instances: A is the demo deployment, B the social insurance office's, each with its database
(tests/partner_instances.py). The control slip (form 05) follows the dossier between all three."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import commands
from engine.commands.reception import Applicant
from engine.demo import PARTNER_DEMOS
from engine.models import AuditEvent, Dossier, PartnerInbox, PartnerOutbox, WorkItem
from engine.queries.control_slip import EARLY, LATE, ON_TIME, control_slip
from engine.queries.inbox import inbox
from tests.conftest import VN
from tests.partner_instances import Instance, _partner_template, partner_database_url  # noqa: F401 (fixtures)
from tests.web.conftest import Browser

PROCEDURE = "lien_thong_khai_sinh"
# The control slip names a partner as registered (Partner.name), not by its pool's short name.
COMMITTEE, POLICE, BHXH = "UBND xã Tân Phong", "Công an xã Tân Phong", PARTNER_DEMOS["bhxh"].name
BHXH_OFFICE = PARTNER_DEMOS["bhxh"].agency[1]  # its agency in its own deployment
APPRAISAL = {
    "child_name": "Nguyễn Minh An", "child_birth_date": "2026-11-15", "child_sex": "male",
    "birth_place": "Trạm y tế xã Tân Phong", "mother_name": "Lê Thị Hạnh", "father_name": "Nguyễn Văn Long",
    "permanent_residence": "Thôn Đông, xã Tân Phong", "birth_certificate_checked": True, "conditions_met": True,
    "appraisal_opinion": "Hồ sơ đầy đủ, đủ điều kiện đăng ký khai sinh.",
}
RECORD = {"register_book": "02/2026", "register_number": 118, "registered_on": "2026-11-23",
          "child_id_number": "001226000118"}
REGISTER = {"residence_registered": True, "residence_registered_on": "2026-11-23"}
CARD = {"card_number": "TE1010123456789", "valid_from": "2026-11-15", "valid_to": "2032-11-14",
        "initial_facility": "Trạm y tế xã Tân Phong"}
RETURN = {"returned_to": "Lê Thị Hạnh", "return_method": "counter"}
CHILD = {"child_name": "Nguyễn Minh An", "child_birth_date": "2026-11-15", "child_sex": "male",
         "child_id_number": "001226000118", "mother_name": "Lê Thị Hạnh",
         "permanent_residence": "Thôn Đông, xã Tân Phong"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    # 23 = Monday; 24 (Tuesday) is a public holiday in the seeded calendar (Ngày Văn hóa Việt Nam).
    return datetime(2026, 11, day, hour, minute, tzinfo=VN)


class Officer:
    def __init__(self, demo, username):
        self.demo, self.id = demo, demo.users[username]

    def take_and_complete(self, dossier_id, data, *, expect_step):
        item = open_item(self.demo, dossier_id)
        assert item.step_id == expect_step
        commands.claim(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id)
        commands.complete(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id, data=data)


def open_item(demo, dossier_id) -> WorkItem:
    with demo.motcua.read_session() as s:
        return s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open").one()


def state(demo, dossier_id):
    """Status, the open steps as (step, role, agency), and the last audit event."""
    with demo.motcua.read_session() as s:
        dossier = s.get(Dossier, dossier_id)
        items = [(w.step_id, w.role, w.agency_id) for w in s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open")]
        last = s.query(AuditEvent).filter_by(dossier_id=dossier_id).order_by(AuditEvent.id.desc()).first()
        return dossier.status, items, (last.action, last.step_id, last.status_before, last.status_after, last.actor_id)



def slip(demo, dossier_id, username="tiepnhan"):
    with demo.motcua.read_session() as s:
        return control_slip(s, demo.users[username], dossier_id)


def rows(slip_):
    return [(h.giver.agency_name, h.giver.role, h.receiver.agency_name, h.receiver.role, h.at, h.result)
            for h in slip_.handovers]


def shares(slip_):
    return {a.agency_name: (a.spent, a.result, a.holding) for a in slip_.agencies}


def receive(demo):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key=PROCEDURE,
                            applicant=Applicant(name="Lê Thị Hạnh", address="Thôn Đông, xã Tân Phong"))


def through_committee(demo, frozen_clock, dossier_id):
    """Appraised at 10:00, approved at 14:00, recorded at 14:30 on Monday: 3.5 working hours."""
    frozen_clock.current = at(23, 10)
    Officer(demo, "chuyenvien").take_and_complete(dossier_id, APPRAISAL, expect_step="appraise")
    assert state(demo, dossier_id)[:2] == (4, [("approve", "leader", demo.commune)])
    frozen_clock.current = at(23, 14)
    Officer(demo, "lanhdao").take_and_complete(dossier_id, {"decision": "approve", "leader_opinion": "Đồng ý."},
                                               expect_step="approve")
    assert state(demo, dossier_id)[:2] == (4, [("record_birth", "specialist", demo.commune)])
    frozen_clock.current = at(23, 14, 30)
    Officer(demo, "chuyenvien").take_and_complete(dossier_id, RECORD, expect_step="record_birth")


def registered_by_the_police(demo, frozen_clock):
    """Received, through the committee, and the residence registered at 16:00 on Monday: the request
    to BHXH is in the committee's outbox."""
    dossier = receive(demo)
    through_committee(demo, frozen_clock, dossier.id)
    frozen_clock.current = at(23, 16)
    Officer(demo, "congan").take_and_complete(dossier.id, REGISTER, expect_step="register_residence")
    return dossier


@pytest.fixture
def pair(database_url, partner_database_url, frozen_clock):
    """A: the demo deployment (commune committee and police); B: the social insurance office's own,
    as `motcua demo` and `motcua demo --as bhxh` load them, aimed at each other's real port."""
    a, b = Instance("A", database_url), Instance("B", partner_database_url)
    a.load_demo()
    b.load_demo("bhxh")
    a.point_partner_at(PARTNER_DEMOS["bhxh"].code, b)
    b.point_partner_at(PARTNER_DEMOS["bhxh"].asked_by, a)
    a.commune, a.police = a.agencies["commune_committee"], a.agencies["commune_police"]
    yield a, b
    for instance in (a, b):
        instance.stop()
        instance.motcua.dispose()


def at_bhxh_office(b):
    """B's dossiers and what waits in its officer's inbox."""
    with b.motcua.read_session() as s:
        page = inbox(s, b.users["bhxh"], "unclaimed")
        return [(r.dossier_id, r.step_name, r.agency_name, r.work_item_id) for r in page.rows]


# When the police hand back, judged on the police share: 1 working day from Monday 14:30 on the
# police calendar (Tuesday off) runs to Wednesday 14:30. An earlier day is early, the due day
# on time, after it late. BHXH issues the card half an hour after the request, within its half
# working day; the committee returns it half an hour later.
@pytest.mark.parametrize("police_done, verdict, police_spent", [
    (at(23, 16), EARLY, timedelta(hours=1, minutes=30)),
    (at(25, 14), ON_TIME, timedelta(hours=7, minutes=30)),
    (at(26, 10), LATE, timedelta(hours=13, minutes=30)),
], ids=["early", "on_time", "late"])
def test_birth_registration_goes_to_the_police_then_to_bhxh_and_returns_with_the_card(
        pair, frozen_clock, police_done, verdict, police_spent):
    a, b = pair
    reception, police, bhxh = Officer(a, "tiepnhan"), Officer(a, "congan"), Officer(b, "bhxh")
    dossier = receive(a)
    assert state(a, dossier.id) == (2, [("appraise", "specialist", a.commune)], ("started", None, 2, 2, reception.id))
    with a.motcua.read_session() as s:
        # 3 working days from Monday 09:00, Tuesday off: Monday, Wednesday, Thursday, Friday 09:00.
        assert s.get(Dossier, dossier.id).due_at == at(27, 9)

    through_committee(a, frozen_clock, dossier.id)
    assert state(a, dossier.id) == (4, [("register_residence", "specialist", a.police)],
                                    ("completed", "record_birth", 4, 4, a.users["chuyenvien"]))
    assert a.step_data(dossier.id, "register_residence")["birth_notice"] == {
        "child_name": "Nguyễn Minh An", "child_birth_date": "2026-11-15", "child_id_number": "001226000118",
        "mother_name": "Lê Thị Hạnh", "permanent_residence": "Thôn Đông, xã Tân Phong",
        "birth_register_book": "02/2026", "birth_register_number": 118}
    while_at_police = slip(a, dossier.id, "congan")  # the police see the dossier they hold
    assert while_at_police.holders == [POLICE]
    assert while_at_police.path == [COMMITTEE, POLICE]
    assert shares(while_at_police)[POLICE][1:] == (None, True)

    frozen_clock.current = police_done
    police.take_and_complete(dossier.id, REGISTER, expect_step="register_residence")
    # The confirmation woke the committee, which sent the card request to BHXH and now waits for
    # the card: no step open anywhere in A, and the request is in the outbox, not yet at B.
    assert state(a, dossier.id) == (4, [], ("completed", "register_residence", 4, 4, police.id))
    assert a.read(lambda s: [(r.message, r.correlation) for r in s.query(PartnerOutbox)]) == [
        ("ho_so_cap_the_bhyt", dossier.code)]
    assert b.count(Dossier) == 0
    queued = slip(a, dossier.id)  # BHXH has the dossier only once its system acknowledged it
    assert queued.holders == [COMMITTEE] and queued.path == [COMMITTEE, POLICE, COMMITTEE]

    a.tick()  # A's scheduler delivers the request
    at_bhxh = slip(a, dossier.id)
    assert at_bhxh.holders == [BHXH] and at_bhxh.path == [COMMITTEE, POLICE, COMMITTEE, BHXH]
    assert shares(at_bhxh)[BHXH] == (timedelta(0), None, True)
    [(b_dossier, step_name, office, item_id)] = at_bhxh_office(b)
    assert (step_name, office) == ("Cấp thẻ BHYT cho trẻ em dưới 6 tuổi", BHXH_OFFICE)
    assert b.step_data(b_dossier, "issue_card")["request"] == CHILD
    officer = Browser(b.app)
    officer.login("bhxh")
    task_page = officer.text(f"/tasks/{item_id}")  # the child's data, labelled by the commune's form
    assert "Họ, chữ đệm và tên của trẻ" in task_page and "Nguyễn Minh An" in task_page
    assert b.read(lambda s: s.get(Dossier, b_dossier).status) == 2

    frozen_clock.current = police_done + timedelta(minutes=30)
    bhxh.take_and_complete(b_dossier, CARD, expect_step="issue_card")
    # BHXH's process has ended, but the card waits in its outbox: processed (9), not yet returned.
    assert b.read(lambda s: s.get(Dossier, b_dossier).status) == 9
    assert slip(a, dossier.id).holders == [BHXH]  # the card is issued but not delivered yet
    b.tick()  # B's scheduler delivers the card back to the dossier that asked
    # The committee's system acknowledged the card: BHXH's result is returned then.
    assert b.read(lambda s: (lambda d: (d.status, d.returned_at))(s.get(Dossier, b_dossier))) == (
        10, police_done + timedelta(minutes=30))
    assert state(a, dossier.id) == (9, [("return_result", "reception", a.commune)],
                                    ("partner_message", None, 4, 9, None))
    assert a.step_data(dossier.id, "return_result")["health_insurance_card"] == CARD

    frozen_clock.current = police_done + timedelta(hours=1)
    reception.take_and_complete(dossier.id, RETURN, expect_step="return_result")
    assert state(a, dossier.id) == (10, [], ("completed", "return_result", 9, 10, reception.id))

    final = slip(a, dossier.id)
    card_at = police_done + timedelta(minutes=30)
    # BHXH's half working day from the request, on the committee's calendar: early but for the
    # Thursday request, due at 16:00 the same day.
    bhxh_verdict = ON_TIME if police_done == at(26, 10) else EARLY
    assert rows(final) == [
        (COMMITTEE, "reception", COMMITTEE, "specialist", at(23, 9), EARLY),
        (COMMITTEE, "specialist", COMMITTEE, "leader", at(23, 10), EARLY),
        (COMMITTEE, "leader", COMMITTEE, "specialist", at(23, 14), EARLY),
        (COMMITTEE, "specialist", POLICE, "specialist", at(23, 14, 30), EARLY),
        (POLICE, "specialist", COMMITTEE, "specialist", police_done, verdict),
        (COMMITTEE, "specialist", BHXH, "", police_done, None),
        (BHXH, "", COMMITTEE, "reception", card_at, bhxh_verdict),
    ]
    assert [(h.step_name, h.next_step_name) for h in final.handovers[-3:]] == [
        ("Đăng ký thường trú cho trẻ", "Chuyển BHXH cấp thẻ BHYT"),
        ("Hồ sơ đề nghị cấp thẻ BHYT", ""),
        ("Thẻ BHYT đã cấp", "Nhận thẻ BHYT từ BHXH")]
    assert final.handovers[-2].receiver.is_partner and final.handovers[-1].giver.is_partner
    assert final.holders == [] and final.path == [COMMITTEE, POLICE, COMMITTEE, BHXH, COMMITTEE]
    # Committee: 3.5 h on Monday plus the half hour to return the result, of its 1.5 working days.
    assert shares(final) == {COMMITTEE: (timedelta(hours=4), EARLY, False),
                             POLICE: (police_spent, verdict, False),
                             BHXH: (timedelta(minutes=30), bhxh_verdict, False)}

    # B's slip: asked by the commune (the partner that sent it, for its "any partner" pool), answered it.
    theirs = slip(b, b_dossier, "bhxh")
    assert rows(theirs) == [(COMMITTEE, "", BHXH_OFFICE, "specialist", police_done, None),
                            (BHXH_OFFICE, "specialist", COMMITTEE, "", card_at, EARLY)]
    assert theirs.path == [COMMITTEE, BHXH_OFFICE, COMMITTEE] and theirs.holders == []


def test_bhxh_down_for_a_while_gets_the_request_when_it_is_back_and_sends_one_card(pair, frozen_clock):
    a, b = pair
    dossier = registered_by_the_police(a, frozen_clock)
    b.stop()
    a.tick()
    [(attempts, delivered, error)] = a.read(lambda s: [(r.attempts, r.delivered_at, r.last_error)
                                                       for r in s.query(PartnerOutbox)])
    assert (attempts, delivered) == (1, None) and error
    # Not delivered: the committee still holds the dossier, its outbox keeps trying.
    down = slip(a, dossier.id)
    assert down.holders == [COMMITTEE] and down.path == [COMMITTEE, POLICE, COMMITTEE]

    b.start()
    frozen_clock.current = at(25, 11)  # Wednesday: back; BHXH's half day runs from now, to 16:00
    a.tick()
    a.tick()  # nothing left to send
    assert a.read(lambda s: [(r.attempts, r.delivered_at is not None) for r in s.query(PartnerOutbox)]) == [(2, True)]
    [(b_dossier, _, _, _)] = at_bhxh_office(b)
    frozen_clock.current = at(25, 11, 30)
    Officer(b, "bhxh").take_and_complete(b_dossier, CARD, expect_step="issue_card")
    b.tick()
    b.tick()
    assert b.count(Dossier) == 1
    assert a.count(PartnerInbox) == 1
    assert a.step_data(dossier.id, "return_result")["health_insurance_card"] == CARD
    final = slip(a, dossier.id)
    assert rows(final)[-2:] == [(COMMITTEE, "specialist", BHXH, "", at(25, 11), None),
                                (BHXH, "", COMMITTEE, "reception", at(25, 11, 30), ON_TIME)]
    assert shares(final)[BHXH] == (timedelta(minutes=30), ON_TIME, False)  # the outage is not BHXH's time


def test_a_refused_birth_registration_never_leaves_the_committee(demo, frozen_clock):
    dossier = receive(demo)
    Officer(demo, "chuyenvien").take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")
    Officer(demo, "lanhdao").take_and_complete(
        dossier.id, {"decision": "refuse", "leader_opinion": "Trẻ không cư trú tại xã."}, expect_step="approve")
    assert state(demo, dossier.id)[:2] == (9, [("return_refusal", "reception", demo.commune)])
    Officer(demo, "tiepnhan").take_and_complete(dossier.id, RETURN, expect_step="return_refusal")
    assert state(demo, dossier.id)[0] == 10
    final = slip(demo, dossier.id)
    assert final.path == [COMMITTEE]
    assert {h.receiver.agency_name for h in final.handovers} == {COMMITTEE}
    with demo.motcua.read_session() as s:
        assert s.query(PartnerOutbox).count() == 0


def test_the_result_handed_over_at_the_counter_is_returned_even_if_an_earlier_message_still_waits(
        pair, frozen_clock):
    """Only a result that goes out through a partner's message waits for that partner's
    acknowledgement (docs/PARTNERS.md). Here BHXH took the committee's request and answered it, but
    the committee's scheduler never recorded BHXH's acknowledgement (it stopped between the two):
    the request's row still waits. The reception officer hands the result over at the counter: the
    committee's dossier is returned (10) all the same."""
    a, b = pair
    dossier = registered_by_the_police(a, frozen_clock)
    a.tick()
    with a.motcua.uow() as uow:  # the acknowledgement was never recorded
        [row] = uow.session.query(PartnerOutbox).all()
        row.delivered_at, row.next_attempt_at = None, at(30, 9)
        uow.commit()
    [(b_dossier, _, _, _)] = at_bhxh_office(b)
    frozen_clock.current = at(23, 16, 30)
    Officer(b, "bhxh").take_and_complete(b_dossier, CARD, expect_step="issue_card")
    b.tick()
    frozen_clock.current = at(24, 9)
    Officer(a, "tiepnhan").take_and_complete(dossier.id, RETURN, expect_step="return_result")
    assert a.read(lambda s: (lambda d: (d.status, d.returned_at))(s.get(Dossier, dossier.id))) == (10, at(24, 9))
    assert a.read(lambda s: s.query(PartnerOutbox).one().delivered_at) is None
