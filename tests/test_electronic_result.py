"""Electronic results: once a dossier's result is ready, a leader (or the counter) issues it as a
PDF signed by the agency (PAdES) with a test certificate authority made here; the document says
what the steps recorded and carries a QR code to a public page where anyone can check that a file
is the one issued, untouched, and signed by a certificate we trust."""
from __future__ import annotations

import dataclasses
import io
import re

import pytest
from pypdf import PdfReader

from engine import commands
from engine.commands.reception import Applicant
from engine.commands.results import issue_result
from engine.errors import InvalidState, NotFound
from engine.results.pki import make_pki
from engine.results.signing import check
from tests.test_reference_procedure import APPRAISAL, Officer
from tests.web.conftest import Browser, page_text

PASSPHRASE = "mật khẩu chứng thư"


@pytest.fixture
def pki(tmp_path):
    """The test CA and the agency's certificate, and another CA nobody trusts (a forger's)."""
    ours = make_pki(tmp_path / "ours" / "agency.p12", tmp_path / "ours" / "ca.pem", "UBND xã Tân Phong",
                    PASSPHRASE.encode(), ca_name="motcua test CA")
    forger = make_pki(tmp_path / "forger" / "agency.p12", tmp_path / "forger" / "ca.pem", "UBND xã Tân Phong",
                      b"x", ca_name="motcua test CA")
    return ours, forger


@pytest.fixture
def signing_settings(settings, pki):
    ours, _forger = pki
    return dataclasses.replace(settings, signing_p12=ours.p12, signing_passphrase=PASSPHRASE,
                               signing_trust=ours.ca_pem)


@pytest.fixture
def web(signing_settings, demo):
    from webapp import create_app
    app = create_app(signing_settings, {"TESTING": True, "SECRET_KEY": "test", "SERVER_NAME": "motcua.test"})
    yield app
    app.extensions["motcua"].dispose()


def result_ready(demo) -> int:
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    specialist, leader = Officer(demo, "chuyenvien"), Officer(demo, "lanhdao")
    specialist.take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")
    leader.take_and_complete(dossier.id, {"decision": "approve", "leader_opinion": "Đồng ý."}, expect_step="approve")
    specialist.take_and_complete(dossier.id, {"register_book": "01/2026", "register_number": 125,
                                              "registered_on": "2026-11-23"}, expect_step="record_marriage")
    return dossier.id


def issue(demo, settings, dossier_id, who="lanhdao"):
    return issue_result(demo.motcua.uow(), settings, actor_id=demo.users[who], dossier_id=dossier_id,
                        link=lambda token: f"https://motcua.test/xac-minh/{token}")


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_issued_result_says_what_was_decided_and_is_signed_by_the_agency(demo, signing_settings, pki):
    ours, forger = pki
    result = issue(demo, signing_settings, result_ready(demo))
    text = text_of(result.pdf)
    for expected in ("UBND XÃ TÂN PHONG", "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Nguyễn Văn An",
                     "000.31.21.H56-261123-0001", "Ngày tiếp nhận: 23/11/2026", "125", "01/2026", "23/11/2026",
                     f"https://motcua.test/xac-minh/{result.token}"):
        assert expected in text, expected
    assert "supplement_requested" not in text and "register_number" not in text  # labels, not field names
    # When it was issued, as Vietnamese says a moment: the hour, then the day (it said "09:00 23/11/2026").
    assert re.search(r"Thời điểm cấp kết quả: \d\d:\d\d ngày \d\d/\d\d/2026", text), text
    assert check(result.pdf, [ours.ca_pem]).genuine
    assert result.signer == "UBND xã Tân Phong"
    # Only our CA is trusted: the same document is not "genuine" for a verifier trusting only the forger's.
    assert not check(result.pdf, [forger.ca_pem]).trusted


def test_who_may_issue_when_and_how_often(demo, signing_settings):
    dossier_id = result_ready(demo)
    with pytest.raises(NotFound):  # a specialist does not sign for the agency
        issue(demo, signing_settings, dossier_id, who="chuyenvien")
    issue(demo, signing_settings, dossier_id, who="tiepnhan")  # the counter may
    with pytest.raises(InvalidState, match="đã được phát hành"):
        issue(demo, signing_settings, dossier_id)
    not_ready = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                                 procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Trần Thị Bình"))
    with pytest.raises(InvalidState, match="chưa có kết quả"):
        issue(demo, signing_settings, not_ready.id)


