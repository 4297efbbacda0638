"""Hand-offs to a partner's own system on the dossier page and the control slip (form 05): the
partner has the dossier, and its share of time runs, from when its system acknowledged the message
(the outbox row's delivery), not from when the message was queued; and nobody inside motcua is
named as the giver of the step after a partner's message."""
from __future__ import annotations

import json
import re

from engine import clock, commands
from engine.commands.reception import Applicant
from engine.demo import DEMO_PARTNER_KEY
from engine.partners import signing
from tests.page_text import table_rows
from tests.test_land_transfer import CHECK, NOTICE, PROCEDURE as LAND
from tests.test_lien_thong_khai_sinh import BHXH as BHXH_NAME, REGISTER, Officer, at, open_item
from tests.web.test_control_slip import at_the_police, card_from_bhxh, partner_acknowledges

COMMITTEE_PATH = "UBND xã Tân Phong → Công an xã Tân Phong → UBND xã Tân Phong"


def sent_to_bhxh(demo, frozen_clock):
    """The police hand back on Thursday 10:00; the committee's request to BHXH is queued."""
    dossier = at_the_police(demo, frozen_clock)
    frozen_clock.current = at(26, 10)
    Officer(demo, "congan").take_and_complete(dossier.id, REGISTER, expect_step="register_residence")
    return dossier


def agencies_table(html):
    return re.search(r'<table class="agencies">.*?</table>', html, re.S).group(0)


def test_until_bhxh_acknowledges_the_request_the_committee_still_holds_the_dossier(browser, demo, frozen_clock):
    dossier = sent_to_bhxh(demo, frozen_clock)
    frozen_clock.current = at(26, 15)  # BHXH's system is down: the request waits in the outbox
    page = browser("tiepnhan").text(f"/dossiers/{dossier.id}")
    assert "Đang ở cơ quan: <strong>UBND xã Tân Phong</strong>" in page
    assert f'<span class="path">{COMMITTEE_PATH}</span>' in page
    slip = browser("tiepnhan").text(f"/dossiers/{dossier.id}/control-slip")
    rows = table_rows(slip, table_class="handovers")
    assert [row[2] for row in rows[4:]] == ["UBND xã Tân Phong · Chuyên viên"]  # nothing handed to BHXH yet
    agencies = agencies_table(slip)
    assert BHXH_NAME not in agencies
    assert re.search(r"UBND xã Tân Phong <span class=\"muted\">\(đang giữ hồ sơ\)</span></td>", agencies)


def test_bhxh_gets_the_dossier_and_its_half_day_when_its_system_acknowledged(browser, demo, frozen_clock):
    dossier = sent_to_bhxh(demo, frozen_clock)
    frozen_clock.current = at(26, 14)  # BHXH is back at 14:00
    partner_acknowledges(demo, dossier.id)
    page = browser("tiepnhan").text(f"/dossiers/{dossier.id}")
    assert f"Đang ở cơ quan: <strong>{BHXH_NAME}</strong>" in page
    assert f'<span class="path">{COMMITTEE_PATH} → {BHXH_NAME}</span>' in page

    frozen_clock.current = at(26, 16, 30)
    card_from_bhxh(browser, dossier)
    rows = table_rows(browser("tiepnhan").text(f"/dossiers/{dossier.id}/control-slip"), table_class="handovers")
    assert rows[5][:4] == ["6", "UBND xã Tân Phong · Chuyên viên", f"{BHXH_NAME} (hệ thống đối tác)", "26/11/2026 14:00"]
    # Half a working day from 14:00 runs into Friday: the card at 16:30 on Thursday is early (from
    # the queueing at 10:00 it would have been late, due at 16:00).
    assert rows[6] == ["7", f"{BHXH_NAME} (hệ thống đối tác)", "UBND xã Tân Phong · Tiếp nhận và trả kết quả",
                       "26/11/2026 16:30", "", "", "Trước hạn", "Nhận liên thông: Thẻ BHYT đã cấp"]
    agencies = agencies_table(browser("tiepnhan").text(f"/dossiers/{dossier.id}/control-slip"))
    assert re.search(rf"{BHXH_NAME} <span class=\"muted\">\(hệ thống đối tác\)</span></td>\s*<td>0,5 ngày làm việc</td>\s*"
                     r"<td>2,5</td>\s*<td>Trước hạn", agencies)


def notice_from_the_tax_authority(browser, dossier):
    body = {"message": "thong_bao_nghia_vu_tai_chinh", "correlation": dossier.code, "payload": NOTICE}
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = signing.signed_headers(our_code="THUE", key=DEMO_PARTNER_KEY,
                                     timestamp=str(int(clock.now().timestamp())),
                                     idempotency_key="the-notice-1", body=raw)
    answer = browser().client.post("/api/partner/messages", data=raw, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)


def test_after_the_tax_notice_no_officer_is_named_as_giving_the_dossier_to_the_counter(browser, demo, frozen_clock):
    branch = demo.agencies["land_registration_office"]
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["motcuadatdai"], agency_id=branch,
                               procedure_key=LAND,
                               applicant=Applicant(name="Trương Thị Ngọc", id_number="001090000456"))
    frozen_clock.current = at(23, 14)
    Officer(demo, "diachinh").take_and_complete(dossier.id, CHECK, expect_step="check_dossier")
    partner_acknowledges(demo, dossier.id)
    frozen_clock.current = at(25, 10)
    notice_from_the_tax_authority(browser, dossier)
    waiting_for_payment = open_item(demo, dossier.id)  # the counter officer takes the payment step
    commands.claim(demo.motcua.uow(), actor_id=demo.users["motcuadatdai"], work_item_id=waiting_for_payment.id)
    rows = table_rows(browser("motcuadatdai").text(f"/dossiers/{dossier.id}/control-slip"), table_class="handovers")
    to_the_counter = [row for row in rows if row[1].endswith("· Chuyên viên")
                      and row[2].endswith("· Tiếp nhận và trả kết quả")]
    assert to_the_counter, rows
    # The notice, not an officer, gave it: the counter officer who received the dossier only signs
    # as the one who takes it over.
    assert [(row[4], row[5]) for row in to_the_counter] == [("", "Bùi Thị Mai")]
