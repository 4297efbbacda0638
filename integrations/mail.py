"""Mail over SMTP (standard library), implementing engine.ports.Mailer."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from engine.ports import MailRefused


class SmtpMailer:
    def __init__(self, host: str, port: int = 25, sender: str = "motcua@localhost", *,
                 username: str | None = None, password: str | None = None, starttls: bool = False,
                 timeout: float = 10):
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        message = EmailMessage()
        try:
            message["From"], message["To"], message["Subject"] = self.sender, to, subject
        except ValueError as exc:  # a header that cannot be written (CR/LF in the address)
            raise MailRefused(f"invalid header: {exc}") from None
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{message_id}@motcua>"
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            if all(500 <= code < 600 for code, _ in exc.recipients.values()):
                raise MailRefused(_answers(exc.recipients)) from None
            raise
        except smtplib.SMTPDataError as exc:
            if 500 <= exc.smtp_code < 600:
                raise MailRefused(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
            raise


def _text(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _answers(recipients: dict) -> str:
    return "; ".join(f"{address}: {code} {_text(answer)}" for address, (code, answer) in recipients.items())


class NullMailer:
    """When no SMTP server is configured: mail stays in the outbox, untried, nothing is lost; the
    scheduler sends it once a server is configured (it does not spend the retries on it)."""

    configured = False

    def send(self, **_):
        raise RuntimeError("no SMTP server configured (MOTCUA_SMTP_HOST)")
