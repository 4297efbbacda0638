"""Administrators' action on mail the outbox gave up: send it again, from a fresh count of tries
(after the mail server's problem was fixed). A message to an address that is not one valid e-mail
address cannot be sent again: correcting the address is the dossier's business, not the outbox's."""
from __future__ import annotations

from engine import clock, contact
from engine.commands.calendar_admin import require_admin
from engine.errors import InvalidState, NotFound
from engine.models import OutgoingMail


def resend(uow, *, actor_id: int, mail_id: int) -> OutgoingMail:
    with uow:
        session = uow.session
        require_admin(session, actor_id)
        mail = session.get(OutgoingMail, mail_id)
        if mail is None:
            raise NotFound("Không tìm thấy thư.", "Mail not found.")
        if mail.failed_at is None:
            raise InvalidState("Thư này không ở trạng thái gửi thất bại.", "This mail has not failed for good.")
        if contact.email_problem(mail.to_address):
            raise InvalidState("Địa chỉ email của thư này không hợp lệ nên không thể gửi lại.",
                               "This mail's address is not a valid e-mail address, so it cannot be sent again.")
        mail.failed_at, mail.attempts, mail.next_attempt_at = None, 0, clock.now()
        uow.commit()
        return mail
