"""Who signs the apology (form 04), when issuing it is late, and what the reprinted receipt shows."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.accounts import ensure_user, grant
from engine.errors import NotFound
from engine.models import Agency, Apology, AuditEvent
from engine.queries.apologies import apology_state
from tests.test_supervision_escalations import apologise, at, read, receive, timed  # noqa: F401 (fixture)
from tests.web.conftest import browser  # noqa: F401 (fixture)


def only_supervisor(demo) -> int:
    """An officer who supervises the commune without being one of its leaders."""
    with demo.motcua.uow() as uow:
        user = ensure_user(uow.session, username="giamsat2", full_name="Hồ Thị Giang", password="giam-sat-2-mat-khau")
        grant(uow.session, user, uow.session.get(Agency, demo.commune), "supervisor")
        uow.commit()
        return user.id


def test_only_a_leader_of_the_agency_signs(timed, frozen_clock):
    dossier = receive(timed)
    supervisor = only_supervisor(timed)
    timed.users["giamsat2"] = supervisor
    frozen_clock.current = at(25, 10)
    with pytest.raises(NotFound):
        apologise(timed, dossier.id, at(30, 17), username="giamsat2")
    with timed.motcua.read_session() as s:
        state = apology_state(s, supervisor, dossier.id)
        assert (state.may_issue, state.leader_signs, state.needs_apology) == (False, True, True)
        assert s.execute(select(Apology)).first() is None
    apology = apologise(timed, dossier.id, at(30, 17), username="lanhdao")
    assert apology.issued_by_id == timed.users["lanhdao"]


def test_issuing_after_the_last_legal_moment_is_allowed_but_flagged(timed, frozen_clock):
    on_time, late = receive(timed, name="Nguyễn Văn An"), receive(timed, name="Trần Thị Bình")
    # Due Thursday 26/11 09:00: the apology is due by Wednesday 25/11 09:00.
    frozen_clock.current = at(25, 8, 59)
    assert apologise(timed, on_time.id, at(30, 17), username="lanhdao").issued_late is False
    frozen_clock.current = at(26, 10)  # after the due date itself
    apology = apologise(timed, late.id, at(30, 17), username="lanhdao")
    assert apology.issued_late is True
    with timed.motcua.read_session() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.dossier_id == late.id,
                                                   AuditEvent.action == "apology_issued")).scalar_one()
    assert event.detail["issued_late"] is True


def test_the_reprinted_receipt_keeps_the_original_appointment_with_the_new_one_beside_it(timed, frozen_clock, browser):
    dossier = receive(timed)
    frozen_clock.current = at(25, 10)
    apologise(timed, dossier.id, at(30, 17), username="lanhdao")
    html = browser("tiepnhan").text(f"/dossiers/{dossier.id}/receipt")
    assert ("Thời gian trả kết quả giải quyết hồ sơ: <strong>26/11/2026 09:00</strong> "
            "<span class=\"moved\">(hẹn lại: 30/11/2026 17:00, theo phiếu xin lỗi ngày 25/11/2026)</span>") in html