def test_without_a_certificate_the_officer_is_told_what_is_missing(demo, settings, tmp_path):
    missing = dataclasses.replace(settings, signing_p12=tmp_path / "none.p12")
    with pytest.raises(InvalidState, match="Chưa cấu hình chứng thư số"):
        issue(demo, missing, result_ready(demo))


def test_the_leader_issues_from_the_dossier_page_and_anyone_checks_the_file(demo, web, pki):
    _ours, forger = pki
    dossier_id = result_ready(demo)
    leader = Browser(web)
    leader.login("lanhdao")
    page = page_text(leader.get(f"/dossiers/{dossier_id}"))
    assert "Ký số và phát hành kết quả điện tử" in page
    assert leader.post(f"/dossiers/{dossier_id}/result").status_code == 302
    page = page_text(leader.get(f"/dossiers/{dossier_id}"))
    assert "Tải kết quả điện tử (PDF đã ký số)" in page
    download = leader.get(f"/dossiers/{dossier_id}/result.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    pdf = download.data
    token = text_of(pdf).split("/xac-minh/")[1].split()[0]

    visitor = Browser(web)  # no login: the QR code's page
    about = page_text(visitor.get(f"/xac-minh/{token}"))
    assert "UBND xã Tân Phong" in about and "000.31.21.H56-261123-0001" in about
    assert "Nguyễn Văn An" not in about  # no personal data on a public page

    def verdict(data: bytes, name="ket-qua.pdf"):
        response = visitor.post(f"/xac-minh/{token}", {"document": (io.BytesIO(data), name)},
                                content_type="multipart/form-data")
        return response.status_code, page_text(response)

    status, text = verdict(pdf)
    assert status == 200 and "Tệp là bản gốc do cơ quan phát hành, chưa bị sửa đổi" in text

    tampered = bytearray(pdf)
    at = pdf.index(b"stream", 200) + 20
    tampered[at] ^= 0xFF
    status, text = verdict(bytes(tampered))
    assert "KHÔNG phải là bản gốc" in text and "Chữ ký số không còn nguyên vẹn" in text

    status, text = verdict(pdf + b"\n%% them noi dung\n")
    assert "KHÔNG phải là bản gốc" in text and "Tệp đã bị thêm nội dung sau khi ký" in text

    from engine.results import signing
    forged = signing.sign(pdf[:pdf.index(b"%%EOF") + 5], signing.load_signer(forger.p12, forger.passphrase),
                          reason="x", location="y")
    status, text = verdict(forged)
    assert "Chứng thư số của người ký không thuộc cơ quan được tin cậy" in text

    status, text = verdict(b"GIF89a not a pdf")
    assert status == 422 and "Tệp không phải là tệp PDF" in text
    assert visitor.get("/xac-minh/khong-co-ma-nay").status_code == 404
    visitor.post("/language", {"locale": "en", "next": f"/xac-minh/{token}"})
    english = page_text(visitor.get(f"/xac-minh/{token}"))
    assert "Check an electronic document" in english and "Digitally signed by" in english


def test_an_officer_of_another_agency_cannot_download_it(demo, signing_settings, web):
    dossier_id = result_ready(demo)
    issue(demo, signing_settings, dossier_id)
    police = Browser(web)
    police.login("congan")
    assert police.get(f"/dossiers/{dossier_id}/result.pdf").status_code == 404


def test_signing_and_checking_work_inside_a_thread_that_runs_an_event_loop(demo, signing_settings, pki):
    """As under an async server, or after Playwright's sync API started its loop in this thread."""
    import asyncio
    ours, _forger = pki
    dossier_id = result_ready(demo)

    async def inside_a_loop():
        result = issue(demo, signing_settings, dossier_id)
        return check(result.pdf, [ours.ca_pem])

    assert asyncio.run(inside_a_loop()).genuine


def test_the_result_prints_every_recorded_day_as_dd_mm_yyyy():
    from datetime import date

    from engine.results.document import plain
    assert plain(date(2026, 12, 2)) == "02/12/2026"
    assert plain(date(26, 12, 2)) == "02/12/0026"  # not 02/12/26: the slip shows as it was recorded
