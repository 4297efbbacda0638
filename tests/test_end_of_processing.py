"""Result ready (status 9) ends processing: ``finished_at`` is that moment, a result collected a
week later stays early or on time, and nothing treats the waiting dossier as overdue."""
from __future__ import annotations

from datetime import timedelta

from engine import commands
from engine.commands.reception import Applicant
from engine.models import Dossier, Escalation
from engine.statistics import EARLY, Period, figures, verdict
from engine.scheduler.escalation import sweep_late_dossiers
from engine.statuses import DossierStatus
from tests.test_reference_procedure import APPRAISAL, Officer, current_item

APPROVAL = {"decision": "approve", "leader_opinion": "Đồng ý."}
RECORD = {"register_book": "01/2026", "register_number": 15, "registered_on": "2026-11-23"}
RETURN = {"returned_to": "Nguyễn Văn An", "return_method": "counter"}


def result_ready(demo, frozen_clock):
    """Receive on Monday 09:00, appraise, approve and record the marriage within the day."""
    reception, specialist, leader = (Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    dossier = commands.receive(demo.motcua.uow(), actor_id=reception.id, agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    for officer, data, step in ((specialist, APPRAISAL, "appraise"), (leader, APPROVAL, "approve"),
                                (specialist, RECORD, "record_marriage")):
        frozen_clock.advance(timedelta(hours=1))
        officer.take_and_complete(dossier.id, data, expect_step=step)
    return dossier.id, reception


def row(demo, dossier_id) -> Dossier:
    with demo.motcua.read_session() as s:
        return s.get(Dossier, dossier_id)


def test_result_ready_is_the_end_of_processing_and_collecting_later_does_not_move_it(demo, frozen_clock):
    dossier_id, reception = result_ready(demo, frozen_clock)
    ready = row(demo, dossier_id)
    assert ready.status == DossierStatus.RESULT_READY
    assert ready.finished_at == frozen_clock() and ready.apology_check_at is None and ready.returned_at is None
    ended = frozen_clock()
    frozen_clock.advance(timedelta(days=10))  # collected long after the due date
    assert sweep_late_dossiers(demo.motcua.uow()).will_be_late == 0  # waiting for the citizen is not late
    with demo.motcua.read_session() as s:
        assert s.query(Escalation).count() == 0
        counts = figures(s, Period.month(2026, 11), now=frozen_clock())
        assert (counts["early"], counts["overdue"], counts["late"]) == (1, 0, 0)  # not overdue while it waits
    reception.take_and_complete(dossier_id, RETURN, expect_step="return_result")
    returned = row(demo, dossier_id)
    assert returned.status == DossierStatus.RESULT_RETURNED
    assert returned.finished_at == ended and returned.returned_at == frozen_clock()
    assert verdict(status=returned.status, finished_at=returned.finished_at, original_due_at=returned.original_due_at,
                   supplement_count=returned.supplement_count, timezone="Asia/Ho_Chi_Minh", at=frozen_clock()) == EARLY


def test_a_dossier_stopped_after_its_result_was_ready_keeps_the_earlier_end(demo, frozen_clock):
    dossier_id, _ = result_ready(demo, frozen_clock)
    ended = row(demo, dossier_id).finished_at
    frozen_clock.advance(timedelta(days=40))
    commands.stop(demo.motcua.uow(), actor_id=demo.users["lanhdao"], dossier_id=dossier_id,
                  reason="Công dân không đến nhận kết quả.")
    stopped = row(demo, dossier_id)
    assert stopped.status == DossierStatus.STOPPED and stopped.finished_at == ended
