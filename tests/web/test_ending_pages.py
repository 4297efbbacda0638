"""Withdrawal (7) and stop of processing (8) from the dossier page: a reason and who asked, the
notice printed, the citizen mailed, open work closed, the history complete."""
from __future__ import annotations

import re

import pytest

from sqlalchemy import select

from engine import commands
from engine.commands.reception import Applicant
from engine.models import AuditEvent, Dossier, OutgoingMail, WorkItem
from tests.web.conftest import page_text


def _received(demo, email="an@example.vn"):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An", email=email))


def test_the_counter_records_a_withdrawal_and_prints_its_confirmation(browser, demo):
    dossier = _received(demo)
    hoa = browser("tiepnhan")
    page = hoa.text(f"/dossiers/{dossier.id}")
    assert f'href="/dossiers/{dossier.id}/withdraw"' in page
    assert f'href="/dossiers/{dossier.id}/stop"' not in page  # stopping is a leader's decision
    form = hoa.text(f"/dossiers/{dossier.id}/withdraw")
    assert 'value="Nguyễn Văn An"' in form  # who asked: the applicant, unless the officer says otherwise
    response = hoa.post(f"/dossiers/{dossier.id}/withdraw", {"requested_by": "Nguyễn Văn An", "reason": " "})
    assert response.status_code == 422
    assert re.search(r'id="f-reason-error">Cần ghi rõ lý do\.', page_text(response))

    reason = "Công dân đề nghị rút hồ sơ để bổ sung giấy tờ khác."
    response = hoa.post(f"/dossiers/{dossier.id}/withdraw", {"requested_by": "Nguyễn Văn An", "reason": reason})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dossiers/{dossier.id}/withdrawal")
    notice = hoa.text(response.headers["Location"])
    for fact in ("PHIẾU XÁC NHẬN RÚT HỒ SƠ", dossier.code, "Nguyễn Văn An", reason, "NGƯỜI NỘP HỒ SƠ", "Nguyễn Thị Hoa"):
        assert fact in notice, fact
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        assert d.status == 7 and d.finished_at is not None
        assert s.execute(select(WorkItem.state).where(WorkItem.dossier_id == d.id)).scalars().all() == ["cancelled"]
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "withdrawn")).scalar_one()
        assert event.detail["requested_by"] == "Nguyễn Văn An" and event.detail["cancelled"] == ["appraise"]
        mail = s.execute(select(OutgoingMail).where(~OutgoingMail.dedupe_key.like("status-%"))).scalar_one()  # not the receipt's
    assert mail.to_address == "an@example.vn" and reason in mail.body
    page = hoa.text(f"/dossiers/{dossier.id}")
    assert "Công dân rút hồ sơ" in page and reason in page  # status and history
    assert f'href="/dossiers/{dossier.id}/withdraw"' not in page
    assert hoa.get(f"/dossiers/{dossier.id}/withdraw").status_code == 404


def test_a_leader_stops_processing_and_the_notice_is_signed_by_the_head(browser, demo):
    dossier = _received(demo)
    assert browser("tiepnhan").get(f"/dossiers/{dossier.id}/stop").status_code == 404
    assert browser("chuyenvien").post(f"/dossiers/{dossier.id}/stop", {"reason": "x"}).status_code == 404
    hung = browser("lanhdao")
    reason = "Cơ quan công an đề nghị tạm dừng để xác minh giấy tờ giả mạo."
    response = hung.post(f"/dossiers/{dossier.id}/stop", {"requested_by": "Công an xã Tân Phong", "reason": reason})
    assert response.status_code == 302
    notice = hung.text(response.headers["Location"])
    for fact in ("THÔNG BÁO VỀ VIỆC DỪNG XỬ LÝ HỒ SƠ", dossier.code, reason, "Công an xã Tân Phong",
                 "THỦ TRƯỞNG CƠ QUAN", "Phạm Quốc Hùng"):
        assert fact in notice, fact
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier.id).status == 8
    assert hung.get(f"/dossiers/{dossier.id}/withdrawal").status_code == 404  # not how it ended


@pytest.mark.parametrize("locale, one_line, control", [
    ("vi", "Chỉ được ghi trên một dòng: không xuống dòng, không dùng tab.",
     "Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."),
    ("en", "Must fit on one line: no line breaks or tabs.",
     "Must not contain control characters (invisible characters, often pasted in from elsewhere).")])
def test_who_asked_is_one_line_and_the_reason_has_no_control_characters(browser, demo, locale, one_line, control):
    """Who asked is printed on the notice's one line and the reason is mailed to the citizen: a line
    break in a name or a terminal's colour code in the reason were recorded as they came."""
    dossier = _received(demo)
    hoa = browser("tiepnhan")
    hoa.post("/language", {"locale": locale})
    response = hoa.post(f"/dossiers/{dossier.id}/withdraw",
                        {"requested_by": "Nguyễn Văn An\r\nBCC: x", "reason": "\x1b[31mRút hồ sơ."})
    assert response.status_code == 422
    html = page_text(response)
    assert re.search(rf'id="f-requested_by-error">{re.escape(one_line)}', html)
    assert re.search(rf'id="f-reason-error">{re.escape(control)}', html)
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier.id).status != 7
    response = hoa.post(f"/dossiers/{dossier.id}/withdraw",
                        {"requested_by": "Nguyễn Văn An", "reason": "Rút hồ sơ:\r\n\t- bổ sung giấy tờ khác."})
    assert response.status_code == 302
