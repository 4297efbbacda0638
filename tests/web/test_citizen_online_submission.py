"""Point 3 of the online services: a citizen fills in the intake form and uploads scans (type read
from the content, size and count limited, stored by content hash outside the web root), the draft
survives leaving the page, and submitting puts a dossier in status 1 in the agency's queue, where
the counter officer sees the scans and decides with the same decision as at the counter."""
from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from engine.commands import sessions
from engine.commands.citizens import sign_in_with_identity
from engine.commands.reception import Decision, Outcome, accept, decide
from engine.models import ApplicationFile, Dossier, OutgoingMail
from engine.runtime.host import load_workflow
from engine.statuses import Channel, DossierStatus
from tests.conftest import lasting_sessions
from tests.web.conftest import Browser, page_text
from webapp import browser_session, create_app

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
URL = "/thu-tuc/dang_ky_ket_hon/nop"
FORM = {"agency_code": "000.31.21.H56", "bride_name": "Lê Thị Cúc", "bride_birth_date": "1998-04-02",
        "bride_id_number": "001198001234", "groom_name": "Nguyễn Văn An", "groom_birth_date": "1996-09-15",
        "groom_id_number": "001096004321", "first_marriage": "on"}


@pytest.fixture
def app(settings, tmp_path):
    app = create_app(lasting_sessions(replace(settings, upload_dir=tmp_path / "uploads")),
                     {"TESTING": True, "SECRET_KEY": "test"})
    yield app
    app.extensions["motcua"].dispose()


@pytest.fixture
def citizen(app, demo):
    """``citizen(name)``: a browser signed in as a citizen with their details filled in."""
    def make(subject="vneid-an", name="Nguyễn Văn An", email="an.nguyen@example.vn"):
        citizen_id = sign_in_with_identity(demo.motcua.uow(), issuer="https://id.example.vn", subject=subject,
                                           claims={"name": name, "email": email, "phone_number": "0912345678"})
        b = Browser(app)
        b.get("/")
        with b.client.session_transaction() as s:  # as the sign-in leaves it: a server-side session's token
            s[browser_session.TOKEN] = sessions.start(demo.motcua.uow(), citizen_id=citizen_id)
        return b
    return make


def post(b, data, files=None, action="save"):
    form = dict(data, action=action, csrf_token=b.token())
    for key, (name, content) in (files or {}).items():
        form[key] = (io.BytesIO(content), name)
    return b.client.post(URL, data=form, content_type="multipart/form-data")


def submit_complete(b):
    post(b, FORM, {"doc-0": ("to-khai.pdf", PDF), "doc-1": ("can-cuoc.png", PNG)})
    return post(b, FORM, action="submit")


def test_the_draft_survives_leaving_the_page(citizen):
    b = citizen()
    assert "Tờ khai" in b.text(URL)
    response = post(b, {"bride_name": "Lê Thị Cúc", "bride_id_number": "0011"})
    assert response.status_code == 302
    again = b.text(URL)  # a new visit, as after closing the tab
    assert 'value="Lê Thị Cúc"' in again and 'value="0011"' in again
    assert "Bản nháp" in b.text("/cong-dan")


def test_scans_are_checked_by_content_and_stored_by_hash_outside_the_web_root(app, citizen, demo):
    b = citizen()
    response = post(b, FORM, {"doc-0": ("to-khai.pdf", PDF)})
    assert response.status_code == 302
    response = post(b, FORM, {"doc-1": ("anh.pdf", b"<html><script>alert(1)</script></html>")})
    assert response.status_code == 400 and "không phải PDF, JPEG hoặc PNG" in page_text(response)
    response = post(b, FORM, {"doc-1": ("lon.png", PNG + b"\x00" * (10 * 1024 * 1024))})
    assert response.status_code == 400 and "lớn hơn 10 MB" in page_text(response)
    with demo.motcua.read_session() as s:
        stored = s.scalars(select(ApplicationFile)).all()
    assert [(f.filename, f.content_type, f.size) for f in stored] == [("to-khai.pdf", "application/pdf", len(PDF))]
    root = app.extensions["motcua"].settings.upload_dir
    assert (root / stored[0].sha256[:2] / stored[0].sha256).read_bytes() == PDF
    # Served to its owner only, as an attachment the browser must not re-sniff.
    response = b.get(f"/cong-dan/tep/{stored[0].id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="to-khai.pdf"')
    assert citizen("vneid-binh", "Trần Bình", "binh@example.vn").get(f"/cong-dan/tep/{stored[0].id}").status_code == 404
    assert Browser(app).get(f"/cong-dan/tep/{stored[0].id}").status_code == 302  # not signed in
    assert b.get("/static/../instance/uploads").status_code == 404


def test_at_most_twenty_files(citizen):
    b = citizen()
    for n in range(20):
        assert post(b, FORM, {"doc-0": (f"t{n}.pdf", PDF + bytes([n]))}).status_code == 302
    response = post(b, FORM, {"doc-0": ("t21.pdf", PDF)})
    assert response.status_code == 400 and "tối đa 20 tệp" in page_text(response)


def test_an_incomplete_submission_says_everything_missing_and_creates_nothing(citizen, demo):
    b = citizen()
    response = post(b, {"bride_name": "Lê Thị Cúc", "bride_id_number": "12"}, action="submit")
    assert response.status_code == 400
    text = page_text(response)
    assert "Hãy chọn cơ quan tiếp nhận hồ sơ." in text
    assert "Chưa tải lên: Tờ khai đăng ký kết hôn; Bản sao Căn cước của hai bên nam, nữ." in text
    assert "Trường này là bắt buộc." in text  # the groom's name, and the others
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(Dossier)) == 0


