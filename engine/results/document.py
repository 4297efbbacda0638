"""The result document of a dossier as a PDF (fpdf2): the agency, the procedure, the dossier, what
the steps recorded as the result (labelled as the forms label it), and a QR code to the page where
anyone can check the document. Vietnamese text needs a Unicode TrueType font: MOTCUA_PDF_FONT, else
DejaVu Sans or Liberation Sans from the operating system (docs/OPERATIONS.md)."""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import segno
from fpdf import FPDF

from engine.errors import InvalidState
from engine.queries.case_data import Datum

FONT_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                   "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


@dataclass(frozen=True)
class ResultContent:
    agency_name: str
    procedure_name: str
    dossier_code: str
    applicant_name: str
    received_on: date
    issued_at: datetime  # in the agency's time zone
    entries: list[Datum]
    verification_url: str


def font_path() -> Path:
    for candidate in filter(None, (os.environ.get("MOTCUA_PDF_FONT"), *FONT_CANDIDATES)):
        if Path(candidate).is_file():
            return Path(candidate)
    raise InvalidState("Máy chủ thiếu phông chữ tiếng Việt để tạo tệp PDF (đặt MOTCUA_PDF_FONT).",
                       "The server has no Vietnamese font to make the PDF (set MOTCUA_PDF_FONT).")


def render(content: ResultContent) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"{content.procedure_name} – {content.dossier_code}")
    pdf.set_author(content.agency_name)
    pdf.set_creator("motcua")
    pdf.add_font("body", "", str(font_path()))
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("body", size=11)
    pdf.multi_cell(width / 2, 6, content.agency_name.upper(), align="C", new_x="RIGHT", new_y="TOP")
    pdf.multi_cell(width / 2, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("body", size=15)
    pdf.multi_cell(width, 8, "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=12)
    pdf.multi_cell(width, 7, content.procedure_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    facts = [("Mã hồ sơ", content.dossier_code), ("Người nộp hồ sơ", content.applicant_name),
             ("Ngày tiếp nhận", plain(content.received_on)),
             # The hour, then the day, as Vietnamese says a moment (and as the mails say it).
             ("Thời điểm cấp kết quả", f"{content.issued_at:%H:%M} ngày {plain(content.issued_at)}")]
    for label, value in facts:
        _line(pdf, width, label, value)
    pdf.ln(3)
    pdf.set_font("body", size=12)
    pdf.cell(width, 8, "Nội dung kết quả", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=11)
    for entry in content.entries:
        _datum(pdf, width, entry, indent=0)

    pdf.ln(8)
    qr = io.BytesIO()
    segno.make(content.verification_url, error="m").save(qr, kind="png", scale=4, border=1)
    y = pdf.get_y()
    pdf.image(qr, x=pdf.l_margin, y=y, w=32, h=32)
    pdf.set_xy(pdf.l_margin + 36, y)
    pdf.set_font("body", size=9)
    pdf.multi_cell(width - 36, 5, "Văn bản điện tử được ký số bởi " + content.agency_name + ". Quét mã QR hoặc mở "
                   "địa chỉ sau để kiểm tra văn bản là bản gốc, chưa bị sửa đổi:", new_x="LEFT", new_y="NEXT")
    pdf.set_font("body", size=7)  # the whole address on one line, so it can be copied
    pdf.cell(width - 36, 5, content.verification_url, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _line(pdf, width, label: str, value: str) -> None:
    pdf.set_font("body", size=11)
    pdf.multi_cell(width, 6, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")


def _datum(pdf, width, entry: Datum, indent: int) -> None:
    if entry.is_group:
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, 6, f"{entry.label}:", new_x="LMARGIN", new_y="NEXT")
        for inner in entry.value:
            _datum(pdf, width, inner, indent + 6)
        return
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(width - indent, 6, f"{entry.label}: {plain(entry.value)}", new_x="LMARGIN", new_y="NEXT")


def plain(value) -> str:
    """A recorded value as the document prints it: dates dd/mm/yyyy, yes/no in Vietnamese."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # strftime's %Y writes 0026 as "26"
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ").replace(".", ",").rstrip("0").rstrip(",")
    return str(value)
