"""A collaboration diagram inside one dossier: death registration (UBND xã) and residence
deregistration (Công an xã), linked by messages, driven through the engine's commands."""
from __future__ import annotations

import pytest

from engine import commands
from engine.commands.reception import Applicant
from engine.errors import NotFound
from engine.models import AuditEvent, Dossier, WorkItem
from engine.runtime.host import load_workflow
from engine.statuses import DossierStatus

PROCEDURE = "lien_thong_khai_tu"
APPRAISAL = {
    "deceased_name": "Hoàng Văn Bảy", "deceased_birth_date": "1940-03-02", "deceased_id_number": "001040000777",
    "death_date": "2026-11-20", "death_place": "Thôn Đông, xã Tân Phong", "death_cause": "Già yếu",
    "permanent_residence": "Thôn Đông, xã Tân Phong", "death_notice_checked": True, "conditions_met": True,
    "appraisal_opinion": "Hồ sơ đầy đủ, đủ điều kiện đăng ký khai tử.",
}
RECORD = {"register_book": "01/2026", "register_number": 42, "registered_on": "2026-11-23"}
DEREGISTER = {"residence_deregistered": True, "deregistered_on": "2026-11-23",
              "police_note": "Đã xóa thường trú theo Trích lục khai tử số 42."}
RETURN = {"returned_to": "Hoàng Thị Tám", "return_method": "counter"}


class Officer:
    def __init__(self, demo, username):
        self.demo, self.id = demo, demo.users[username]

    def claim(self, item):
        return commands.claim(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id)

    def take_and_complete(self, dossier_id, data, *, expect_step):
        item = open_item(self.demo, dossier_id)
        assert item.step_id == expect_step
        self.claim(item)
        commands.complete(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id, data=data)
        return item


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


def ready_task_data(demo, dossier_id, step_id) -> dict:
    """What the officer's form opens with: the data of the READY task in the dossier's workflow."""
    with demo.motcua.read_session() as s:
        workflow = load_workflow(s.get(Dossier, dossier_id))
        [task] = [t for t in workflow.get_tasks(manual=True) if t.task_spec.bpmn_id == step_id
                  and t.state == 16]  # TaskState.READY
        return dict(task.data)


def receive(demo, reception, name="Hoàng Thị Tám"):
    return commands.receive(demo.motcua.uow(), actor_id=reception.id, agency_id=demo.commune,
                            procedure_key=PROCEDURE, applicant=Applicant(name=name, address="Thôn Đông, xã Tân Phong"))


def through_committee_to_police(demo, dossier_id):
    Officer(demo, "chuyenvien").take_and_complete(dossier_id, APPRAISAL, expect_step="appraise")
    Officer(demo, "lanhdao").take_and_complete(dossier_id, {"decision": "approve", "leader_opinion": "Đồng ý."},
                                               expect_step="approve")
    Officer(demo, "chuyenvien").take_and_complete(dossier_id, RECORD, expect_step="record_death")


