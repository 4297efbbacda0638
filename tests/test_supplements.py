"""Supplement during processing: a step asks for more (form 02, status 5, mail), the counter records
the supplement, the dossier goes back to the step that asked with its time limit restarted; the
3-working-day window and repeated requests are flagged. Every shipped procedure models it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import commands
from engine.calendar import parse_time_limit
from engine.calendar.store import calendar_for
from engine.commands.reception import Applicant
from engine.commands.supplements import record_supplement, request_supplement
from engine.errors import FormInvalid, InvalidState
from engine.models import Agency, AuditEvent, Dossier, DossierDocument, OutgoingMail, SupplementRequest, WorkItem
from engine.statuses import DossierStatus
from engine.supplements import window_ends
from tests.conftest import VN

MISSING = ["Bản sao Giấy xác nhận tình trạng hôn nhân", "Ảnh chân dung 4x6"]
REASON = "Thiếu giấy tờ chứng minh tình trạng hôn nhân của bên nam."
# Where each shipped procedure is received and which step may ask.
SHIPPED = {
    "dang_ky_ket_hon": ("commune_committee", "tiepnhan", "appraise", "chuyenvien"),
    "dang_ky_ho_kinh_doanh": ("commune_committee", "tiepnhan", "appraise", "chuyenvien"),
    "lien_thong_khai_sinh": ("commune_committee", "tiepnhan", "appraise", "chuyenvien"),
    "lien_thong_khai_tu": ("commune_committee", "tiepnhan", "appraise", "chuyenvien"),
    "dang_ky_bien_dong_dat": ("land_registration_office", "motcuadatdai", "check_dossier", "diachinh"),
}


def receive(demo, procedure="dang_ky_ket_hon"):
    kind, receiver, _step, _officer = SHIPPED[procedure]
    return commands.receive(demo.motcua.uow(), actor_id=demo.users[receiver], agency_id=demo.agencies[kind],
                            procedure_key=procedure,
                            applicant=Applicant(name="Nguyễn Văn An", email="an@example.vn"))


def open_item(demo, dossier_id) -> WorkItem:
    with demo.motcua.read_session() as s:
        return s.execute(select(WorkItem).where(WorkItem.dossier_id == dossier_id, WorkItem.state == "open")).scalar_one()


def claimed(demo, dossier_id, who) -> int:
    item = open_item(demo, dossier_id)
    if item.assignee_id is None:
        commands.claim(demo.motcua.uow(), actor_id=demo.users[who], work_item_id=item.id)
    return item.id


def dossier(demo, dossier_id) -> Dossier:
    with demo.motcua.read_session() as s:
        return s.get(Dossier, dossier_id)


def ask(demo, dossier_id, who="chuyenvien", missing=MISSING):
    return request_supplement(demo.motcua.uow(), actor_id=demo.users[who],
                              work_item_id=claimed(demo, dossier_id, who), missing=missing, reason=REASON)


def give(demo, dossier_id, who="tiepnhan", received=MISSING):
    return record_supplement(demo.motcua.uow(), actor_id=demo.users[who],
                             work_item_id=claimed(demo, dossier_id, who), received=received)


def test_asking_stops_the_clock_and_tells_the_citizen_what_to_bring(demo, frozen_clock):
    d = receive(demo)
    frozen_clock.advance(timedelta(days=1))
    request = ask(demo, d.id)
    after = dossier(demo, d.id)
    assert after.status == DossierStatus.WAITING_FOR_SUPPLEMENT and after.supplement_count == 1
    assert after.clock_paused_at == frozen_clock()
    waiting = open_item(demo, d.id)
    assert (waiting.step_id, waiting.role, waiting.agency_id) == ("wait_supplement", "reception", demo.commune)
    with demo.motcua.read_session() as s:
        stored = s.get(SupplementRequest, request.id)
        assert (stored.stage, stored.dossier_id, stored.step_id, stored.outside_window) == \
            ("processing", d.id, "appraise", False)
        assert [m["name"] for m in stored.missing] == MISSING and stored.note == REASON
        mail = s.execute(select(OutgoingMail).where(~OutgoingMail.dedupe_key.like("status-%"))).scalar_one()  # not the receipt's
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "supplement_requested")).scalar_one()
    assert mail.to_address == "an@example.vn" and d.code in mail.subject
    assert all(item in mail.body for item in MISSING) and REASON in mail.body
    assert (event.status_before, event.status_after, event.detail["request_id"]) == (2, 5, request.id)


def test_the_supplement_brings_the_dossier_back_to_the_step_that_asked_with_the_time_limit_restarted(demo, frozen_clock):
    d = receive(demo)
    frozen_clock.advance(timedelta(days=1))
    ask(demo, d.id)
    frozen_clock.advance(timedelta(days=2))  # Wednesday 09:00: the citizen comes back
    with pytest.raises(FormInvalid) as incomplete:
        give(demo, d.id, received=MISSING[:1])
    assert MISSING[1] in incomplete.value.field_errors["received"][0]
    assert dossier(demo, d.id).status == DossierStatus.WAITING_FOR_SUPPLEMENT
    give(demo, d.id)
    after = dossier(demo, d.id)
    back = open_item(demo, d.id)
    assert back.step_id == "appraise" and back.assignee_id is None  # the specialists' queue again
    assert after.status == DossierStatus.IN_PROCESSING and after.clock_paused_at is None
    with demo.motcua.read_session() as s:
        calendar = calendar_for(s, s.get(Agency, demo.commune))
        assert after.due_at == calendar.deadline(frozen_clock(), parse_time_limit("5 working days"))
        names = s.execute(select(DossierDocument.name).where(DossierDocument.dossier_id == d.id)).scalars().all()
        assert names == MISSING
        assert s.execute(select(SupplementRequest.fulfilled_at)).scalar_one() == frozen_clock()


def test_the_waiting_step_is_finished_only_by_recording_the_supplement(demo):
    d = receive(demo)
    ask(demo, d.id)
    item = claimed(demo, d.id, "tiepnhan")
    with pytest.raises(InvalidState):
        commands.complete(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], work_item_id=item, data={})
    assert dossier(demo, d.id).status == DossierStatus.WAITING_FOR_SUPPLEMENT


def test_a_step_that_may_not_ask_is_refused_and_nothing_changes(demo):
    d = receive(demo)
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=claimed(demo, d.id, "chuyenvien"),
                      data={"conditions_met": True, "appraisal_opinion": "Đủ điều kiện kết hôn."})
    before = dossier(demo, d.id)
    with pytest.raises(InvalidState):
        ask(demo, d.id, who="lanhdao")  # approval declares no supplementRequest
    after = dossier(demo, d.id)
    assert (after.status, after.revision, after.supplement_count) == (before.status, before.revision, 0)
    with demo.motcua.read_session() as s:
        assert s.execute(select(SupplementRequest)).first() is None


def test_asking_needs_a_list_and_a_reason(demo):
    d = receive(demo)
    with pytest.raises(FormInvalid) as refused:
        request_supplement(demo.motcua.uow(), actor_id=demo.users["chuyenvien"],
                           work_item_id=claimed(demo, d.id, "chuyenvien"), missing=["", "  "], reason="")
    assert set(refused.value.field_errors) == {"missing", "reason"}
    assert dossier(demo, d.id).status == DossierStatus.RECEIVED


@pytest.mark.parametrize("pasted", ["Thiếu giấy tờ\x00.", "Thiếu\x07 giấy tờ.", "\x1b[31mThiếu giấy tờ."])
def test_a_reason_with_a_control_character_is_refused_and_nothing_changes(demo, pasted):
    """The reason is printed on form 02 and mailed to the citizen: it was stored as it came."""
    d = receive(demo)
    with pytest.raises(FormInvalid) as refused:
        request_supplement(demo.motcua.uow(), actor_id=demo.users["chuyenvien"],
                           work_item_id=claimed(demo, d.id, "chuyenvien"), missing=MISSING, reason=pasted)
    assert refused.value.field_errors == {"reason": ["Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."]}
    assert dossier(demo, d.id).status == DossierStatus.RECEIVED
    with demo.motcua.read_session() as s:
        assert s.execute(select(SupplementRequest)).first() is None
    asked = request_supplement(demo.motcua.uow(), actor_id=demo.users["chuyenvien"],
                               work_item_id=claimed(demo, d.id, "chuyenvien"), missing=MISSING,
                               reason="Thiếu:\r\n\t- giấy xác nhận tình trạng hôn nhân.")
    assert asked.note == "Thiếu:\r\n\t- giấy xác nhận tình trạng hôn nhân."


def test_asking_late_or_twice_is_flagged_for_statistics(demo, frozen_clock):
    d = receive(demo)
    with demo.motcua.read_session() as s:
        window = window_ends(s, s.get(Dossier, d.id))
    # 3 working days on the commune's calendar: Tuesday 24/11/2026 is a day off there.
    assert window.astimezone(VN).strftime("%d/%m/%Y %H:%M") == "27/11/2026 09:00"
    frozen_clock.current = window - timedelta(minutes=1)
    first = ask(demo, d.id)
    give(demo, d.id)
    frozen_clock.current = window + timedelta(minutes=1)
    second = ask(demo, d.id)
    with demo.motcua.read_session() as s:
        flags = dict(s.execute(select(SupplementRequest.id, SupplementRequest.outside_window)).all())
    assert flags == {first.id: False, second.id: True}
    assert dossier(demo, d.id).supplement_count == 2


@pytest.mark.parametrize("procedure", sorted(SHIPPED))
def test_every_shipped_procedure_asks_waits_and_returns_to_the_step_that_asked(demo, procedure):
    _kind, receiver, step, officer = SHIPPED[procedure]
    d = receive(demo, procedure)
    assert open_item(demo, d.id).step_id == step
    ask(demo, d.id, who=officer)
    assert dossier(demo, d.id).status == DossierStatus.WAITING_FOR_SUPPLEMENT
    assert open_item(demo, d.id).role == "reception"
    give(demo, d.id, who=receiver)
    assert open_item(demo, d.id).step_id == step
    assert dossier(demo, d.id).status == DossierStatus.IN_PROCESSING


@pytest.mark.slow
def test_many_supplement_rounds_keep_the_workflow_shallow(demo):
    """A loop activity, not a back-edge: the task tree does not grow with each round (docs/SPIFFWORKFLOW.md §2)."""
    from engine.runtime.host import load_workflow
    d = receive(demo)

    def depth():
        with demo.motcua.read_session() as s:
            workflow = load_workflow(s.get(Dossier, d.id))
            return max(task.depth for task in workflow.get_tasks())
    ask(demo, d.id)
    give(demo, d.id)
    first = depth()
    for _ in range(60):
        ask(demo, d.id)
        give(demo, d.id)
    assert depth() == first
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=claimed(demo, d.id, "chuyenvien"),
                      data={"conditions_met": True, "appraisal_opinion": "Đủ điều kiện kết hôn."})
    assert open_item(demo, d.id).step_id == "approve"


def test_a_control_character_in_a_line_of_the_list_is_refused_and_nothing_changes(demo):
    """A line of the list is printed on form 02 and mailed: it was stored as it came."""
    d = receive(demo)
    with pytest.raises(FormInvalid) as refused:
        ask(demo, d.id, missing=["Ảnh chân dung 4x6", "Giấy xác nhận\x00 tình trạng hôn nhân"])
    assert refused.value.field_errors == {
        "missing": ["Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."]}
    assert dossier(demo, d.id).status == DossierStatus.RECEIVED
    with demo.motcua.read_session() as s:
        assert s.execute(select(SupplementRequest)).first() is None


def test_a_control_character_in_the_supplements_note_is_refused_and_nothing_changes(demo):
    d = receive(demo)
    ask(demo, d.id)
    item = claimed(demo, d.id, "tiepnhan")
    with pytest.raises(FormInvalid) as refused:
        record_supplement(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], work_item_id=item, received=MISSING,
                          note="Đủ\x1b[0m.")
    assert refused.value.field_errors == {
        "supplement_note": ["Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."]}
    assert dossier(demo, d.id).status == DossierStatus.WAITING_FOR_SUPPLEMENT
    record_supplement(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], work_item_id=item, received=MISSING,
                      note="Đủ:\r\n\t- bản chính.")
    assert dossier(demo, d.id).status == DossierStatus.IN_PROCESSING
