"""Sending a national-portal record that gave up again (administrator)."""
from __future__ import annotations

from engine import audit, clock
from engine.commands.calendar_admin import require_admin
from engine.errors import InvalidState, NotFound
from engine.models import Dossier, PortalOutbox


def resend_dead_letter(uow, *, actor_id: int, outbox_id: int) -> None:
    """From a fresh count of attempts; the dossier's later records follow it in order."""
    with uow:
        session = uow.session
        require_admin(session, actor_id)
        row = session.get(PortalOutbox, outbox_id)
        if row is None:
            raise NotFound("Không tìm thấy bản ghi đồng bộ.", "Sync record not found.")
        if row.dead_at is None:
            raise InvalidState("Bản ghi này không ở trạng thái gửi thất bại.", "This record has not failed for good.")
        row.dead_at, row.attempts, row.next_attempt_at = None, 0, clock.now()
        dossier = session.get(Dossier, row.dossier_id)
        audit.record(session, dossier, "portal_resend", actor_id=actor_id, status_before=dossier.status,
                     record=row.id)
        uow.commit()