def test_police_step_lands_in_the_police_inbox_and_the_dossier_returns_to_the_committee(demo):
    reception, specialist, leader, supervisor, police = (
        Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao", "giamsat", "congan"))
    c, p = demo.commune, demo.police
    dossier = receive(demo, reception)
    assert state(demo, dossier.id) == (2, [("appraise", "specialist", c)], ("started", None, 2, 2, reception.id))

    # The police officer holds the specialist role too, but in another agency: not theirs.
    with pytest.raises(NotFound):
        police.claim(open_item(demo, dossier.id))

    through_committee_to_police(demo, dossier.id)
    # The committee's message started the police pool: its step is the police agency's work.
    assert state(demo, dossier.id) == (4, [("deregister_residence", "specialist", p)],
                                       ("completed", "record_death", 4, 4, specialist.id))
    sent = ready_task_data(demo, dossier.id, "deregister_residence")["death_notice"]
    assert sent == {"deceased_name": "Hoàng Văn Bảy", "deceased_id_number": "001040000777", "death_date": "2026-11-20",
                    "permanent_residence": "Thôn Đông, xã Tân Phong", "death_register_book": "01/2026",
                    "death_register_number": 42, "death_registered_on": "2026-11-23"}

    police_item = open_item(demo, dossier.id)
    for committee_officer in (specialist, leader, supervisor, reception):
        with pytest.raises(NotFound):
            committee_officer.claim(police_item)

    police.take_and_complete(dossier.id, DEREGISTER, expect_step="deregister_residence")
    # The police's confirmation woke the committee pool, which returns the result.
    assert state(demo, dossier.id) == (9, [("return_result", "reception", c)],
                                       ("completed", "deregister_residence", 4, 9, police.id))
    assert ready_task_data(demo, dossier.id, "return_result")["police_confirmation"] == {
        "residence_deregistered": True, "deregistered_on": "2026-11-23"}

    reception.take_and_complete(dossier.id, RETURN, expect_step="return_result")
    assert state(demo, dossier.id) == (10, [], ("completed", "return_result", 9, 10, reception.id))

    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        assert d.finished_at is not None and d.failure is None
        history = [(e.action, e.step_id, e.actor_id) for e in
                   s.query(AuditEvent).filter_by(dossier_id=d.id).order_by(AuditEvent.id)]
        done = {w.step_id: (w.agency_id, w.finished_by_id) for w in s.query(WorkItem).filter_by(dossier_id=d.id)}
    assert history == [
        ("received", None, reception.id), ("started", None, reception.id),
        ("claimed", "appraise", specialist.id), ("completed", "appraise", specialist.id),
        ("claimed", "approve", leader.id), ("completed", "approve", leader.id),
        ("claimed", "record_death", specialist.id), ("completed", "record_death", specialist.id),
        ("claimed", "deregister_residence", police.id), ("completed", "deregister_residence", police.id),
        ("claimed", "return_result", reception.id), ("completed", "return_result", reception.id),
    ]
    assert done["deregister_residence"] == (p, police.id)
    assert done["return_result"] == (c, reception.id)


def test_a_refused_dossier_never_reaches_the_police_even_after_another_one_did(demo):
    """A pool that starts on a message must not start for later dossiers of the same version.

    SpiffWorkflow rewires the (shared, cached) spec the first time such a pool starts; without
    our pre-wiring, the second dossier would start the police pool at once and, refused, never end.
    """
    reception, leader = Officer(demo, "tiepnhan"), Officer(demo, "lanhdao")
    first = receive(demo, reception)
    through_committee_to_police(demo, first.id)
    assert state(demo, first.id)[1] == [("deregister_residence", "specialist", demo.police)]

    refused = receive(demo, reception, name="Trịnh Văn Chín")
    Officer(demo, "chuyenvien").take_and_complete(refused.id, APPRAISAL, expect_step="appraise")
    leader.take_and_complete(refused.id, {"decision": "refuse", "leader_opinion": "Không thuộc thẩm quyền của xã."},
                             expect_step="approve")
    assert state(demo, refused.id)[:2] == (9, [("return_refusal", "reception", demo.commune)])
    reception.take_and_complete(refused.id, RETURN, expect_step="return_refusal")
    assert state(demo, refused.id) == (DossierStatus.RESULT_RETURNED, [],
                                       ("completed", "return_refusal", 9, 10, reception.id))
    with demo.motcua.read_session() as s:
        assert s.query(WorkItem).filter_by(dossier_id=refused.id, agency_id=demo.police).count() == 0
    # The first dossier is untouched and still waits for the police.
    assert state(demo, first.id)[:2] == (4, [("deregister_residence", "specialist", demo.police)])


def test_the_leader_can_send_the_death_registration_back_to_the_specialist(demo):
    reception, specialist, leader = (Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    dossier = receive(demo, reception)
    specialist.take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")
    item = open_item(demo, dossier.id)
    leader.claim(item)
    commands.send_back(demo.motcua.uow(), actor_id=leader.id, work_item_id=item.id,
                       reason="Bổ sung bản sao Giấy báo tử.")
    # Back to appraisal, handed to the specialist who did it (the last event says so).
    assert state(demo, dossier.id) == (4, [("appraise", "specialist", demo.commune)],
                                       ("reassigned", "appraise", 4, 4, leader.id))
