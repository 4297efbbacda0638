"""Where a connected dossier is and the control slip (form 05): the dossier page, the printable
slip, and the citizen's tracking page, for a birth registration that went to the police and on to
BHXH's own system, whose card comes back over the partner API."""
from __future__ import annotations

import json
import re

from engine import clock, commands
from engine.commands.reception import Applicant
from engine.demo import DEMO_PARTNER_KEY
from engine.models import Dossier, PartnerOutbox
from engine.partners import signing
from engine.scheduler.lease import record_attempt
from engine.scheduler.partner_delivery import MAX_ATTEMPTS
from tests.test_lien_thong_khai_sinh import (
    BHXH as BHXH_NAME, CARD, PROCEDURE, REGISTER, Officer, at, through_committee,
)
from tests.web.conftest import page_text
from tests.page_text import table_rows
from tests.web.test_dossier_page import other_commune  # noqa: F401  (fixture)

ID_NUMBER = "001190004567"


def at_the_police(demo, frozen_clock):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key=PROCEDURE, applicant=Applicant(name="Lê Thị Hạnh", id_number=ID_NUMBER))
    through_committee(demo, frozen_clock, dossier.id)
    return dossier


def at_bhxh(demo, frozen_clock):
    dossier = at_the_police(demo, frozen_clock)
    frozen_clock.current = at(26, 10)  # a day after the police's one working day ran out
    Officer(demo, "congan").take_and_complete(dossier.id, REGISTER, expect_step="register_residence")
    partner_acknowledges(demo, dossier.id)  # BHXH has the dossier once its system acknowledged it
    return dossier


def partner_acknowledges(demo, dossier_id):
    """The partner's system answers 2xx now: what the scheduler's delivery job records."""
    with demo.motcua.read_session() as s:
        waiting = [r.id for r in s.query(PartnerOutbox).filter_by(dossier_id=dossier_id, delivered_at=None)]
    for row_id in waiting:
        record_attempt(demo.motcua.uow(), PartnerOutbox, row_id, None, MAX_ATTEMPTS)


def card_from_bhxh(browser, dossier):
    """BHXH's system posts the card, signed as the partner "BHXH" (the demo's shared key)."""
    body = {"message": "ket_qua_cap_the_bhyt", "correlation": dossier.code, "payload": CARD}
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = signing.signed_headers(our_code="BHXH", key=DEMO_PARTNER_KEY,
                                     timestamp=str(int(clock.now().timestamp())),
                                     idempotency_key="the-bhyt-1", body=raw)
    answer = browser().client.post("/api/partner/messages", data=raw, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)


def test_the_dossier_page_says_which_agency_holds_it_and_the_way_it_came(browser, demo, frozen_clock):
    dossier = at_the_police(demo, frozen_clock)
    html = browser("tiepnhan").text(f"/dossiers/{dossier.id}")
    assert "Đang ở cơ quan: <strong>Công an xã Tân Phong</strong>" in html
    assert '<span class="path">UBND xã Tân Phong → Công an xã Tân Phong</span>' in html
    assert f'href="/dossiers/{dossier.id}/control-slip"' in html


def test_while_bhxh_issues_the_card_the_dossier_page_says_bhxh_holds_it(browser, demo, frozen_clock):
    dossier = at_bhxh(demo, frozen_clock)
    html = browser("tiepnhan").text(f"/dossiers/{dossier.id}")
    assert f"Đang ở cơ quan: <strong>{BHXH_NAME}</strong>" in html
    assert (f'<span class="path">UBND xã Tân Phong → Công an xã Tân Phong → UBND xã Tân Phong → {BHXH_NAME}</span>'
            in html)


