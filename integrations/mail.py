"""Mail over SMTP (standard library), implementing engine.ports.Mailer."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate


class SmtpMailer:
    def __init__(self, host: str, port: int = 25, sender: str = "motcua@localhost", *,
                 username: str | None = None, password: str | None = None, starttls: bool = False,
                 timeout: float = 10):
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{message_id}@motcua>"
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


class NullMailer:
    """When no SMTP server is configured: mail stays in the outbox, nothing is lost."""

    def send(self, **_):
        raise RuntimeError("no SMTP server configured (MOTCUA_SMTP_HOST)")
