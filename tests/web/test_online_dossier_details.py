"""What a citizen typed when submitting online (the procedure's intake form) is read by the
officers on the dossier's page and on its steps under the intake form's titles, never under the
field names the form stores it by."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.commands import online
from engine.commands.citizens import sign_in_with_identity
from engine.commands.reception import accept
from engine.config import PROJECT_ROOT
from engine.file_store import FileStore
from engine.models import WorkItem
from engine.procedures import catalogue
from engine.procedures.metadata import required_documents
from engine.procedures.registry import latest_version

PROCEDURE = "dang_ky_ho_kinh_doanh"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
TYPED = {"business_name": "Hộ kinh doanh Tạp hóa Minh Anh", "business_address": "Số 12, thôn Đông, xã Tân Phong",
         "business_lines": "Bán lẻ lương thực, thực phẩm", "capital": 150_000_000, "workers": 4}


def submitted_online(demo, citizen_id: int, upload_dir, procedure: str, data: dict) -> int:
    """The citizen's dossier of ``procedure``, typed as ``data``, every required scan uploaded and
    submitted (status 1, not yet received): its id."""
    uow = demo.motcua.uow
    schema = catalogue.load(PROJECT_ROOT / "workflows" / "catalogue")[procedure]["intake_schema"]
    application = online.save_draft(uow(), citizen_id=citizen_id, procedure_key=procedure, schema=schema,
                                    data=data, agency_code="000.31.21.H56")
    with demo.motcua.read_session() as s:
        documents = [d.name for d in required_documents(latest_version(s, procedure).manifest) if not d.optional]
    for name in documents:
        online.add_file(uow(), FileStore(upload_dir), citizen_id=citizen_id, application_id=application,
                        document_name=name, filename="scan.pdf", content=PDF)
    return online.submit(uow(), citizen_id=citizen_id, application_id=application, schema=schema).id


def _received_online(demo, tmp_path) -> int:
    citizen_id = sign_in_with_identity(demo.motcua.uow(), issuer="https://id.example.vn", subject="vneid-anh",
                                       claims={"name": "Trần Minh Anh", "email": "minhanh@example.vn"})
    dossier_id = submitted_online(demo, citizen_id, tmp_path, PROCEDURE, TYPED)
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id)
    return dossier_id


def _entries(html: str) -> dict[str, str]:
    section = html[html.index('class="facts case-data"'):]
    return {re.sub(r"\s+", " ", t).strip(): re.sub(r"\s+", " ", d).strip()
            for t, d in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section, re.S)}


def test_the_online_forms_fields_show_their_titles_on_the_dossier_and_its_step(browser, demo, tmp_path):
    """Before, the counter officer's dossier page and the specialist's step showed 'capital' and
    'workers' (the intake form's field names) with the values typed."""
    dossier_id = _received_online(demo, tmp_path)
    with demo.motcua.read_session() as s:
        step = s.scalar(select(WorkItem.id).where(WorkItem.dossier_id == dossier_id, WorkItem.state == "open"))
    pages = [browser("tiepnhan").text(f"/dossiers/{dossier_id}"), browser("chuyenvien").text(f"/tasks/{step}")]
    for html in pages:
        entries = _entries(html)
        assert entries["Vốn kinh doanh (đồng)"] == "150.000.000" and entries["Số lượng lao động"] == "4"
        assert entries["Tên hộ kinh doanh"] == "Hộ kinh doanh Tạp hóa Minh Anh"
        assert not {"capital", "workers", "business_name"} & set(entries)


def test_after_the_appraisal_each_figure_shows_once_with_its_unit(browser, demo, tmp_path):
    """The appraisal recorded the capital and the workers under names of its own (capital_vnd,
    employee_count) beside the citizen's: the dossier page then listed 'Vốn kinh doanh (đồng)' and
    'Số lượng lao động' twice. The appraisal now records them under the online form's names, so the
    appraised figure replaces the one typed, as the business's name, address and lines already did."""
    dossier_id = _received_online(demo, tmp_path)
    with demo.motcua.read_session() as s:
        step = s.scalar(select(WorkItem.id).where(WorkItem.dossier_id == dossier_id, WorkItem.state == "open"))
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{step}/claim")
    response = minh.post(f"/tasks/{step}/complete", {
        "business_name": TYPED["business_name"], "business_address": TYPED["business_address"],
        "business_lines": TYPED["business_lines"], "capital": "200000000", "workers": "5",
        "name_available": "on", "appraisal_opinion": "Hồ sơ hợp lệ, tên không trùng trên địa bàn."})
    assert response.status_code == 302
    html = browser("tiepnhan").text(f"/dossiers/{dossier_id}")
    section = html[html.index('class="facts case-data"'):]
    terms = [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<dt>(.*?)</dt>", section, re.S)]
    assert terms.count("Vốn kinh doanh (đồng)") == 1 and terms.count("Số lượng lao động") == 1
    assert html.count("(đồng)") == 1
    entries = _entries(html)
    assert entries["Vốn kinh doanh (đồng)"] == "200.000.000" and entries["Số lượng lao động"] == "5"


MARRIAGE = {"bride_name": "Lê Thị Cúc", "bride_birth_date": "1998-04-02", "bride_id_number": "001198001234",
            "groom_name": "Nguyễn Văn An", "groom_birth_date": "1996-09-15", "groom_id_number": "001096004321",
            "first_marriage": True}


@pytest.mark.parametrize("language, bride_born", [("vi", "Ngày sinh bên nữ"), ("en", "Bride's date of birth")],
                         ids=["vi", "en"])
def test_the_online_queue_shows_the_typed_dates_as_days(browser, demo, tmp_path, language, bride_born):
    """The counter's queue of online dossiers read 'Ngày sinh bên nữ 1998-04-02': a date field of the
    intake form was printed as stored, where every other page writes dd/mm/yyyy. Its dates now read
    as the dossier's page shows them; the other values stay as typed."""
    citizen_id = sign_in_with_identity(demo.motcua.uow(), issuer="https://id.example.vn", subject="vneid-cuc",
                                       claims={"name": "Lê Thị Cúc", "email": "cuc.le@example.vn"})
    submitted_online(demo, citizen_id, tmp_path, "dang_ky_ket_hon", MARRIAGE)
    b = browser("tiepnhan")
    b.post("/language", {"locale": language})
    html = b.text("/reception/online")
    entries = {t.strip(): d.strip() for t, d in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html, re.S)}
    assert entries[bride_born] == "02/04/1998" and "15/09/1996" in entries.values()
    assert "1998-04-02" not in html and "1996-09-15" not in html
    assert "001198001234" in entries.values() and "Lê Thị Cúc" in entries.values()
