"""Marriage registration (Đăng ký kết hôn, 1.000894) from reception to result, through the commands."""
from __future__ import annotations

from engine import commands
from engine.commands.reception import Applicant
from engine.models import AuditEvent, Dossier, WorkItem
from engine.statuses import DossierStatus

APPRAISAL = {"conditions_met": True, "marital_status_verified": True,
             "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}


class Officer:
    """One officer acting through the engine's commands, as the inbox will."""

    def __init__(self, demo, username):
        self.demo, self.id = demo, demo.users[username]

    def take_and_complete(self, dossier_id, data, *, expect_step):
        item = current_item(self.demo, dossier_id)
        assert item.step_id == expect_step
        commands.claim(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id)
        commands.complete(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id, data=data)
        return item

    def send_back(self, dossier_id, reason):
        item = current_item(self.demo, dossier_id)
        commands.claim(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id)
        commands.send_back(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id, reason=reason)


def current_item(demo, dossier_id) -> WorkItem:
    with demo.motcua.read_session() as s:
        return s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open").one()


def state(demo, dossier_id):
    """Status, the open step with its role, and the last audit event (action, step, before → after)."""
    with demo.motcua.read_session() as s:
        dossier = s.get(Dossier, dossier_id)
        open_items = [(w.step_id, w.role, w.agency_id) for w in s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open")]
        last = s.query(AuditEvent).filter_by(dossier_id=dossier_id).order_by(AuditEvent.id.desc()).first()
        return dossier.status, open_items, (last.action, last.step_id, last.status_before, last.status_after, last.actor_id)


def test_marriage_registration_from_reception_to_result(demo):
    reception, specialist, leader = (Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    dossier = commands.receive(
        demo.motcua.uow(), actor_id=reception.id, agency_id=demo.commune, procedure_key="dang_ky_ket_hon",
        applicant=Applicant(name="Nguyễn Văn An", id_number="001099000123", address="Thôn Đông, xã Tân Phong",
                            phone="0912345678", email="an@example.vn"))
    # Received on Monday 23/11/2026 in Hà Nội time: code = agency code, day, sequence.
    assert dossier.code == "000.31.21.H56-261123-0001"
    c = demo.commune
    assert state(demo, dossier.id) == (2, [("appraise", "specialist", c)], ("started", None, 2, 2, reception.id))

    specialist.take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")
    assert state(demo, dossier.id) == (4, [("approve", "leader", c)], ("completed", "appraise", 2, 4, specialist.id))

    leader.send_back(dossier.id, "Đề nghị xác minh thêm tình trạng hôn nhân.")
    # Back to the specialist who appraised it, in his own work (issue 12), not the unit's queue.
    assert state(demo, dossier.id) == (4, [("appraise", "specialist", c)], ("reassigned", "appraise", 4, 4, leader.id))

    specialist.take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")
    leader.take_and_complete(dossier.id, {"decision": "approve", "leader_opinion": "Đồng ý."}, expect_step="approve")
    assert state(demo, dossier.id) == (4, [("record_marriage", "specialist", c)], ("completed", "approve", 4, 4, leader.id))

    specialist.take_and_complete(dossier.id, {"register_book": "01/2026", "register_number": 125,
                                              "registered_on": "2026-11-23"}, expect_step="record_marriage")
    assert state(demo, dossier.id) == (9, [("return_result", "reception", c)],
                                       ("completed", "record_marriage", 4, 9, specialist.id))

    reception.take_and_complete(dossier.id, {"returned_to": "Nguyễn Văn An", "return_method": "counter"},
                                expect_step="return_result")
    assert state(demo, dossier.id) == (10, [], ("completed", "return_result", 9, 10, reception.id))

    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        assert d.finished_at is not None and d.failure is None
        history = [(e.action, e.step_id) for e in s.query(AuditEvent).filter_by(dossier_id=d.id).order_by(AuditEvent.id)]
    assert history == [
        ("received", None), ("started", None),
        ("claimed", "appraise"), ("completed", "appraise"),
        ("claimed", "approve"), ("sent_back", "approve"),
        ("reassigned", "appraise"), ("completed", "appraise"),
        ("claimed", "approve"), ("completed", "approve"),
        ("claimed", "record_marriage"), ("completed", "record_marriage"),
        ("claimed", "return_result"), ("completed", "return_result"),
    ]


def test_refusal_path_returns_the_refusal_and_closes_the_dossier(demo):
    reception, specialist, leader = (Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    dossier = commands.receive(demo.motcua.uow(), actor_id=reception.id, agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Lê Văn Cường"))
    specialist.take_and_complete(dossier.id, {"conditions_met": False, "appraisal_opinion": "Chưa đủ tuổi kết hôn."},
                                 expect_step="appraise")
    leader.take_and_complete(dossier.id, {"decision": "refuse", "leader_opinion": "Không đủ điều kiện."},
                             expect_step="approve")
    assert state(demo, dossier.id)[:2] == (9, [("return_refusal", "reception", demo.commune)])
    reception.take_and_complete(dossier.id, {"returned_to": "Lê Văn Cường", "return_method": "counter"},
                                expect_step="return_refusal")
    assert state(demo, dossier.id)[0] == DossierStatus.RESULT_RETURNED
