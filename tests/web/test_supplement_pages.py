"""The task page's supplement panels: the appraiser asks (with the 3-working-day warning), form 02
prints, the counter ticks what the citizen brought."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.models import Dossier, SupplementRequest
from tests.web.conftest import open_item, page_text


def test_asking_and_recording_a_supplement_through_the_pages(browser, demo, receive_dossier, frozen_clock):
    code, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    html = minh.text(f"/tasks/{item}")
    assert "Yêu cầu bổ sung hồ sơ" in html and "Hạn yêu cầu bổ sung (3 ngày làm việc kể từ ngày tiếp nhận): 27/11/2026 09:00" in html
    # Where the dossier goes, said by the status's name (the panel said "(trạng thái 5)").
    assert "chờ công dân bổ sung (trạng thái “Yêu cầu bổ sung”)" in html and "trạng thái 5" not in html
    assert "supplement (status “Waiting for supplement”)" in minh.english().text(f"/tasks/{item}")
    minh.post("/language", {"locale": "vi"})
    response = minh.post(f"/tasks/{item}/request-supplement", {"missing": "\n", "reason": ""})
    assert response.status_code == 422
    html = page_text(response)
    assert re.search(r'id="supplement-missing-error">Cần ghi ít nhất một', html)
    assert re.search(r'id="supplement-reason-error">Cần ghi rõ lý do', html)

    response = minh.post(f"/tasks/{item}/request-supplement",
                         {"missing": "Giấy xác nhận tình trạng hôn nhân\nẢnh chân dung", "reason": "Thiếu giấy tờ."})
    assert response.status_code == 302 and "/supplement-requests/" in response.headers["Location"]
    form = minh.text(response.headers["Location"])
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in form and code in form and "Thẩm định hồ sơ" in form
    assert '<a href="/inbox">Về hộp việc</a>' in form  # the slip printed, on to the next step

    with demo.motcua.read_session() as s:
        dossier_id = s.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
    waiting = open_item(demo, dossier_id)
    hoa = browser("tiepnhan")
    hoa.post(f"/tasks/{waiting}/claim")
    html = hoa.text(f"/tasks/{waiting}")
    assert "Nhận hồ sơ bổ sung" in html and 'value="Ảnh chân dung"' in html
    assert 'action="/tasks/%d/complete"' % waiting not in html  # only recording finishes this step
    response = hoa.post(f"/tasks/{waiting}/record-supplement", {"received": ["Ảnh chân dung"]})
    assert response.status_code == 422
    assert re.search(r'id="received-error" role="alert">Chưa đủ nội dung đã yêu cầu bổ sung: Giấy xác nhận', page_text(response))
    response = hoa.post(f"/tasks/{waiting}/record-supplement",
                        {"received": ["Ảnh chân dung", "Giấy xác nhận tình trạng hôn nhân"], "supplement_note": "Đủ."})
    assert response.status_code == 302
    page = hoa.text(response.headers["Location"])
    assert "Nhận hồ sơ bổ sung" in page and "Yêu cầu bổ sung hồ sơ" in page  # history
    assert "Đang xử lý" in page


def test_asking_after_the_window_warns_the_officer(browser, demo, receive_dossier, frozen_clock):
    _code, item = receive_dossier()
    frozen_clock.advance(timedelta(days=7))
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    assert "Đã quá 3 ngày làm việc kể từ ngày tiếp nhận" in minh.text(f"/tasks/{item}")
    response = minh.post(f"/tasks/{item}/request-supplement", {"missing": "Ảnh", "reason": "Thiếu ảnh."})
    assert "đã được đánh dấu để thống kê" in minh.text(response.headers["Location"])
    with demo.motcua.read_session() as s:
        assert s.execute(select(SupplementRequest.outside_window)).scalar_one() is True


@pytest.mark.parametrize("locale, says", [
    ("vi", "Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."),
    ("en", "Must not contain control characters (invisible characters, often pasted in from elsewhere).")])
def test_a_control_character_in_the_list_or_the_note_is_refused_beside_it(browser, demo, receive_dossier, locale,
                                                                          says):
    """A bell or a terminal's colour code pasted into a line of the list (printed on form 02 and
    mailed) or into the note kept with the supplement was recorded as it came."""
    code, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post("/language", {"locale": locale})
    minh.post(f"/tasks/{item}/claim")
    response = minh.post(f"/tasks/{item}/request-supplement",
                         {"missing": "Ảnh chân dung\nGiấy xác nhận\x07 tình trạng hôn nhân", "reason": "Thiếu giấy tờ."})
    assert response.status_code == 422
    assert f'<p class="error" id="supplement-missing-error">{says}</p>' in page_text(response)
    with demo.motcua.read_session() as s:
        assert s.execute(select(SupplementRequest)).first() is None
    response = minh.post(f"/tasks/{item}/request-supplement",
                         {"missing": "Ảnh chân dung\nGiấy xác nhận\ttình trạng hôn nhân", "reason": "Thiếu giấy tờ."})
    assert response.status_code == 302
    with demo.motcua.read_session() as s:
        dossier_id = s.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
        assert [m["name"] for m in s.execute(select(SupplementRequest.missing)).scalar_one()] == \
            ["Ảnh chân dung", "Giấy xác nhận tình trạng hôn nhân"]
    waiting = open_item(demo, dossier_id)
    hoa = browser("tiepnhan")
    hoa.post("/language", {"locale": locale})
    hoa.post(f"/tasks/{waiting}/claim")
    received = ["Ảnh chân dung", "Giấy xác nhận tình trạng hôn nhân"]
    response = hoa.post(f"/tasks/{waiting}/record-supplement", {"received": received, "supplement_note": "\x1b[0mĐủ."})
    assert response.status_code == 422
    html = page_text(response)
    assert f'<p class="error" id="supplement-note-error">{says}</p>' in html
    assert 'aria-describedby="supplement-note-error"' in html
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier_id).status == 5
        assert s.execute(select(SupplementRequest.fulfilled_at)).scalar_one() is None
    response = hoa.post(f"/tasks/{waiting}/record-supplement",
                        {"received": received, "supplement_note": "Đủ:\r\n\t- bản chính."})
    assert response.status_code == 302


@pytest.mark.parametrize("locale, says", [("vi", "Tối đa 2000 ký tự."), ("en", "At most 2000 characters.")])
def test_a_supplement_note_past_its_limit_is_refused_beside_it(browser, demo, receive_dossier, locale, says):
    """The note kept with a recorded supplement is a note like the others: 2,000 characters at most
    (the command checks it itself, whatever the waiting step's form says)."""
    code, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    assert minh.post(f"/tasks/{item}/request-supplement",
                     {"missing": "Ảnh chân dung", "reason": "Thiếu giấy tờ."}).status_code == 302
    with demo.motcua.read_session() as s:
        dossier_id = s.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
    waiting = open_item(demo, dossier_id)
    hoa = browser("tiepnhan")
    hoa.post("/language", {"locale": locale})
    hoa.post(f"/tasks/{waiting}/claim")
    response = hoa.post(f"/tasks/{waiting}/record-supplement",
                        {"received": ["Ảnh chân dung"], "supplement_note": "Đã nhận đủ. " * 200})
    assert response.status_code == 422
    assert f'<p class="error" id="supplement-note-error">{says}</p>' in page_text(response)
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier_id).status == 5
        assert s.execute(select(SupplementRequest.fulfilled_at)).scalar_one() is None
