"""Birth registration – permanent residence – health-insurance card (liên thông khai sinh –
thường trú – BHYT): the committee and the police run inside the dossier, BHXH is a partner
outside motcua; the control slip (form 05) follows the dossier between them."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import commands
from engine.commands.reception import Applicant
from engine.models import AuditEvent, Dossier, WorkItem
from engine.queries.control_slip import EARLY, LATE, ON_TIME, control_slip
from engine.runtime.host import load_workflow
from tests.conftest import VN

PROCEDURE = "lien_thong_khai_sinh"
COMMITTEE, POLICE = "UBND xã Tân Phong", "Công an xã Tân Phong"
APPRAISAL = {
    "child_name": "Nguyễn Minh An", "child_birth_date": "2026-11-15", "child_sex": "male",
    "birth_place": "Trạm y tế xã Tân Phong", "mother_name": "Lê Thị Hạnh", "father_name": "Nguyễn Văn Long",
    "permanent_residence": "Thôn Đông, xã Tân Phong", "birth_certificate_checked": True, "conditions_met": True,
    "appraisal_opinion": "Hồ sơ đầy đủ, đủ điều kiện đăng ký khai sinh.",
}
RECORD = {"register_book": "02/2026", "register_number": 118, "registered_on": "2026-11-23",
          "child_id_number": "001226000118"}
REGISTER = {"residence_registered": True, "residence_registered_on": "2026-11-25"}
RETURN = {"returned_to": "Lê Thị Hạnh", "return_method": "counter"}


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


def configure_bhxh(demo):
    """BHXH's own system as a partner (engine/partners): a message to its pool needs it set up."""
    try:
        from engine.commands.partners import save_partner
    except ImportError:  # before partner delivery existed, the message was only recorded
        return
    save_partner(demo.motcua.uow(), actor_id=demo.users["admin"], code="BHXH", name="Bảo hiểm xã hội huyện",
                 endpoint="https://bhxh.example/motcua", our_code="000.31.21.H56", key="k" * 40)


def receive(demo):
    configure_bhxh(demo)
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


# When the police hand back, judged on the police share: 1 working day from Monday 14:30 on the
# police calendar (Tuesday off) runs to Wednesday 14:30. An earlier day is early, the due day
# on time, after it late.
@pytest.mark.parametrize("police_done, verdict, police_spent", [
    (at(23, 16), EARLY, timedelta(hours=1, minutes=30)),
    (at(25, 14), ON_TIME, timedelta(hours=7, minutes=30)),
    (at(26, 10), LATE, timedelta(hours=13, minutes=30)),
], ids=["early", "on_time", "late"])
def test_birth_registration_goes_to_the_police_and_out_to_bhxh_and_the_slip_judges_each_agency(
        demo, frozen_clock, police_done, verdict, police_spent):
    reception, police = Officer(demo, "tiepnhan"), Officer(demo, "congan")
    dossier = receive(demo)
    assert state(demo, dossier.id) == (2, [("appraise", "specialist", demo.commune)],
                                       ("started", None, 2, 2, reception.id))
    with demo.motcua.read_session() as s:
        # 3 working days from Monday 09:00, Tuesday off: Monday, Wednesday, Thursday, Friday 09:00.
        assert s.get(Dossier, dossier.id).due_at == at(27, 9)

    through_committee(demo, frozen_clock, dossier.id)
    assert state(demo, dossier.id) == (4, [("register_residence", "specialist", demo.police)],
                                       ("completed", "record_birth", 4, 4, demo.users["chuyenvien"]))
    with demo.motcua.read_session() as s:
        workflow = load_workflow(s.get(Dossier, dossier.id))
        [task] = [t for t in workflow.get_tasks(manual=True) if t.task_spec.bpmn_id == "register_residence"]
        assert task.data["birth_notice"] == {
            "child_name": "Nguyễn Minh An", "child_birth_date": "2026-11-15", "child_id_number": "001226000118",
            "mother_name": "Lê Thị Hạnh", "permanent_residence": "Thôn Đông, xã Tân Phong",
            "birth_register_book": "02/2026", "birth_register_number": 118}
    while_at_police = slip(demo, dossier.id, "congan")  # the police see the dossier they hold
    assert while_at_police.holders == [POLICE]
    assert while_at_police.path == [COMMITTEE, POLICE]
    assert shares(while_at_police)[POLICE][1:] == (None, True)

    frozen_clock.current = police_done
    police.take_and_complete(dossier.id, REGISTER, expect_step="register_residence")
    # The confirmation woke the committee, which sent the card request to BHXH at once and now returns.
    assert state(demo, dossier.id) == (9, [("return_result", "reception", demo.commune)],
                                       ("completed", "register_residence", 4, 9, police.id))
    with demo.motcua.read_session() as s:
        last = s.query(AuditEvent).filter_by(dossier_id=dossier.id).order_by(AuditEvent.id.desc()).first()
        assert last.detail["events"] == ["ho_so_cap_the_bhyt"]

    frozen_clock.current = police_done + timedelta(hours=1)
    reception.take_and_complete(dossier.id, RETURN, expect_step="return_result")
    assert state(demo, dossier.id) == (10, [], ("completed", "return_result", 9, 10, reception.id))

    final = slip(demo, dossier.id)
    assert rows(final) == [
        (COMMITTEE, "reception", COMMITTEE, "specialist", at(23, 9), EARLY),
        (COMMITTEE, "specialist", COMMITTEE, "leader", at(23, 10), EARLY),
        (COMMITTEE, "leader", COMMITTEE, "specialist", at(23, 14), EARLY),
        (COMMITTEE, "specialist", POLICE, "specialist", at(23, 14, 30), EARLY),
        (POLICE, "specialist", COMMITTEE, "reception", police_done, verdict),
        (COMMITTEE, "specialist", "BHXH", "", police_done, None),
    ]
    assert final.handovers[-1].receiver.is_partner and final.handovers[-1].step_name == "Hồ sơ đề nghị cấp thẻ BHYT"
    assert final.holders == [] and final.path == [COMMITTEE, POLICE, COMMITTEE, "BHXH"]
    # Committee: 3.5 h on Monday plus the hour to return the result, of its 1.5 working days.
    assert shares(final)[COMMITTEE] == (timedelta(hours=4, minutes=30), EARLY, False)
    assert shares(final)[POLICE] == (police_spent, verdict, False)


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
