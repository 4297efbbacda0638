"""HTTP to partner deployments (standard library), implementing engine.ports.PartnerClient."""
from __future__ import annotations

import urllib.error
import urllib.request


class HttpPartnerClient:
    def __init__(self, timeout: float = 10):
        self.timeout = timeout

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:  # the partner answered, with an error status
            return exc.code, exc.read()
