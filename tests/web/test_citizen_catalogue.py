"""Point 1 of the online services: the citizen's start page and the catalogue of procedures,
readable without signing in, searchable without accents, in Vietnamese first and in English."""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace

import pytest

from engine.procedures import catalogue
from tests.conftest import BPMN_DIR, PROJECT_ROOT
from tests.web.conftest import Browser, page_text
from webapp import create_app

CATALOGUE_DIR = PROJECT_ROOT / "workflows" / "catalogue"


def words(text: str) -> str:
    """What a reader sees: the page without its tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_the_start_page_is_the_citizens_with_the_officers_login_linked(browser):
    b = browser()
    response = b.get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Dịch vụ công trực tuyến" in text
    for name in ("Đăng ký kết hôn", "Đăng ký thành lập hộ kinh doanh", "Đăng ký khai tử – xóa đăng ký thường trú"):
        assert name in text
    assert 'href="/login"' in text and 'href="/tra-cuu"' in text
    assert 'href="/thu-tuc/dang_ky_ket_hon"' in text


@pytest.mark.parametrize("query, found, not_found", [
    ("ket hon", "Đăng ký kết hôn", "Đăng ký khai tử"),
    ("KHAI SINH", "Liên thông đăng ký khai sinh", "Đăng ký kết hôn"),
    ("  hộ   KINH doanh ", "Đăng ký thành lập hộ kinh doanh", "Đăng ký kết hôn"),
    ("1.000894", "Đăng ký kết hôn", "Đăng ký thành lập hộ kinh doanh"),
    ("dat dai", "Đăng ký biến động quyền sử dụng đất", "Đăng ký kết hôn"),
    ("marriage", "Đăng ký kết hôn", "Đăng ký khai tử"),
])
def test_search_ignores_accents_case_and_spaces(browser, query, found, not_found):
    text = browser().text("/thu-tuc", query_string={"q": query})
    assert found in text and not_found not in text
    assert "1 thủ tục phù hợp" in text


def test_a_search_that_finds_nothing_says_so(browser):
    text = browser().text("/thu-tuc", query_string={"q": "xyz không có" + "x" * 500})
    assert "Không tìm thấy thủ tục nào" in text


def test_a_procedure_page_says_what_a_citizen_needs_before_applying(browser):
    page = browser().text("/thu-tuc/dang_ky_ket_hon")
    text = words(page)
    assert "Ghi nhận việc kết hôn" in text  # what it is for
    assert "đủ tuổi kết hôn" in text  # who may apply
    assert "1.000894" in text
    assert "5 ngày làm việc" in text  # the legal time limit, from the diagram
    assert "Phí, lệ phí Miễn lệ phí đăng ký kết hôn." in text  # the catalogue's words, said once
    assert "Một phần: nộp hồ sơ trực tuyến" in text
    assert "UBND xã Tân Phong" in text and "Công an xã" not in text  # receiving agency only
    # Required documents from the diagram, with kind, count and the optional one marked.
    assert "Bản sao Căn cước của hai bên nam, nữ" in text
    assert "Giấy xác nhận tình trạng hôn nhân (khi đăng ký tại nơi không thường trú) (nếu có)" in text
    assert "Bản chính" in text and "Bản sao" in text
    assert 'href="/thu-tuc/dang_ky_ket_hon/mau/to-khai-dang-ky-ket-hon"' in page


def test_fee_and_full_online_level(browser):
    text = words(browser().text("/thu-tuc/dang_ky_ho_kinh_doanh"))
    assert "Phí, lệ phí 100.000 đồng. Lệ phí 100.000 đồng (mức do" in text
    assert "3 ngày làm việc" in text
    assert "Toàn trình" in text


def test_the_land_procedure_is_received_by_the_land_office_only(browser):
    text = browser().text("/thu-tuc/dang_ky_bien_dong_dat")
    assert "Chi nhánh Văn phòng đăng ký đất đai khu vực Tân Phong" in text
    assert "UBND xã Tân Phong" not in text
    assert "10 ngày làm việc" in text


def test_a_procedure_whose_fees_come_later_is_not_called_free(browser):
    """Nothing is charged at submission, but the certificate fee and taxes are due later: the page
    says so in the catalogue's words and never "Miễn phí" beside them."""
    b = browser()
    text = words(b.text("/thu-tuc/dang_ky_bien_dong_dat"))
    assert "Phí, lệ phí Lệ phí cấp Giấy chứng nhận, lệ phí trước bạ" in text
    assert "Miễn phí" not in text
    b.post("/language", {"locale": "en", "next": "/"})
    text = words(b.text("/thu-tuc/dang_ky_bien_dong_dat"))
    assert "Certificate fee, registration tax and personal income tax" in text and "Free" not in text