def test_the_control_slip_lists_every_hand_over_and_judges_the_late_police(browser, demo, frozen_clock):
    dossier = at_bhxh(demo, frozen_clock)
    html = browser("tiepnhan").text(f"/dossiers/{dossier.id}/control-slip")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in html and dossier.code in html
    # The shared print layout (_print.html): national heading, a toolbar that is not printed.
    assert '<article class="slip" aria-labelledby="slip-title">' in html and '<div class="issuer">' in html
    assert '<nav class="no-print toolbar"' in html and ">In phiếu kiểm soát<" in html
    # Who handed over and who took over sign beside each row (form 05).
    assert table_rows(html, table_class="handovers") == [
        ["1", "UBND xã Tân Phong · Tiếp nhận và trả kết quả", "UBND xã Tân Phong · Chuyên viên",
         "23/11/2026 09:00", "Nguyễn Thị Hoa", "Trần Văn Minh", "Trước hạn", "Thẩm định hồ sơ khai sinh"],
        ["2", "UBND xã Tân Phong · Chuyên viên", "UBND xã Tân Phong · Lãnh đạo", "23/11/2026 10:00", "Trần Văn Minh",
         "Phạm Quốc Hùng", "Trước hạn", "Thẩm định hồ sơ khai sinh → Phê duyệt, ký Giấy khai sinh"],
        ["3", "UBND xã Tân Phong · Lãnh đạo", "UBND xã Tân Phong · Chuyên viên", "23/11/2026 14:00", "Phạm Quốc Hùng",
         "Trần Văn Minh", "Trước hạn", "Phê duyệt, ký Giấy khai sinh → Ghi Sổ đăng ký khai sinh, cấp Giấy khai sinh"],
        ["4", "UBND xã Tân Phong · Chuyên viên", "Công an xã Tân Phong · Chuyên viên", "23/11/2026 14:30",
         "Trần Văn Minh", "Vũ Đức Anh", "Trước hạn",
         "Ghi Sổ đăng ký khai sinh, cấp Giấy khai sinh → Đăng ký thường trú cho trẻ"],
        ["5", "Công an xã Tân Phong · Chuyên viên", "UBND xã Tân Phong · Chuyên viên",
         "26/11/2026 10:00", "Vũ Đức Anh", "", "Trễ hạn", "Đăng ký thường trú cho trẻ → Chuyển BHXH cấp thẻ BHYT"],
        ["6", "UBND xã Tân Phong · Chuyên viên", f"{BHXH_NAME} (hệ thống đối tác)", "26/11/2026 10:00", "", "", "—",
         "Gửi liên thông: Hồ sơ đề nghị cấp thẻ BHYT"],
    ]
    agencies = re.search(r'<table class="agencies">.*?</table>', html, re.S).group(0)
    assert re.search(r"Công an xã Tân Phong</td>\s*<td>1 ngày làm việc</td>\s*<td>13,5</td>\s*<td class=\"late\">Trễ hạn",
                     agencies)
    assert re.search(r"UBND xã Tân Phong</td>\s*<td>1,5 ngày làm việc</td>\s*<td>3,5</td>\s*<td>Trước hạn", agencies)
    assert re.search(rf"{BHXH_NAME} <span class=\"muted\">\(hệ thống đối tác\)</span> <span class=\"muted\">\(đang giữ hồ sơ\)"
                     r"</span></td>\s*<td>0,5 ngày làm việc</td>\s*<td>0,0</td>\s*<td>Đang xử lý", agencies)


def test_the_card_from_bhxh_is_a_hand_over_on_the_slip_judged_on_its_share(browser, demo, frozen_clock):
    dossier = at_bhxh(demo, frozen_clock)
    frozen_clock.current = at(26, 10, 30)
    card_from_bhxh(browser, dossier)
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier.id).status == 9  # the committee returns the result with the card
    html = browser("tiepnhan").text(f"/dossiers/{dossier.id}/control-slip")
    # Half a working day from Thursday 10:00 runs to 16:00 the same day: on time.
    assert table_rows(html, table_class="handovers")[6] == ["7", f"{BHXH_NAME} (hệ thống đối tác)", "UBND xã Tân Phong · Tiếp nhận và trả kết quả",
                              "26/11/2026 10:30", "", "", "Đúng hạn", "Nhận liên thông: Thẻ BHYT đã cấp"]
    agencies = re.search(r'<table class="agencies">.*?</table>', html, re.S).group(0)
    assert re.search(rf"{BHXH_NAME} <span class=\"muted\">\(hệ thống đối tác\)</span></td>\s*<td>0,5 ngày làm việc</td>\s*"
                     r"<td>0,5</td>\s*<td>Đúng hạn", agencies)
    page = browser("tiepnhan").text(f"/dossiers/{dossier.id}")
    assert "Đang ở cơ quan: <strong>UBND xã Tân Phong</strong>" in page


def test_only_those_who_may_see_the_dossier_see_its_slip(browser, demo, frozen_clock, other_commune):  # noqa: F811
    dossier = at_the_police(demo, frozen_clock)
    url = f"/dossiers/{dossier.id}/control-slip"
    assert browser("congan").get(url).status_code == 200  # the police hold a step of it
    assert browser(other_commune).get(url).status_code == 404
    anonymous = browser().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_citizen_sees_which_agency_holds_the_dossier(browser, demo, frozen_clock):
    dossier = at_the_police(demo, frozen_clock)
    found = browser().post("/tra-cuu", {"code": dossier.code, "second_factor": ID_NUMBER})
    assert found.status_code == 200
    assert "Đang ở cơ quan</dt><dd><strong>Công an xã Tân Phong</strong>" in page_text(found)


def test_the_citizen_sees_the_partner_agency_while_it_holds_the_dossier_and_the_path(browser, demo, frozen_clock):
    dossier = at_bhxh(demo, frozen_clock)
    found = page_text(browser().post("/tra-cuu", {"code": dossier.code, "second_factor": ID_NUMBER}))
    assert f"Đang ở cơ quan</dt><dd><strong>{BHXH_NAME}</strong>" in found
    assert ("Đường đi của hồ sơ</dt><dd class=\"path\">UBND xã Tân Phong → Công an xã Tân Phong → "
            f"UBND xã Tân Phong → {BHXH_NAME}</dd>") in found
