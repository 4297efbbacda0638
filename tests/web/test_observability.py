"""What an operator sees: request ids into the audit, /metrics, /readyz, and a 503 (not a 500)
while the database is away."""
from __future__ import annotations

import logging
import re

from sqlalchemy import func, select

from engine.models import AuditEvent, PartnerOutbox, WorkItem
from engine.config import Settings
from tests.web.conftest import open_item


def metric(text: str, name: str, **labels) -> float:
    """The value of one sample in a Prometheus exposition."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}(?:\{{([^}}]*)\}})? (\S+)$"
    for match in re.finditer(pattern, text, re.M):
        present = match.group(1) or ""
        if all(f'{k}="{v}"' in present for k, v in labels.items()) or (not labels and not present):
            return float(match.group(2))
    raise AssertionError(f"no sample {name}{{{wanted}}}")


def test_each_response_has_a_request_id_and_the_audit_rows_it_wrote_carry_it(browser, receive_dossier, demo, caplog):
    _code, item = receive_dossier()
    b = browser("chuyenvien")
    with caplog.at_level(logging.INFO, logger="motcua.request"):
        response = b.post(f"/tasks/{item}/claim")
    request_id = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    with demo.motcua.read_session() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "claimed")).scalar_one()
    assert event.request_id == request_id
    [line] = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
    assert (line.event, line.path, line.status) == ("request", f"/tasks/{item}/claim", 302)
    assert line.endpoint == "inbox.claim_task" and line.user_id == demo.users["chuyenvien"]
    # A proxy's id is kept when it is plain; anything else is replaced.
    assert b.get("/healthz", headers={"X-Request-Id": "lb-2026-0001"}).headers["X-Request-Id"] == "lb-2026-0001"
    assert b.get("/healthz", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"] != "<script>"


def test_metrics_count_requests_commands_open_work_and_outboxes(browser, receive_dossier, demo):
    receive_dossier("Trần Thị Bình")
    _code, item = receive_dossier()
    b = browser("chuyenvien")
    b.post(f"/tasks/{item}/claim")
    with demo.motcua.uow() as uow:  # a partner message given up on: one dead letter
        dossier_id = uow.session.get(WorkItem, item).dossier_id
        from engine.models import Partner
        from engine import clock
        partner = Partner(code="TEST_DEAD", name="Đối tác thử", endpoint="http://127.0.0.1:9/", our_code="UBND", key="k" * 32)
        uow.session.add(partner)
        uow.session.flush()
        uow.session.add(PartnerOutbox(idempotency_key="dead-1", partner_id=partner.id, dossier_id=dossier_id,
                                      message="m", correlation="c", payload={}, created_at=clock.now(),
                                      next_attempt_at=None, attempts=8, dead_at=clock.now()))
        uow.commit()
    page = b.get("/metrics")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    with demo.motcua.read_session() as s:
        open_items = s.execute(select(func.count()).select_from(WorkItem).where(WorkItem.state == "open")).scalar()
    assert open_items == 2
    assert metric(text, "motcua_open_work_items") == 2
    assert metric(text, "motcua_overdue_work_items") == 0
    assert metric(text, "motcua_database_up") == 1
    assert metric(text, "motcua_outbox_dead", outbox="partner") == 1
    assert metric(text, "motcua_outbox_pending", outbox="mail") >= 0
    assert metric(text, "motcua_command_seconds_count", action="claimed", outcome="committed") >= 1
    assert metric(text, "motcua_request_seconds_count", endpoint="inbox.claim_task", method="POST", status="3xx") >= 1


def test_metrics_answer_only_the_allowed_addresses(browser, demo):
    assert browser(address="10.1.2.3").get("/metrics").status_code == 404
    assert browser().get("/metrics").status_code == 200


def test_readiness_checks_the_database_and_its_schema(client, motcua):
    from engine import migrate
    migrate.upgrade(motcua.db)
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ready", "checks": {"database": "ok", "schema": "ok"}}


def test_without_a_database_readiness_and_pages_answer_503_not_500(tmp_path):
    from webapp import create_app
    # Nothing listens on port 9 of this machine: every connection is refused at once.
    app = create_app(Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:9/none"),
                     {"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["status"] == "not ready"
    assert ready.get_json()["checks"]["database"].startswith("unavailable")
    login = client.post("/login", data={"username": "chuyenvien", "password": "x"})
    assert login.status_code == 503 and login.headers["Retry-After"] == "10"
    assert "Không kết nối được cơ sở dữ liệu" in login.get_data(as_text=True)
    metrics = client.get("/metrics").get_data(as_text=True)
    assert metric(metrics, "motcua_database_up") == 0
    app.extensions["motcua"].dispose()
