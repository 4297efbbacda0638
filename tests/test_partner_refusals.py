"""The partner endpoint under attack: malformed headers are a 4xx and recorded; refusals are logged
as structured lines; a sender that keeps being refused is turned away (429); a flood leaves a
bounded number of rows."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import clock
from engine.commands.partners import save_partner
from engine.models import PartnerInbox, PartnerReject
from engine.partners import refusals, signing

KEY = "khoa-bi-mat-dung-chung-giua-A-va-B-0123456789"
BODY = json.dumps({"message": "xin_xac_nhan", "correlation": "000.31.21.H56-261123-0042",
                   "payload": {}}).encode()


pytestmark = pytest.mark.usefixtures("no_blocked_senders")


@pytest.fixture
def endpoint(app, demo):
    save_partner(demo.motcua.uow(), actor_id=demo.users["admin"], code="A", name="UBND xã Tân Phong",
                 endpoint="http://127.0.0.1:9/api/partner/messages", our_code="B", key=KEY, agency_id=demo.commune)

    def post(headers, *, address="203.0.113.7", body=BODY):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client.post("/api/partner/messages", data=body, headers=headers)
    return post


def signed(key="k-1", **override):
    timestamp = str(int(clock.now().timestamp()))
    headers = signing.signed_headers(our_code="A", key=KEY, timestamp=timestamp, idempotency_key=key, body=BODY)
    headers.update(override)
    return headers


def rows(demo):
    with demo.motcua.read_session() as s:
        return s.execute(select(PartnerReject.remote_addr, PartnerReject.reason, PartnerReject.count)
                         .order_by(PartnerReject.id)).all()


@pytest.mark.parametrize("header,value", [
    (signing.TIMESTAMP, "１７６４"),  # full-width digits
    (signing.TIMESTAMP, "9" * 400),
    (signing.SIGNATURE, "é" * 64),
    (signing.SIGNATURE, "a" * 300),
    (signing.IDEMPOTENCY_KEY, "k" * 300),
    (signing.IDEMPOTENCY_KEY, "khóa-1"),
    (signing.PARTNER, "Đối tác"),
    (signing.PARTNER, "A" * 300),
])
def test_a_malformed_header_is_a_400_and_recorded(demo, endpoint, header, value):
    headers = signed() | {header: value}
    response = endpoint({k: v.encode("utf-8").decode("latin-1") for k, v in headers.items()})
    assert response.status_code == 400 and response.get_json() == {"accepted": False, "error": "bad_headers"}
    assert rows(demo) == [("203.0.113.7", "bad_headers", 1)]
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(PartnerInbox)) == 0


def test_a_missing_header_is_a_400(demo, endpoint):
    headers = signed()
    del headers[signing.SIGNATURE]
    assert endpoint(headers).status_code == 400


def test_each_refusal_is_one_structured_log_line(demo, endpoint, caplog):
    with caplog.at_level(logging.WARNING, logger="motcua.partners"):
        endpoint(signed(**{signing.SIGNATURE: "0" * 64}))
    [line] = [r for r in caplog.records if getattr(r, "event", None) == "partner_refused"]
    assert (line.reason, line.status, line.remote_addr, line.partner_code) == ("bad_signature", 401, "203.0.113.7", "A")


def test_a_sender_refused_again_and_again_is_turned_away_and_a_flood_leaves_few_rows(demo, endpoint, frozen_clock):
    forged = signed(**{signing.SIGNATURE: "0" * 64})
    statuses = [endpoint(forged | {signing.IDEMPOTENCY_KEY: f"k-{n}"}).status_code for n in range(300)]
    assert statuses[:refusals.LIMIT] == [401] * refusals.LIMIT
    assert set(statuses[refusals.LIMIT:]) == {429}
    turned = endpoint(forged)
    assert turned.headers["Retry-After"] and int(turned.headers["Retry-After"]) <= refusals.WINDOW.total_seconds()
    # Turned away even with a good signature while the window lasts; other senders are not.
    assert endpoint(signed()).status_code == 429
    assert endpoint(signed(), address="198.51.100.9").status_code == 200
    assert rows(demo) == [("203.0.113.7", "bad_signature", refusals.LIMIT)]  # 300 refusals, one row
    # Once the window has passed, the sender is heard again.
    frozen_clock.advance(refusals.WINDOW + timedelta(minutes=11))
    assert endpoint(signed("k-2")).status_code == 200


def test_a_flood_from_many_addresses_is_capped(demo, endpoint, monkeypatch):
    monkeypatch.setattr(refusals, "MAX_ROWS", 50)
    forged = signed(**{signing.SIGNATURE: "0" * 64})
    for n in range(120):
        endpoint(forged, address=f"10.0.{n // 250}.{n % 250}")
    assert len(rows(demo)) == 50
    assert rows(demo)[-1][0] == "10.0.0.119"  # the newest are kept
