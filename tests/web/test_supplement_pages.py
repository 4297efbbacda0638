"""The task page's supplement panels: the appraiser asks (with the 3-working-day warning), form 02
prints, the counter ticks what the citizen brought."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from engine.models import Dossier, SupplementRequest
from tests.web.conftest import open_item, page_text


def test_asking_and_recording_a_supplement_through_the_pages(browser, demo, receive_dossier, frozen_clock):
    code, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    html = minh.text(f"/tasks/{item}")
    assert "Yêu cầu bổ sung hồ sơ" in html and "Hạn yêu cầu bổ sung (3 ngày làm việc kể từ ngày tiếp nhận): 27/11/2026 09:00" in html
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
