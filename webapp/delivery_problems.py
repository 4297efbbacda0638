"""Why a message did not go out, in a sentence for the officer or administrator who reads the
outbox pages. The outboxes record the raw failure (``URLError: <urlopen error [Errno 111] …>``,
``HTTP 503``) for the logs and for whoever fixes the connection; pages show this sentence and keep
the raw text folded under "Chi tiết kỹ thuật" (templates/_technical.html)."""
from __future__ import annotations

import re

from flask_babel import gettext as _

from engine.partners.outbox import PAYLOAD_REFUSED

_HTTP = re.compile(r"\b(?:HTTP(?:Error)?:?\s*|operator answered\s+)([1-5]\d\d)\b")


def plain_delivery_problem(raw: str | None) -> str:
    if not raw:
        return "—"
    if raw.startswith(PAYLOAD_REFUSED):  # the partner's own words on each wrong field (Vietnamese)
        return _("Máy nhận từ chối nội dung thư: %(what)s", what=raw[len(PAYLOAD_REFUSED):])
    text = raw.lower()
    # Nothing to send with (integrations/mail.py, integrations/sms.py): no connection will ever
    # work until the setting is made, so say which one, not that "sending failed".
    if "no smtp server configured" in text:
        return _("Chưa cấu hình máy chủ thư: hãy đặt MOTCUA_SMTP_HOST (docs/OPERATIONS.md).")
    if "no sms operator configured" in text:
        return _("Chưa cấu hình nhà mạng gửi tin nhắn SMS: hãy đặt MOTCUA_SMS_URL (README.md).")
    if "refused" in text and ("errno 111" in text or "connection" in text):
        return _("Không kết nối được tới máy nhận: máy nhận không trả lời.")
    if "timed out" in text or "timeout" in text:
        return _("Máy nhận không trả lời kịp.")
    if "name or service not known" in text or "getaddrinfo" in text or "nodename" in text:
        return _("Không tìm thấy địa chỉ của máy nhận.")
    if "ssl" in text or "certificate" in text:
        return _("Không lập được kết nối bảo mật tới máy nhận.")
    status = _HTTP.search(raw)
    if status and status.group(1).startswith("5"):
        return _("Máy nhận đang gặp sự cố (mã %(code)s).", code=status.group(1))
    if status and status.group(1).startswith("4"):
        return _("Máy nhận từ chối thư (mã %(code)s).", code=status.group(1))
    if "unreachable" in text or "errno" in text or "urlopen" in text:
        return _("Không kết nối được tới máy nhận.")
    return _("Gửi không thành công.")