def test_the_catalogue_in_english(browser):
    b = browser()
    b.post("/language", {"locale": "en", "next": "/thu-tuc/dang_ky_ket_hon"})
    text = words(b.text("/thu-tuc/dang_ky_ket_hon"))
    assert "Marriage registration" in text
    assert "Legal time limit" in text and "5 working days" in text
    assert "Copies of both partners' identity cards" in text
    assert "Fees No fee." in text and "Required documents" in text
    home = b.text("/")
    assert "Online public services" in home and "Officers' sign-in" in home


def test_a_blank_form_downloads_as_a_file(browser):
    response = browser().get("/thu-tuc/dang_ky_ket_hon/mau/to-khai-dang-ky-ket-hon")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="to-khai-dang-ky-ket-hon.html"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = page_text(response)
    assert "TỜ KHAI ĐĂNG KÝ KẾT HÔN" in text.upper()
    assert "Họ, chữ đệm, tên bên nữ" in text and "Nơi cư trú bên nam" in text


@pytest.mark.parametrize("url", ["/thu-tuc/khong_co", "/thu-tuc/dang_ky_ket_hon/mau/khong-co",
                                 "/thu-tuc/dang_ky_ket_hon/mau/../../etc"])
def test_unknown_procedures_and_forms_are_404(browser, url):
    assert browser().get(url).status_code == 404


def test_a_procedure_without_a_valid_catalogue_entry_is_not_offered(settings, demo, tmp_path):
    partial = tmp_path / "catalogue"
    partial.mkdir()
    shutil.copy(CATALOGUE_DIR / "dang_ky_ket_hon.json", partial)
    shutil.copytree(CATALOGUE_DIR / "intake", partial / "intake")
    broken = json.loads((CATALOGUE_DIR / "dang_ky_ho_kinh_doanh.json").read_text(encoding="utf-8"))
    del broken["fee"]
    (partial / "dang_ky_ho_kinh_doanh.json").write_text(json.dumps(broken), encoding="utf-8")
    app = create_app(replace(settings, catalogue_dir=partial), {"TESTING": True, "SECRET_KEY": "test"})
    try:
        b = Browser(app)
        text = b.text("/")
        assert "Đăng ký kết hôn" in text
        assert "Đăng ký thành lập hộ kinh doanh" not in text  # its entry is broken: hidden, not a 500
        assert "Đăng ký khai tử" not in text  # no entry at all
        assert b.get("/thu-tuc/dang_ky_ho_kinh_doanh").status_code == 404
    finally:
        app.extensions["motcua"].dispose()


def test_every_shipped_procedure_has_a_valid_catalogue_entry():
    entries = catalogue.read_dir(CATALOGUE_DIR)
    keys = set()
    # The partner agencies' procedures too: their entries name them in English for their officers.
    for path in [*BPMN_DIR.glob("*.bpmn"), *(BPMN_DIR.parent / "partners").glob("*.bpmn")]:
        top = re.search(r'<bpmn:collaboration id="([^"]+)"', path.read_text(encoding="utf-8")) or \
            re.search(r'<bpmn:process id="([^"]+)"', path.read_text(encoding="utf-8"))
        keys.add(top.group(1))
    assert set(entries) == keys
    assert {key: found for key, (_entry, found) in entries.items() if found} == {}


def test_an_unreadable_intake_form_is_a_problem(tmp_path):
    entry = json.loads((CATALOGUE_DIR / "dang_ky_ket_hon.json").read_text(encoding="utf-8"))
    (tmp_path / "dang_ky_ket_hon.json").write_text(json.dumps(entry), encoding="utf-8")
    (tmp_path / "intake").mkdir()
    (tmp_path / "intake" / entry["intake"]).write_text('{"type": "array"}', encoding="utf-8")
    assert catalogue.read_dir(tmp_path)["dang_ky_ket_hon"][1] == [(
        f'The online form intake/{entry["intake"]} cannot be used: The form schema must have "type": "object" '
        'at its outermost level.',
        f'Không dùng được biểu mẫu nộp trực tuyến intake/{entry["intake"]}: Cấp ngoài cùng phải có "type": "object".')]


def test_catalogue_problems_are_reported():
    found = catalogue.problems({"name": {"vi": "X"}, "fee": {"amount": -1, "vi": "a", "en": "b"},
                                "online_level": "maybe", "forms": [{"id": "Bad Id"}]})
    english = [en for en, _vi in found]
    assert any(en.startswith("The procedure's name (“name”) needs") for en in english)
    assert any(en.startswith("The fee (“fee”) needs") for en in english)
    assert any(en.startswith("The online level (“online_level”) must be") for en in english)
    assert any(en.startswith("Form 1 needs an identifier") for en in english)


def test_fold_makes_vietnamese_searchable_without_accents():
    assert catalogue.fold("Đăng ký KẾT HÔN") == catalogue.fold("dang ky ket hon") == "dang ky ket hon"


def test_one_procedure_found_is_singular_in_english(browser):
    citizen = browser()
    citizen.post("/language", {"locale": "en"})
    text = citizen.text("/thu-tuc", query_string={"q": "kết hôn"})
    assert "1 procedure matches “kết hôn”." in text and "1 procedures" not in text
