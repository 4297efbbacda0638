"""A stand-in for the national portal's dossier sync API on loopback, for the tests and the demo.

It speaks the same envelope as the real service (integrations/national_portal.py): it checks the
session token and the record's required fields, answers ``{"error_code": 0}`` or a refusal, and
keeps what it took: each record as received (``received``) and, per dossier, the latest header with
the processing entries appended in arrival order (``dossiers``), as the portal's page of the
dossier would show them.
``outage = True`` makes it answer 503 until set back, as the real portal does under maintenance.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REQUIRED = ("MaHoSo", "MaTTHC", "KenhThucHien", "NgayTiepNhan", "TrangThaiHoSo", "QuaTrinhXuLy")


class NationalPortalStandIn:
    def __init__(self, session_token: str = "standin-session", host: str = "127.0.0.1", port: int = 0):
        self.session_token = session_token
        self.outage = False
        self.received: list[dict] = []  # every record taken, in arrival order
        self.updating: list[bool] = []  # the envelope's isUpdating for each of them
        self.dossiers: dict[str, dict] = {}
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = min(int(self.headers.get("Content-Length") or 0), 5_000_000)
                status, answer = stand_in._handle(self.rfile.read(length))
                body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet: the tests read what it kept, not its log
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="portal-standin")

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/dongbohoso"

    def start(self) -> "NationalPortalStandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, raw: bytes) -> tuple[int, dict]:
        if self.outage:
            return 503, {"error_code": 503, "message": "Hệ thống đang bảo trì"}
        try:
            envelope = json.loads(raw)
            records = envelope["data"]
        except (ValueError, KeyError, TypeError):
            return 200, {"error_code": 1, "message": "Dữ liệu không đúng định dạng"}
        if envelope.get("session") != self.session_token:
            return 200, {"error_code": 2, "message": "Phiên làm việc không hợp lệ"}
        if envelope.get("service") != "DongBoHoSoMC" or not isinstance(records, list):
            return 200, {"error_code": 1, "message": "Dịch vụ không hỗ trợ"}
        for record in records:
            missing = [name for name in REQUIRED if name not in record]
            if missing:
                return 200, {"error_code": 3, "message": "Thiếu trường " + ", ".join(missing)}
        with self._lock:
            for record in records:
                self.received.append(record)
                self.updating.append(envelope.get("isUpdating") == "true")
                kept = self.dossiers.setdefault(record["MaHoSo"], {"QuaTrinhXuLy": []})
                entries = kept["QuaTrinhXuLy"] + list(record["QuaTrinhXuLy"])  # the portal appends them
                kept.update(record)
                kept["QuaTrinhXuLy"] = entries
        return 200, {"error_code": 0, "message": "Thành công"}