def test_submitted_online_then_received_at_the_counter(app, citizen, demo):
    b = citizen()
    response = submit_complete(b)
    assert response.status_code == 302
    with demo.motcua.read_session() as s:
        dossier = s.scalars(select(Dossier)).one()
        # On to the new dossier's own page, where what happens next is said.
        assert response.headers["Location"] == f"/cong-dan/ho-so/{dossier.id}"
        assert (dossier.status, dossier.channel) == (DossierStatus.NEWLY_REGISTERED, Channel.ONLINE)
        assert (dossier.applicant_name, dossier.applicant_email) == ("Nguyễn Văn An", "an.nguyen@example.vn")
        assert dossier.agency_id == demo.commune
        assert s.scalar(select(OutgoingMail.subject).where(OutgoingMail.to_address == "an.nguyen@example.vn")) \
            == f"[Một cửa] Đã nhận hồ sơ trực tuyến {dossier.code}"
        files = s.scalars(select(ApplicationFile).order_by(ApplicationFile.id)).all()
    mine = b.text("/cong-dan")
    assert dossier.code in mine and "Mới đăng ký" in mine and "Bản nháp" not in mine
    # The counter of the commune sees it, with the scans viewable in the browser.
    officer = Browser(app)
    officer.login("tiepnhan")
    queue = officer.text("/reception/online")
    assert dossier.code in queue and "Lê Thị Cúc" in queue and "Họ, chữ đệm, tên bên nữ" in queue
    assert f"/reception/registered/{dossier.id}" in queue
    shown = officer.get(f"/reception/online/files/{files[0].id}")
    assert shown.status_code == 200 and shown.data == PDF
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in shown.headers["Content-Security-Policy"]
    assert officer.get(f"/reception/online/files/{files[0].id}?tai=1").headers["Content-Disposition"] \
        .startswith("attachment")
    # Another agency's officer sees neither the dossier nor its scans.
    police = Browser(app)
    police.login("congan")
    assert dossier.code not in police.text("/reception/online")
    assert police.get(f"/reception/online/files/{files[0].id}").status_code == 404
    # The counter accepts with the existing decision: the intake data starts the workflow.
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id)
    with demo.motcua.read_session() as s:
        received = s.get(Dossier, dossier.id)
        assert received.status == DossierStatus.RECEIVED
        assert load_workflow(received).data["bride_name"] == "Lê Thị Cúc"
    assert "Được tiếp nhận" in b.text("/cong-dan")
    assert dossier.code not in officer.text("/reception/online")


def test_refused_online_shows_on_the_citizens_page(citizen, demo):
    b = citizen()
    submit_complete(b)
    with demo.motcua.read_session() as s:
        dossier_id = s.scalar(select(Dossier.id))
    decide(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id,
           decision=Decision(Outcome.REFUSE, note="Hai bên chưa đủ tuổi kết hôn theo Điều 8 Luật HN&GĐ."))
    assert "Không được tiếp nhận" in b.text("/cong-dan")


def test_a_procedure_without_an_intake_form_is_not_submitted_online(citizen):
    b = citizen()
    assert b.get("/thu-tuc/lien_thong_khai_tu/nop").status_code == 404
    assert "Nộp hồ sơ trực tuyến" not in b.text("/thu-tuc/lien_thong_khai_tu")
    assert "Nộp hồ sơ trực tuyến" in b.text("/thu-tuc/dang_ky_ket_hon")


def test_officers_cannot_use_the_submission_pages(app, demo):
    officer = Browser(app)
    officer.login("tiepnhan")
    response = officer.get(URL)
    assert response.status_code == 302 and response.headers["Location"].startswith("/dang-nhap")


def test_enter_in_a_field_saves_the_draft_rather_than_removing_a_scan(citizen):
    """Browsers submit with the first submit button; with a scan uploaded, that was its "Xóa", so
    Enter in the name field deleted the scan. It must be the draft's "Lưu nháp"."""
    b = citizen()
    post(b, FORM, {"doc-0": ("to-khai.pdf", PDF)})
    html = b.text(URL)
    assert "to-khai.pdf" in html
    form = html[html.index('<form class="apply"'):]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'value="save"' in first_button and 'name="remove"' not in first_button


def test_scans_past_the_request_limit_are_refused_in_words_and_nothing_is_kept(app, citizen, demo):
    """Each scan may be 10 MB, but a request at most MAX_CONTENT_LENGTH: three scans at once went
    past it and the citizen saw Werkzeug's bare English "Request Entity Too Large" page."""
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    b = citizen()
    big = PDF + b"\x00" * (600 * 1024)
    response = post(b, FORM, {"doc-0": ("a.pdf", big), "doc-1": ("b.pdf", big)})
    assert response.status_code == 413
    text = page_text(response)
    assert "Tệp gửi lên quá lớn" in text and "lớn hơn 1 MB nên chưa được lưu" in text
    assert "Request Entity Too Large" not in text and '<a href="/">Trang chủ</a>' in text
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(ApplicationFile)) == 0
    b.client.post("/language", data={"locale": "en", "csrf_token": b.token()})
    response = post(b, FORM, {"doc-0": ("a.pdf", big), "doc-1": ("b.pdf", big)})
    assert response.status_code == 413 and "larger than 1 MB, so nothing was saved" in page_text(response)
