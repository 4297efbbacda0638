"""Form 01 (giấy tiếp nhận hồ sơ và hẹn trả kết quả) prints on one A5 sheet with up to ten
documents, its signatures and its QR code on that sheet (issue 12, point 7): Chromium prints the
receipt to PDF as the officer's browser would, and the PDF is read back as a reader would see it.
The QR code leads to the tracking page, whose code box shows the whole code.
Text is read with pdftotext (poppler-utils, installed with Chromium)."""
from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from engine.commands import receive
from engine.commands.reception import Applicant
from engine.documents import ReceivedDocument

# Realistic papers of a marriage registration and what a counter adds: long names wrap.
PAPERS = [
    ("Tờ khai đăng ký kết hôn (theo mẫu)", "original"),
    ("Giấy xác nhận tình trạng hôn nhân của bên nữ do Ủy ban nhân dân cấp xã nơi cư trú cấp", "original"),
    ("Căn cước công dân của bên nam", "copy"),
    ("Căn cước công dân của bên nữ", "copy"),
    ("Giấy xác nhận tình trạng hôn nhân của bên nam", "original"),
    ("Bản sao trích lục bản án ly hôn đã có hiệu lực pháp luật", "certified_copy"),
    ("Giấy ủy quyền nộp hồ sơ có chứng thực", "original"),
    ("Giấy khám sức khỏe của bên nam", "original"),
    ("Giấy khám sức khỏe của bên nữ", "original"),
    ("Văn bản xác nhận của cơ quan, đơn vị nơi công tác", "original"),
]
A5_POINTS = (419.5, 595.3)  # 148 mm × 210 mm


def receive_with(demo, count: int):
    return receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                   procedure_key="dang_ky_ket_hon",
                   applicant=Applicant(name="Nguyễn Thị Phương Thảo", id_number="001190012345",
                                       address="Số 18 ngõ 42 đường Nguyễn Văn Cừ, thôn Đông, xã Tân Phong",
                                       phone="0987654321", email="phuongthao.nguyen@example.vn"),
                   documents=[ReceivedDocument(name=name, kind=kind, count=1 + i % 2)
                              for i, (name, kind) in enumerate(PAPERS[:count])])


@pytest.mark.parametrize("documents", [1, 2, 10])
def test_the_receipt_prints_on_one_a5_page_with_its_signatures_and_qr_code(officer, demo, artifacts, documents):
    dossier = receive_with(demo, documents)
    page = officer("tiepnhan")
    page.goto(f"/dossiers/{dossier.id}/receipt")
    pdf = page.pdf(format="A5")
    (artifacts / f"receipt-a5-{documents}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, f"{len(reader.pages)} pages for {documents} documents"
    sheet = reader.pages[0]
    size = (float(sheet.mediabox.width), float(sheet.mediabox.height))
    assert all(abs(got - want) < 1.5 for got, want in zip(size, A5_POINTS)), size  # Chromium rounds to the point
    # The text as laid out on the sheet (poppler's pdftotext keeps Vietnamese letters whole).
    text = " ".join(subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                                   check=True).stdout.decode("utf-8").split())
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and dossier.code in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "Nguyễn Thị Phương Thảo" in text and "Nguyễn Thị Hoa" in text  # the names under the signatures
    assert f"{documents} {PAPERS[documents - 1][0].split()[0]}" in text  # the last paper's row is there
    # The QR code is drawn, full size, on that sheet (its caption beside it), not cut off.
    assert "Quét để tra cứu" in text
    page.emulate_media(media="print")
    qr = page.locator("figure.qr svg").bounding_box()
    signatures = page.locator(".signatures").bounding_box()
    assert qr["width"] >= 70 and qr["height"] >= 70  # ≥ 18 mm: a phone reads it from the desk
    assert signatures["y"] > qr["y"]


def test_the_qr_codes_link_opens_tracking_with_the_whole_code_in_view(chromium, live_server, demo):
    dossier = receive_with(demo, 1)
    for width in (390, 1280):
        context = chromium.new_context(base_url=live_server, locale="vi-VN", viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            page.goto(f"/tra-cuu?ma={dossier.code}")  # what the receipt's QR code holds (tests/web/test_way_finding.py)
            box = page.get_by_label("Mã hồ sơ")
            assert box.input_value() == dossier.code and len(dossier.code) == 25
            # The whole code is in view: the box is not narrower than its text.
            assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), width
        finally:
            context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_text_typed_without_spaces_stays_on_the_receipt_and_the_control_slip(officer, demo, width):
    """A name, an address and a document each typed as one 200–500-character word ran off the
    receipt's A5 sheet and the control slip's A4 sheet, the page scrolling sideways by thousands of
    pixels; they now break within the sheet, and the table's short columns keep their words whole."""
    dossier = receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                      procedure_key="dang_ky_ket_hon",
                      applicant=Applicant(name="Nguyễn" + "A" * 200, address="Số12ngõ34" * 55),
                      documents=[ReceivedDocument(name="Giấytờ" * 80, kind="certified_copy", count=1)])
    page = officer("tiepnhan")
    page.set_viewport_size({"width": width, "height": 900})
    for url in (f"/dossiers/{dossier.id}/receipt", f"/dossiers/{dossier.id}/control-slip"):
        page.goto(url)
        sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways <= 0, (url, sideways)
    page.goto(f"/dossiers/{dossier.id}/receipt")
    kind = page.locator("table.documents td:nth-child(3)").first
    assert kind.inner_text() == "Bản sao có chứng thực"
    assert kind.evaluate("cell => getComputedStyle(cell).overflowWrap") == "normal"
