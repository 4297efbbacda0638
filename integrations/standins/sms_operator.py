"""A stand-in SMS operator on loopback, speaking the gateway protocol of integrations/sms.py: it
checks the key, keeps every accepted message (once per client_ref), and can be told to fail.

    with running_operator(api_key="k") as operator:   # tests
        ... operator.url, operator.messages, operator.failing = True
"""
from __future__ import annotations

import itertools
import json
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class SmsOperator:
    def __init__(self, api_key: str):
        self.api_key = api_key
        self.messages: list[dict] = []
        self.failing = False
        self._by_ref: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.url = ""

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.method != "POST" or request.path != "/messages":
            return Response("not found", 404)(environ, start_response)
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return Response(json.dumps({"error": "unauthorized"}), 401, mimetype="application/json")(environ, start_response)
        if self.failing:
            return Response(json.dumps({"error": "temporarily unavailable"}), 503,
                            mimetype="application/json")(environ, start_response)
        body = request.get_json(silent=True) or {}
        if not str(body.get("to", "")).startswith("84") or not body.get("text") or not body.get("client_ref"):
            return Response(json.dumps({"error": "bad request"}), 400, mimetype="application/json")(environ, start_response)
        with self._lock:
            ref = str(body["client_ref"])
            if ref not in self._by_ref:  # a retried message is the same message
                self._by_ref[ref] = f"op-{next(self._ids)}"
                self.messages.append(body)
            answer = {"status": "accepted", "message_id": self._by_ref[ref]}
        return Response(json.dumps(answer), 200, mimetype="application/json")(environ, start_response)


@contextmanager
def running_operator(api_key: str = "test-key", port: int = 0):
    operator = SmsOperator(api_key)
    server = make_server("127.0.0.1", port, operator, threaded=True)
    operator.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="sms-operator", daemon=True)
    thread.start()
    try:
        yield operator
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
