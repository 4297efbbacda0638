"""The national public-service portal's dossier sync API, as a client (standard library HTTP).

Each call posts one dossier record in the portal's envelope::

    {"session": <token issued to the agency>, "madonvi": <agency code>,
     "service": "DongBoHoSoMC", "isUpdating": "true" | "false", "data": [<record>]}

and the portal answers HTTP 200 with ``{"error_code": 0, "message": …}`` when it took the record;
any other ``error_code`` is a refusal with the portal's reason. A refusal and a transport failure
are both raised as ``PortalError``: the delivery job retries both and keeps the reason.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request

SERVICE = "DongBoHoSoMC"


class PortalError(Exception):
    """The portal did not take the record; the message says why, in the portal's words if it gave any."""


class HttpPortalClient:
    def __init__(self, url: str, session_token: str, timeout: float = 10):
        self.url, self.session_token, self.timeout = url, session_token, timeout

    def send(self, agency_code: str, record: dict, *, updating: bool) -> None:
        body = json.dumps({"session": self.session_token, "madonvi": agency_code, "service": SERVICE,
                           "isUpdating": "true" if updating else "false", "data": [record]},
                          ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read()
        except urllib.error.HTTPError as exc:
            raise PortalError(f"HTTP {exc.code}: {exc.read()[:300].decode('utf-8', 'replace')}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise PortalError(f"Không kết nối được Cổng DVC quốc gia ({_plain_reason(exc)})") from None
        try:
            outcome = json.loads(answer)
            code = int(outcome.get("error_code", -1))
        except (ValueError, TypeError, AttributeError):
            raise PortalError(f"Câu trả lời không đọc được: {answer[:200]!r}") from None
        if code != 0:
            raise PortalError(f"Cổng DVC quốc gia từ chối (mã {code}): {str(outcome.get('message', ''))[:300]}")


def _plain_reason(exc: Exception) -> str:
    """What an administrator can act on, without the socket library's wording."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, TimeoutError):
        return "hết thời gian chờ"
    if isinstance(reason, ConnectionRefusedError):
        return "máy chủ từ chối kết nối"
    return "lỗi mạng"
