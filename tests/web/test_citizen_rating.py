"""Point 8 of the online services: once the result is returned the citizen rates the service
(1 to 5, once per dossier); the ratings are what the satisfaction index (5.4) counts."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from engine.commands.reception import accept
from engine.models import Dossier
from engine.queries.ratings import satisfaction
from tests.conftest import VN
from tests.test_end_of_processing import APPROVAL, RECORD, RETURN
from tests.test_reference_procedure import APPRAISAL, Officer
from tests.web.conftest import page_text
from tests.web.test_citizen_online_submission import app, citizen, submit_complete  # noqa: F401


def returned_online_dossier(b, demo, frozen_clock) -> int:
    submit_complete(b)
    with demo.motcua.read_session() as s:
        dossier_id = s.scalar(select(Dossier.id))
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id)
    url = f"/cong-dan/ho-so/{dossier_id}"
    assert b.post(f"{url}/danh-gia", {"score": "5"}).status_code == 302  # too early: refused in words
    assert "Chỉ đánh giá được sau khi đã nhận kết quả." in b.text(url)
    reception, specialist, leader = (Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    for officer, data, step in ((specialist, APPRAISAL, "appraise"), (leader, APPROVAL, "approve"),
                                (specialist, RECORD, "record_marriage"), (reception, RETURN, "return_result")):
        frozen_clock.advance(timedelta(hours=1))
        officer.take_and_complete(dossier_id, data, expect_step=step)
    return dossier_id


def test_the_citizen_rates_the_service_once_after_the_return(citizen, demo, frozen_clock):
    b = citizen()
    dossier_id = returned_online_dossier(b, demo, frozen_clock)
    url = f"/cong-dan/ho-so/{dossier_id}"
    assert "Đánh giá mức độ hài lòng" in b.text(url) and "Đã trả kết quả" in b.text(url)
    response = b.post(f"{url}/danh-gia", {"score": "9"})
    assert response.status_code == 400 and "Hãy chọn một mức từ 1 đến 5." in page_text(response)
    # Refused for want of a score, the comment already typed stays for the citizen to send.
    response = b.post(f"{url}/danh-gia", {"comment": "Cán bộ <b>tận tình</b> 😀"})
    assert response.status_code == 400
    assert '<textarea id="comment" name="comment" maxlength="1000">Cán bộ &lt;b&gt;tận tình&lt;/b&gt; 😀</textarea>' \
        in response.get_data(as_text=True)
    assert b.post(f"{url}/danh-gia", {"score": "4", "comment": "Cán bộ hướng dẫn tận tình."}).status_code == 302
    page = b.text(url)
    assert "Bạn đã đánh giá: 4/5." in page and "Cán bộ hướng dẫn tận tình." in page
    assert b.post(f"{url}/danh-gia", {"score": "1"}).status_code == 302
    assert "Bạn đã đánh giá hồ sơ này." in b.text(url)
    with demo.motcua.read_session() as s:
        month = satisfaction(s, start=datetime(2026, 11, 1, tzinfo=VN), end=datetime(2026, 12, 1, tzinfo=VN),
                             agency_id=demo.commune)
        other = satisfaction(s, start=datetime(2026, 11, 1, tzinfo=VN), end=datetime(2026, 12, 1, tzinfo=VN),
                             agency_id=demo.police)
    assert (month.ratings, month.satisfied, month.average, month.satisfied_share) == (1, 1, 4.0, 1.0)
    assert (other.ratings, other.average, other.satisfied_share) == (0, None, None)


def test_another_citizen_cannot_rate_it(citizen, demo, frozen_clock):
    b = citizen()
    dossier_id = returned_online_dossier(b, demo, frozen_clock)
    other = citizen("vneid-binh", "Trần Bình", "binh@example.vn")
    assert other.post(f"/cong-dan/ho-so/{dossier_id}/danh-gia", {"score": "1"}).status_code == 404
