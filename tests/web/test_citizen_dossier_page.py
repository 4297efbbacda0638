"""Point 4 of the online services: the citizen's own dossier page: status, appointment, where it
is and its history; the supplement asked for (form 02) answered online with scans; withdrawal on
request, recorded by the counter with the existing command."""
from __future__ import annotations

import io

from sqlalchemy import select

from engine.commands.reception import accept, give_guidance
from engine.commands.supervision import withdraw
from engine.models import AuditEvent, Dossier, Notification
from tests.conftest import VN
from tests.web.conftest import page_text
from tests.web.test_citizen_online_submission import PDF, app, citizen, submit_complete  # noqa: F401

MISSING = "Giấy xác nhận tình trạng hôn nhân"


def dossier_of(demo) -> Dossier:
    with demo.motcua.read_session() as s:
        return s.scalars(select(Dossier)).one()


def upload(b, dossier_id, files, action="upload"):
    form = {"action": action, "csrf_token": b.token()}
    for key, (name, content) in files.items():
        form[key] = (io.BytesIO(content), name)
    return b.client.post(f"/cong-dan/ho-so/{dossier_id}/bo-sung", data=form, content_type="multipart/form-data")


def test_the_citizen_follows_the_dossier_and_answers_form_02_online(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert dossier.code in page and "Mới đăng ký" in page and "Nộp hồ sơ trực tuyến" in page
    assert f'href="/cong-dan/ho-so/{dossier.id}"' in b.text("/cong-dan")
    # The counter asks for one more paper (form 02) without receiving the dossier.
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id, missing=[MISSING],
                  note="Bên nam đăng ký tại nơi không thường trú.")
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert "Yêu cầu bổ sung, hoàn thiện hồ sơ" in page and MISSING in page and "không thường trú" in page
    response = upload(b, dossier.id, {}, action="send")
    assert response.status_code == 400 and f"Chưa tải lên: {MISSING}." in page_text(response)
    response = upload(b, dossier.id, {"sup-0": ("xac-nhan.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 400 and "không phải PDF, JPEG hoặc PNG" in page_text(response)
    response = upload(b, dossier.id, {"sup-0": ("xac-nhan.pdf", PDF + b"2")}, action="send")
    assert response.status_code == 302
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert "Bạn đã gửi bổ sung lúc 23/11/2026 09:00" in page and "Gửi bổ sung trực tuyến" in page
    with demo.motcua.read_session() as s:
        told = s.scalars(select(Notification.message_vi).where(Notification.user_id == demo.users["tiepnhan"])).all()
    assert f"Công dân đã gửi bổ sung trực tuyến cho hồ sơ {dossier.code}." in told
    # The counter accepts: the page shows the new status, the appointment and where it is.
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id)
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert "Được tiếp nhận" in page and "Hồ sơ được tiếp nhận" in page
    assert "Yêu cầu bổ sung, hoàn thiện hồ sơ</h2>" not in page  # the slip was answered
    due = dossier_of(demo).due_at.astimezone(VN)
    assert f"Hẹn trả kết quả</dt><dd>{due:%d/%m/%Y %H:%M}</dd>" in page  # the engine's due date, local time
    assert "UBND xã Tân Phong" in page


def test_withdrawal_on_request(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id)
    response = b.post(f"/cong-dan/ho-so/{dossier.id}/rut", {"reason": "   "})
    assert response.status_code == 400 and "Cần ghi rõ lý do rút hồ sơ." in page_text(response)
    assert b.post(f"/cong-dan/ho-so/{dossier.id}/rut", {"reason": "Chúng tôi đổi ngày đăng ký."}).status_code == 302
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert "Bạn đã đề nghị rút hồ sơ lúc" in page and "Được tiếp nhận" in page  # asked, not yet done
    with demo.motcua.read_session() as s:
        assert s.scalar(select(AuditEvent.detail).where(AuditEvent.action == "withdrawal_requested")) == \
            {"reason": "Chúng tôi đổi ngày đăng ký."}
        assert s.scalar(select(Notification.message_vi).where(Notification.user_id == demo.users["tiepnhan"])) \
            .startswith(f"Công dân đề nghị rút hồ sơ {dossier.code}")
    withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id,
             reason="Công dân đề nghị rút trực tuyến.", requested_by="Nguyễn Văn An")
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert "Công dân rút hồ sơ" in page and "Đề nghị rút hồ sơ</button>" not in page
    response = b.post(f"/cong-dan/ho-so/{dossier.id}/rut", {"reason": "Lần nữa"})
    assert response.status_code == 302  # refused in words, nothing recorded
    assert "Hồ sơ đã kết thúc, không rút được nữa." in b.text(f"/cong-dan/ho-so/{dossier.id}")


def test_only_the_owner_sees_the_dossier(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    other = citizen("vneid-binh", "Trần Bình", "binh@example.vn")
    assert other.get(f"/cong-dan/ho-so/{dossier.id}").status_code == 404
    assert other.post(f"/cong-dan/ho-so/{dossier.id}/rut", {"reason": "x"}).status_code == 404
    assert upload(other, dossier.id, {"sup-0": ("a.pdf", PDF)}).status_code == 404
