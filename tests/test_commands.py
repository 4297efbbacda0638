"""Each command: who may do it, what it refuses, and that a refusal changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine import commands
from engine.commands.reception import Applicant
from engine.errors import AlreadyClaimed, FormInvalid, InvalidState, NotFound
from engine.models import AuditEvent, Dossier, WorkItem
from engine.runtime.host import step_data
from engine.statuses import DossierStatus

APPRAISAL = {"conditions_met": True, "appraisal_opinion": "Đủ điều kiện kết hôn."}


def receive(demo, who="tiepnhan", name="Nguyễn Văn An", agency=None):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users[who], agency_id=agency or demo.commune,
                            procedure_key="dang_ky_ket_hon", applicant=Applicant(name=name))


def item_of(demo, dossier_id) -> WorkItem:
    with demo.motcua.read_session() as s:
        return s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open").one()


def claim(demo, who, item):
    return commands.claim(demo.motcua.uow(), actor_id=demo.users[who], work_item_id=item.id)


def dossier_row(demo, dossier_id):
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier_id)
        return d.status, d.revision, d.workflow_state, s.query(AuditEvent).filter_by(dossier_id=d.id).count()


def audit_actions(demo, dossier_id):
    with demo.motcua.read_session() as s:
        return [e.action for e in s.query(AuditEvent).filter_by(dossier_id=dossier_id).order_by(AuditEvent.id)]


# receive -------------------------------------------------------------------------------------

def test_codes_are_numbered_per_agency_and_day(demo, frozen_clock):
    codes = [receive(demo, name=f"Công dân {i}").code for i in range(3)]
    assert codes == [f"000.31.21.H56-261123-000{i}" for i in (1, 2, 3)]
    frozen_clock.advance(timedelta(hours=16))  # 01:00 next day in Hà Nội, still 23/11 in UTC
    assert receive(demo).code == "000.31.21.H56-261124-0001"


def test_only_a_reception_officer_of_the_agency_can_receive(demo):
    with pytest.raises(NotFound):
        receive(demo, who="chuyenvien")
    with pytest.raises(NotFound):
        receive(demo, agency=demo.police)  # tiepnhan has no role at the police
    with demo.motcua.read_session() as s:
        assert s.query(Dossier).count() == 0


def test_receive_reports_missing_applicant_and_unknown_procedure(demo):
    with pytest.raises(FormInvalid) as info:
        receive(demo, name="  ")
    assert info.value.field_errors == {"applicant_name": ["Trường này là bắt buộc."]}
    with pytest.raises(NotFound):
        commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                         procedure_key="khong_ton_tai", applicant=Applicant(name="A"))
    with demo.motcua.read_session() as s:
        assert s.query(Dossier).count() == 0


# claim / release -----------------------------------------------------------------------------

def test_claim_needs_the_steps_agency_and_role(demo):
    item = item_of(demo, receive(demo).id)
    for outsider in ("tiepnhan", "lanhdao", "congan"):
        with pytest.raises(NotFound):
            claim(demo, outsider, item)
    assert item_of(demo, item.dossier_id).assignee_id is None


def test_a_claimed_item_names_its_holder_to_the_next_claimant(demo):
    item = item_of(demo, receive(demo).id)
    claim(demo, "chuyenvien", item)
    with pytest.raises(AlreadyClaimed) as info:
        claim(demo, "chuyenvien2", item)
    assert info.value.message_vi == "Công việc đã được Trần Văn Minh nhận xử lý."
    assert info.value.message_en == "Already claimed by Trần Văn Minh."
    assert item_of(demo, item.dossier_id).assignee_id == demo.users["chuyenvien"]


def test_release_by_the_holder_or_a_supervisor_only(demo):
    item = item_of(demo, receive(demo).id)
    claim(demo, "chuyenvien", item)
    with pytest.raises(AlreadyClaimed):
        commands.release(demo.motcua.uow(), actor_id=demo.users["chuyenvien2"], work_item_id=item.id)
    commands.release(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id)
    assert item_of(demo, item.dossier_id).assignee_id is None
    claim(demo, "chuyenvien2", item)
    commands.release(demo.motcua.uow(), actor_id=demo.users["giamsat"], work_item_id=item.id)
    assert item_of(demo, item.dossier_id).assignee_id is None
    assert audit_actions(demo, item.dossier_id)[-4:] == ["claimed", "released", "claimed", "released"]


# complete ------------------------------------------------------------------------------------

def test_only_the_claimant_completes(demo):
    dossier = receive(demo)
    item = item_of(demo, dossier.id)
    with pytest.raises(InvalidState):
        commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data=APPRAISAL)
    claim(demo, "chuyenvien", item)
    with pytest.raises(InvalidState):
        commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien2"], work_item_id=item.id, data=APPRAISAL)
    with pytest.raises(NotFound):
        commands.complete(demo.motcua.uow(), actor_id=demo.users["congan"], work_item_id=item.id, data=APPRAISAL)
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data=APPRAISAL)


def test_invalid_form_data_reports_every_field_and_changes_nothing(demo):
    dossier = receive(demo)
    item = item_of(demo, dossier.id)
    claim(demo, "chuyenvien", item)
    before = dossier_row(demo, dossier.id)
    with pytest.raises(FormInvalid) as info:
        commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id,
                          data={"conditions_met": "có", "appraisal_opinion": "ok", "extra": 1})
    assert info.value.field_errors == {
        "conditions_met": ["Giá trị phải là có/không."],
        "appraisal_opinion": ["Cần ít nhất 5 ký tự."],
        "extra": ["Trường này không có trong biểu mẫu."],
    }
    assert dossier_row(demo, dossier.id) == before
    assert item_of(demo, dossier.id).state == "open"


def test_send_back_needs_a_reason_and_a_step_that_allows_it(demo):
    dossier = receive(demo)
    item = item_of(demo, dossier.id)
    claim(demo, "chuyenvien", item)
    with pytest.raises(FormInvalid):
        commands.send_back(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, reason=" ")
    with pytest.raises(InvalidState):  # appraisal declares no sendBackData
        commands.send_back(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, reason="x")


def test_an_opinion_left_empty_is_not_the_one_given_when_sending_back(demo):
    """The leader sends back with a reason (their opinion), then approves the new appraisal without
    one: the dossier must not go on showing the old reason as the opinion on the approval."""
    dossier = receive(demo)
    item = item_of(demo, dossier.id)
    claim(demo, "chuyenvien", item)
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data=APPRAISAL)
    item = item_of(demo, dossier.id)
    claim(demo, "lanhdao", item)
    commands.send_back(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=item.id,
                       reason="Chưa xác minh tình trạng hôn nhân.")
    item = item_of(demo, dossier.id)
    claim(demo, "chuyenvien", item)
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data=APPRAISAL)
    approval = item_of(demo, dossier.id)
    assert approval.step_id == "approve"
    with demo.motcua.read_session() as s:  # the sent-back lap's opinion is in the new lap's data
        assert step_data(s, s.get(Dossier, dossier.id), approval.task_id)["leader_opinion"] \
            == "Chưa xác minh tình trạng hôn nhân."
    claim(demo, "lanhdao", approval)
    commands.complete(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=approval.id,
                      data={"decision": "approve"})
    after = item_of(demo, dossier.id)
    with demo.motcua.read_session() as s:
        seen = step_data(s, s.get(Dossier, dossier.id), after.task_id)
    assert seen["decision"] == "approve" and seen.get("leader_opinion") is None
    assert seen["appraisal_opinion"] == APPRAISAL["appraisal_opinion"]  # what other steps gave stays


# reassign --------------------------------------------------------------------------------------

def test_supervisor_reassigns_within_the_same_agency_and_role(demo):
    dossier = receive(demo)
    item = item_of(demo, dossier.id)
    claim(demo, "chuyenvien", item)
    with pytest.raises(NotFound):
        commands.reassign(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=item.id,
                          to_user_id=demo.users["chuyenvien2"])
    with pytest.raises(FormInvalid):
        commands.reassign(demo.motcua.uow(), actor_id=demo.users["giamsat"], work_item_id=item.id,
                          to_user_id=demo.users["congan"])  # a specialist, but of the police
    commands.reassign(demo.motcua.uow(), actor_id=demo.users["giamsat"], work_item_id=item.id,
                      to_user_id=demo.users["chuyenvien2"])
    assert item_of(demo, dossier.id).assignee_id == demo.users["chuyenvien2"]
    with demo.motcua.read_session() as s:
        event = s.query(AuditEvent).filter_by(dossier_id=dossier.id, action="reassigned").one()
        assert event.actor_id == demo.users["giamsat"]
        assert event.detail == {"previous_assignee": demo.users["chuyenvien"], "new_assignee": demo.users["chuyenvien2"]}
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien2"], work_item_id=item.id, data=APPRAISAL)


# withdraw / stop -------------------------------------------------------------------------------

def test_withdrawal_closes_the_dossier_and_its_open_steps(demo):
    dossier = receive(demo)
    item = item_of(demo, dossier.id)
    claim(demo, "chuyenvien", item)
    commands.withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id,
                      reason="Công dân có đơn xin rút hồ sơ.")
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        assert d.status == DossierStatus.WITHDRAWN and d.finished_at is not None
        assert s.get(WorkItem, item.id).state == "cancelled"
    with pytest.raises(InvalidState):
        commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data=APPRAISAL)
    with pytest.raises(InvalidState):
        commands.stop(demo.motcua.uow(), actor_id=demo.users["lanhdao"], dossier_id=dossier.id, reason="x")
    assert audit_actions(demo, dossier.id)[-1] == "withdrawn"


def test_stop_needs_a_leader_and_a_reason(demo):
    dossier = receive(demo)
    with pytest.raises(NotFound):
        commands.stop(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], dossier_id=dossier.id, reason="x")
    with pytest.raises(FormInvalid):
        commands.stop(demo.motcua.uow(), actor_id=demo.users["lanhdao"], dossier_id=dossier.id, reason="")
    assert dossier_row(demo, dossier.id)[0] == DossierStatus.RECEIVED
    commands.stop(demo.motcua.uow(), actor_id=demo.users["lanhdao"], dossier_id=dossier.id,
                  reason="Cơ quan có thẩm quyền yêu cầu dừng.")
    assert dossier_row(demo, dossier.id)[0] == DossierStatus.STOPPED
    with demo.motcua.read_session() as s:
        assert s.query(WorkItem).filter_by(dossier_id=dossier.id, state="open").count() == 0


# audit ------------------------------------------------------------------------------------------

def test_audit_events_cannot_be_changed_or_deleted(demo):
    dossier = receive(demo)
    for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
        with demo.motcua.db.connect() as conn:
            with pytest.raises(DBAPIError) as info:
                conn.execute(text(statement))
            assert "append-only" in str(info.value)
    assert audit_actions(demo, dossier.id) == ["received", "started"]
