"""Point 10 of the online services: `motcua demo` (part of `make run`) leaves the demo citizen with
dossiers submitted online, one of them paid online through the gateway's signed notice and
holding the agency's signed electronic result, one waiting for its fee, one waiting at the
counter; and `motcua serve --demo-stand-ins` (`make run`) starts the local stand-ins of the payment
gateway and the SMS operator on loopback when none is configured."""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
from click.testing import CliRunner
from sqlalchemy import select

from engine import clock
from engine.bootstrap import Motcua
from engine.config import Settings
from engine.demo import DEMO_CITIZEN_EMAIL
from engine.calendar.store import calendar_for
from engine.models import (Agency, AuditEvent, Citizen, Dossier, OnlineApplication, Payment, PaymentNoticeLog,
                           ResultDocument)
from engine.results.signing import check
from integrations.payment import VnpayGateway
from integrations.standins import demo as demo_stand_ins
from webapp.cli import main


def _demo_environment(monkeypatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    for name, value in (("DATABASE_URL", url), ("MOTCUA_UPLOAD_DIR", tmp_path / "uploads"),
                        ("MOTCUA_SIGNING_P12", tmp_path / "signing" / "agency.p12"),
                        ("MOTCUA_SIGNING_TRUST", tmp_path / "signing" / "ca.pem")):
        monkeypatch.setenv(name, str(value))
    return url


def test_the_demo_citizen_has_a_paid_dossier_with_a_signed_result(monkeypatch, tmp_path):
    _demo_environment(monkeypatch, tmp_path)
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert f"demo citizen {DEMO_CITIZEN_EMAIL}: 3 dossiers submitted online" in result.output
    m = Motcua(Settings())
    try:
        with m.read_session() as s:
            citizen = s.scalars(select(Citizen).where(Citizen.email == DEMO_CITIZEN_EMAIL)).one()
            dossiers = {d.status: d for d in s.scalars(select(Dossier).join(
                OnlineApplication, OnlineApplication.dossier_id == Dossier.id).where(
                OnlineApplication.citizen_id == citizen.id))}
            assert sorted(dossiers) == [1, 6, 10]
            returned = dossiers[10]
            payment = s.scalars(select(Payment).where(Payment.dossier_id == returned.id)).one()
            assert (payment.state, payment.amount_vnd, payment.citizen_id) == ("paid", 100_000, citizen.id)
            assert payment.receipt_number and payment.transaction_no
            assert [n.answer for n in s.scalars(select(PaymentNoticeLog))] == ["00"]  # the IPN's own command
            document = s.scalars(select(ResultDocument).where(ResultDocument.dossier_id == returned.id)).one()
            verdict = check(document.pdf, [Path(os.environ["MOTCUA_SIGNING_TRUST"])])
            assert verdict.genuine, verdict
            assert s.scalars(select(Payment).where(Payment.dossier_id == dossiers[6].id)).all() == []
        again = CliRunner().invoke(main, ["demo"])  # safe to run twice: nothing is added
        assert again.exit_code == 0 and "dossiers submitted online" not in again.output
        with m.read_session() as s:
            assert len(s.scalars(select(OnlineApplication)).all()) == 3
    finally:
        m.dispose()


def test_the_officers_part_of_the_demo_happens_in_office_hours(monkeypatch, tmp_path, frozen_clock):
    """Loaded at 05:20 in Hà Nội, the demo had the counter receive (and appraise, approve, return)
    its dossiers at 05:20, before the office opens. Loaded at any hour, every reception and every
    officer's act is now in the commune's office hours, before the demo is loaded."""
    _demo_environment(monkeypatch, tmp_path)
    loaded_at = datetime(2026, 11, 25, 5, 20, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Wednesday
    frozen_clock.current = loaded_at
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    m = Motcua(Settings())
    try:
        with m.read_session() as s:
            commune = s.scalars(select(Agency).where(Agency.code == "000.31.21.H56")).one()
            calendar = calendar_for(s, commune)
            received = [d.received_at for d in s.scalars(select(Dossier).where(Dossier.status != 1))]
            acts = [e.at for e in s.scalars(select(AuditEvent).where(AuditEvent.actor_id.is_not(None)))]
        assert len(received) == 2 and len(acts) >= 10

        def in_office_hours(moment):
            return calendar.working_time_between(moment, moment + timedelta(seconds=1)) > timedelta(0)

        for moment in received + acts:
            local = moment.astimezone(calendar.tz)
            assert in_office_hours(moment) and moment < loaded_at, local
    finally:
        m.dispose()


def test_serve_starts_the_gateway_and_sms_stand_ins_it_is_not_configured_for(monkeypatch):
    for name in ("MOTCUA_PAYMENT_URL", "MOTCUA_PAYMENT_TMN_CODE", "MOTCUA_PAYMENT_HASH_SECRET", "MOTCUA_SMS_URL",
                 "MOTCUA_SMS_KEY"):
        monkeypatch.setenv(name, "")  # unset for the app, and put back as it was after the test
    started = demo_stand_ins.start_demo_stand_ins(app_port=5999)
    try:
        _both_answer(started)
    finally:
        demo_stand_ins.stop_demo_stand_ins()


def _both_answer(started):
    assert [line.split(" on ")[0] for line in started] == ["payment gateway stand-in", "SMS operator stand-in"]
    settings = Settings()
    # The app signs an order with what the environment now says, and the stand-in takes it.
    order = VnpayGateway(settings.payment_url, settings.payment_tmn_code, settings.payment_hash_secret).checkout_url(
        txn_ref="MCDEMO1", amount_vnd=100_000, order_info="Nop phi", return_url="http://127.0.0.1:5999/x",
        client_ip="127.0.0.1", created_at=clock.now())
    assert requests.get(order, timeout=10).status_code == 200
    sms = requests.post(f"{settings.sms_url}/messages", timeout=10, headers={"Authorization": f"Bearer {settings.sms_key}"},
                        json={"to": "84912345678", "text": "Ho so", "client_ref": "demo-1"})
    assert sms.status_code == 200
    # Configured systems are left alone.
    assert demo_stand_ins.start_demo_stand_ins(app_port=5999) == []
