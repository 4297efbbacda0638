"""The demo citizen's dossiers (README, "Demo data"; docs/CITIZENS.md, "The demo"), made through the
same commands a citizen and the officers use, so the demo shows the real thing:

- a household business registration submitted online, received, appraised, approved, its fee paid
  online (a payment gateway notice signed as the stand-in signs it, recorded by the same command
  as the IPN), the certificate issued, the signed electronic result issued and returned online;
- a second one waiting for its fee (status 6), to pay live through the gateway stand-in;
- a marriage registration submitted online, waiting at the counter (status 1).

Loaded once: a demo citizen who already has dossiers is left as they are.

The officers' part happens in the commune's office hours, as it would: the story is laid out over
the last working hour before the demo is loaded (the evening before, loaded at 05:20), a few
minutes of office time between one act and the next; the citizen submits just before the counter
takes each dossier, and the marriage registration, which no officer has touched, waits since then.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Callable
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import clock, commands
from engine.commands import online
from engine.commands.payments import record_notice, start_payment
from engine.commands.reception import accept
from engine.commands.results import issue_result
from engine.calendar.store import calendar_for
from engine.calendar.working_time import WorkingCalendar
from engine.file_store import FileStore
from engine.models import Agency, Citizen, OnlineApplication, WorkItem
from engine.payments import fee_of
from engine.procedures import catalogue
from engine.procedures.metadata import required_documents
from engine.procedures.registry import latest_version

HOUSEHOLD, MARRIAGE = "dang_ky_ho_kinh_doanh", "dang_ky_ket_hon"
COMMUNE = "000.31.21.H56"
# The office time the story takes, and between two acts of it (about twenty acts fit).
STORY, BETWEEN_ACTS = timedelta(hours=1), timedelta(minutes=2)
# A one-page PDF standing in for each scanned document.
SCAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
SHOPS = [
    {"business_name": "Hộ kinh doanh Tạp hóa An Phát", "business_address": "Số 5, thôn Đông, xã Tân Phong",
     "business_lines": "4711 – Bán lẻ lương thực, thực phẩm, đồ uống", "capital": 120_000_000, "workers": 2},
    {"business_name": "Hộ kinh doanh Cà phê Tân Phong", "business_address": "Số 18, thôn Tây, xã Tân Phong",
     "business_lines": "5632 – Dịch vụ phục vụ đồ uống", "capital": 80_000_000, "workers": 3},
]
MARRIAGE_FORM = {"bride_name": "Lê Thị Cúc", "bride_birth_date": "1998-04-02", "bride_id_number": "001198001234",
                 "groom_name": "Nguyễn Văn An", "groom_birth_date": "1990-09-15", "groom_id_number": "001090012345",
                 "first_marriage": True}


def load_citizen_dossiers(motcua, *, email: str, link: Callable[[str], str]) -> int:
    """The demo citizen's dossiers; returns how many were made (0 when they exist already).
    ``link(token)``: the verification page's address (the signed result's QR code)."""
    settings = motcua.settings
    with motcua.read_session() as s:
        citizen_id = s.scalar(select(Citizen.id).where(Citizen.email == email))
        if citizen_id is None or s.scalar(select(OnlineApplication.id).where(
                OnlineApplication.citizen_id == citizen_id, OnlineApplication.submitted_at.is_not(None))):
            return 0
        calendar = calendar_for(s, s.scalars(select(Agency).where(Agency.code == COMMUNE)).one())
    now = clock.now()
    with clock.frozen_at(calendar.subtract(now, STORY)) as story:
        acts = _Acts(calendar, story)
        submitted = _Submitter(motcua, citizen_id, acts)
        paid = submitted.dossier(HOUSEHOLD, SHOPS[0])
        officers = _Officers(motcua, acts)
        officers.process_to_fee(paid, SHOPS[0])
        acts.next()
        _pay_online(motcua, citizen_id, paid)
        today = clock.now().astimezone(ZoneInfo(settings.timezone)).date().isoformat()
        officers.finish(paid, "issue_certificate", "chuyenvien",
                        {"registration_number": "27A8000001", "issued_on": today, "tax_info_sent": True})
        acts.next()
        issue_result(motcua.uow(), settings, actor_id=officers.ids["lanhdao"], dossier_id=paid, link=link)
        officers.finish(paid, "return_result", "tiepnhan", {"returned_to": "Nguyễn Văn An", "return_method": "online"})
        waiting = submitted.dossier(HOUSEHOLD, SHOPS[1])
        officers.process_to_fee(waiting, SHOPS[1])
        submitted.dossier(MARRIAGE, MARRIAGE_FORM)
    if story.current > now:
        raise RuntimeError("the demo's story runs past the time it is loaded: make STORY longer")
    return 3


class _Acts:
    """The story's clock: each act a little later in office time, never outside office hours.
    Without a calendar (tests/page_walk.py, on its own clock) the acts leave the clock alone."""

    def __init__(self, calendar: WorkingCalendar | None, story: clock.FrozenClock | None):
        self.calendar, self.story = calendar, story

    def next(self) -> datetime | None:
        if self.calendar is None:
            return None
        moment = self.calendar.add(self.story.current, BETWEEN_ACTS)
        if self.calendar.working_time_between(moment, moment + timedelta(seconds=1)) == timedelta(0):
            moment = self.calendar.add(moment, timedelta(seconds=1))  # a period's end: the next one's start
        self.story.current = moment
        return moment


class _Submitter:
    def __init__(self, motcua, citizen_id: int, acts: _Acts | None = None):
        self.motcua, self.citizen_id, self.acts = motcua, citizen_id, acts or _Acts(None, None)
        self.entries = catalogue.load(motcua.settings.catalogue_dir)
        self.store = FileStore(motcua.settings.upload_dir)

    def dossier(self, key: str, data: dict) -> int:
        self.acts.next()
        uow, schema = self.motcua.uow, self.entries[key]["intake_schema"]
        application = online.save_draft(uow(), citizen_id=self.citizen_id, procedure_key=key, schema=schema,
                                        data=data, agency_code=COMMUNE)
        with self.motcua.read_session() as s:
            documents = [d.name for d in required_documents(latest_version(s, key).manifest) if not d.optional]
        for number, name in enumerate(documents, 1):
            online.add_file(uow(), self.store, citizen_id=self.citizen_id, application_id=application,
                            document_name=name, filename=f"ban-scan-{number}.pdf", content=SCAN)
        return online.submit(uow(), citizen_id=self.citizen_id, application_id=application, schema=schema).id


class _Officers:
    def __init__(self, motcua, acts: _Acts | None = None):
        from engine.models import User
        self.motcua, self.acts = motcua, acts or _Acts(None, None)
        with motcua.read_session() as s:
            self.ids = dict(s.execute(select(User.username, User.id)).all())

    def finish(self, dossier_id: int, step_id: str, username: str, data: dict) -> None:
        self.acts.next()
        with self.motcua.read_session() as s:
            item = s.scalar(select(WorkItem.id).where(WorkItem.dossier_id == dossier_id, WorkItem.state == "open",
                                                      WorkItem.step_id == step_id))
        commands.claim(self.motcua.uow(), actor_id=self.ids[username], work_item_id=item)
        commands.complete(self.motcua.uow(), actor_id=self.ids[username], work_item_id=item, data=data)

    def process_to_fee(self, dossier_id: int, declared: dict) -> None:
        """Received, appraised (confirming what the citizen ``declared``, as the appraisal form
        starts with it) and approved: the dossier now waits for its fee (status 6)."""
        self.acts.next()
        accept(self.motcua.uow(), actor_id=self.ids["tiepnhan"], dossier_id=dossier_id)
        self.finish(dossier_id, "appraise", "chuyenvien", {
            **declared, "name_available": True, "appraisal_opinion": "Hồ sơ hợp lệ, tên không trùng trên địa bàn."})
        self.finish(dossier_id, "approve", "lanhdao", {"decision": "approve", "leader_opinion": "Đồng ý cấp."})


def _pay_online(motcua, citizen_id: int, dossier_id: int) -> None:
    """The fee paid through a gateway as the stand-in runs it: an order, then the gateway's signed
    paid notice, recorded by the IPN's own command. The key lives only for this load."""
    from integrations.payment import VnpayGateway, gmt7
    from integrations.standins.payment_gateway import PaymentGatewayStandIn
    tmn_code, secret = "MOTCUADEMO", secrets.token_hex(32)
    stand_in = PaymentGatewayStandIn(tmn_code, secret)
    gateway = VnpayGateway("http://127.0.0.1/paymentv2/vpcpay.html", tmn_code, secret)
    url = start_payment(motcua.uow(), gateway, citizen_id=citizen_id, dossier_id=dossier_id,
                        amount_vnd=fee_of(motcua.settings.catalogue_dir, HOUSEHOLD),
                        return_url="http://127.0.0.1/cong-dan/thanh-toan/ket-qua", client_ip="127.0.0.1")
    order = dict(parse_qsl(urlsplit(url).query))
    if not stand_in.take_order(order):
        raise RuntimeError("the demo gateway refused the order")
    notice = stand_in.notice(order["vnp_TxnRef"], paid=True, vnp_PayDate=gmt7(clock.now()))  # the story's time
    answer = record_notice(motcua.uow(), gateway, notice,
                           client_address="127.0.0.1")
    if answer.code != "00":
        raise RuntimeError(f"the demo payment was not recorded: {answer.message}")

