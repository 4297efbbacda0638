"""The procedures page as a modeller and an administrator use it: versions with who, when, what
changed and open dossiers; roll back, retire and reinstate; compare two versions. Others get 404."""
from __future__ import annotations

import re

from engine.commands import procedures as lifecycle
from engine.models import ProcedureDraft
from tests.bpmn_samples import FORMS, reference_xml
from tests.page_text import table_rows

RENAMED = reference_xml().replace('name="Thẩm định hồ sơ"', 'name="Thẩm định hồ sơ (mẫu mới)"')


def publish(demo, xml=RENAMED, note="Đổi tên bước thẩm định"):
    return lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=xml, forms_dir=FORMS,
                             note=note)


def test_officers_do_not_see_the_procedures_pages(browser):
    officer = browser("chuyenvien")
    assert officer.get("/procedures").status_code == 404
    assert officer.get("/procedures/dang_ky_ket_hon").status_code == 404
    assert officer.post("/procedures/dang_ky_ket_hon/retire", {"reason": "x"}).status_code == 404
    assert "/procedures" not in officer.text("/inbox")


def test_the_list_shows_every_procedure_with_its_active_version_and_open_dossiers(browser, receive_dossier):
    receive_dossier()
    page = browser("thietke").text("/procedures")
    assert 'href="/procedures"' in page  # in the header for a modeller
    assert "Đăng ký kết hôn" in page and "Liên thông đăng ký khai sinh" in page
    [row] = [r for r in table_rows(page, table_class="procedures") if r[0] == "Đăng ký kết hôn"]
    assert row == ["Đăng ký kết hôn", "1.000894", "1", "1", "Đang tiếp nhận"]


def test_versions_roll_back_and_compare(browser, demo, receive_dossier):
    receive_dossier()
    publish(demo)
    admin = browser("admin")
    page = admin.text("/procedures/dang_ky_ket_hon")
    assert "Phiên bản áp dụng: 2" in page and "Đổi tên bước thẩm định" in page
    [v2, v1] = table_rows(page, table_class="versions")
    # Who published: the modeller by name; the demo's installation was no one's.
    assert v2[2] == "Hoàng Minh Tâm" and v1[2] == "Cài đặt hệ thống" and "thietke" not in page
    assert v1[4] == "1" and v1[5].endswith("Áp dụng phiên bản 1")  # one dossier still open on version 1
    response = admin.post("/procedures/dang_ky_ket_hon/versions/1/activate", {"reason": "Sai tên bước"})
    assert response.status_code == 302
    page = admin.text("/procedures/dang_ky_ket_hon")
    assert "Phiên bản áp dụng: 1" in page and "Quay về phiên bản cũ 1" in page and "Sai tên bước" in page
    # What the counter offers follows.
    assert re.search(r'<option value="dang_ky_ket_hon"[^>]*>[^<]*phiên bản 1', browser("tiepnhan").text("/reception/new"))
    compare = admin.text("/procedures/dang_ky_ket_hon/compare?old=1&new=2")
    assert "Sửa: Thẩm định hồ sơ (mẫu mới)" in compare and "<code>appraise</code>" in compare
    assert "Biểu mẫu không đổi." in compare
    assert 'data-changed="[&#34;appraise&#34;]"' in admin.get("/procedures/dang_ky_ket_hon/compare?old=1&new=2").get_data(as_text=True)
    xml = admin.get("/procedures/dang_ky_ket_hon/versions/2.bpmn")
    assert xml.mimetype == "application/xml" and "Thẩm định hồ sơ (mẫu mới)" in xml.get_data(as_text=True)
    assert admin.get("/procedures/dang_ky_ket_hon/compare?old=1&new=9").status_code == 404


def test_retire_and_reinstate(browser, demo):
    modeller = browser("thietke")
    response = modeller.post("/procedures/dang_ky_ket_hon/retire", {"reason": ""})
    assert response.status_code == 302
    assert "Cần ghi lý do" in modeller.text("/procedures/dang_ky_ket_hon")
    modeller.post("/procedures/dang_ky_ket_hon/retire", {"reason": "Thay bằng thủ tục liên thông"})
    page = modeller.text("/procedures/dang_ky_ket_hon")
    assert "Ngừng tiếp nhận từ" in page and "Thay bằng thủ tục liên thông" in page
    assert "Đăng ký kết hôn" not in browser("tiepnhan").text("/reception/new")
    modeller.post("/procedures/dang_ky_ket_hon/reinstate")
    assert "Đăng ký kết hôn" in browser("tiepnhan").text("/reception/new")


def test_the_page_in_english(browser, demo):
    admin = browser("admin")
    admin.post("/language", {"locale": "en"})
    page = admin.text("/procedures/dang_ky_ket_hon")
    assert "Versions" in page and "Active version: 1" in page and "Stop taking new dossiers" in page



def test_the_editor_saves_drafts_checks_them_and_publishes(browser, demo):
    modeller, admin = browser("thietke"), browser("admin")
    assert admin.get("/procedures/dang_ky_ket_hon/edit").status_code == 404  # administrators do not edit
    assert admin.post_json("/procedures/publish", {"xml": RENAMED}).status_code == 404
    page = modeller.text("/procedures/dang_ky_ket_hon")
    assert 'href="/procedures/dang_ky_ket_hon/edit"' in page
    source = modeller.get("/procedures/dang_ky_ket_hon/edit/source.json").get_json()
    assert source["origin"] == "version" and "ket_hon_tham_dinh.json" in source["forms"]
    assert "accountant" not in source["roles"] and "specialist" in source["roles"] and "BHXH" in source["partner_codes"]
    broken = RENAMED.replace('isExecutable="true"', 'isExecutable="false"')
    saved = modeller.post_json("/procedures/drafts", {"xml": broken})
    assert saved.status_code == 200
    [problem] = saved.get_json()["problems"]
    assert problem["element"] == "dang_ky_ket_hon" and "isExecutable" in problem["message"]
    assert "Đăng ký kết hôn" in page and modeller.get("/procedures/dang_ky_ket_hon/edit/source.json").get_json()["origin"] == "draft"
    refused = modeller.post_json("/procedures/publish", {"xml": broken})
    assert refused.status_code == 422 and refused.get_json()["problems"][0]["element"] == "dang_ky_ket_hon"
    published = modeller.post_json("/procedures/publish", {"xml": RENAMED, "note": "Tên bước mới"})
    assert published.status_code == 200 and published.get_json()["version"] == 2
    assert modeller.post_json("/procedures/drafts", {"xml": "<nope"}).status_code == 422


def test_a_file_that_is_not_a_diagram_is_refused_in_the_pages_language(browser, demo):
    """Not XML, a DOCTYPE (entity expansion), a file past the size limit, XML that is not BPMN:
    refused with nothing saved, and said in Vietnamese on a Vietnamese page, not in lxml's
    English ("Start tag expected", "<string>")."""
    modeller = browser("thietke")
    cases = {
        "hello world": "dòng 1, cột 1",
        "": "dòng 1, cột 1",
        RENAMED[:len(RENAMED) // 2]: "Tệp không phải XML hợp lệ: lỗi ở dòng",
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><d>&b;</d>': "DOCTYPE hoặc ENTITY",
        RENAMED.replace("</bpmn:definitions>", "<!--" + "x" * (3 * 1024 * 1024) + "--></bpmn:definitions>"):
            "Tệp quá lớn: 3 MB, tối đa 2 MB.",
        "<html><body>x</body></html>": "Sơ đồ cần đúng một quy trình",
    }
    for xml, expected in cases.items():
        answer = modeller.post_json("/procedures/drafts", {"xml": xml})
        assert answer.status_code == 422
        [problem] = answer.get_json()["problems"]
        assert expected in problem["message"], problem
        assert not re.search(r"[Ee]xpected|<string>|declarations|not allowed|too large", problem["message"]), problem
    with demo.motcua.read_session() as s:
        assert s.query(ProcedureDraft).count() == 0
    assert modeller.post_json("/procedures/publish", {"xml": "hello"}).get_json()["problems"][0]["message"] \
        .startswith("Tệp không phải XML hợp lệ")
    modeller.post("/language", {"locale": "en", "next": "/procedures"})
    [problem] = modeller.post_json("/procedures/drafts", {"xml": "hello"}).get_json()["problems"]
    assert problem["message"].startswith("The file is not valid XML: error at line 1, column 1.")
    assert "<string>" not in problem["message"] and "expected" not in problem["message"]


def test_a_diagram_past_the_request_limit_is_a_problem_the_editor_lists(app, browser, demo):
    """The editor reads every answer as JSON: Werkzeug's HTML 413 made it say the server could not
    be reached."""
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    answer = browser("thietke").post_json("/procedures/drafts", {"xml": "x" * (2 * 1024 * 1024)})
    assert answer.status_code == 413
    [problem] = answer.get_json()["problems"]
    assert problem["message"].startswith("Dữ liệu gửi lên lớn hơn 1 MB nên chưa được lưu.")


def test_the_form_preview_is_the_task_pages_field_markup(browser, demo):
    import json
    modeller = browser("thietke")
    schema = json.loads((FORMS / "tra_ket_qua.json").read_text(encoding="utf-8"))
    answer = modeller.post_json("/procedures/form-preview", {"schema": schema}).get_json()
    assert answer["problems"] == []
    for name, spec in schema["properties"].items():
        assert f'name="{name}"' in answer["html"] and spec["title"] in answer["html"]
    bad = modeller.post_json("/procedures/form-preview", {"schema": {"type": "object", "properties": {"x": {"type": "nope"}}}})
    assert bad.status_code == 422 and bad.get_json()["problems"]


def test_the_form_preview_shows_the_english_texts_on_an_english_page_and_refuses_a_broken_one(browser, demo):
    modeller = browser("thietke")
    modeller.post("/language", {"locale": "en"})
    schema = {"type": "object", "properties": {"opinion": {"title": "Ý kiến", "x-title-en": "Opinion", "type": "string"}}}
    answer = modeller.post_json("/procedures/form-preview", {"schema": schema}).get_json()
    assert answer["problems"] == [] and '<label for="f-opinion">Opinion</label>' in answer["html"]
    schema["properties"]["opinion"]["x-title-en"] = "Opinion\nof the leader"
    refused = modeller.post_json("/procedures/form-preview", {"schema": schema})
    assert refused.status_code == 422
    assert refused.get_json()["problems"] == ["The key x-title-en of the field “opinion” must be one line of at most 500 "
                                              "characters, without control characters."]
    modeller.post("/language", {"locale": "vi"})
    refused = modeller.post_json("/procedures/form-preview", {"schema": schema}).get_json()
    assert refused["problems"] == ["Khóa x-title-en của trường «opinion» phải là một dòng văn bản, tối đa 500 ký tự, "
                                   "không có ký tự điều khiển."]


def test_a_new_procedure_starts_from_a_diagram_that_validates(browser, demo):
    modeller = browser("thietke")
    assert "Soạn thủ tục mới" in modeller.text("/procedures")
    assert modeller.get("/procedures/new").status_code == 200
    source = modeller.get("/procedures/_new/edit/source.json").get_json()
    assert source["origin"] == "new"
    saved = modeller.post_json("/procedures/drafts", {"xml": source["xml"]}).get_json()
    assert saved["key"] == "thu_tuc_moi" and saved["problems"] == []


def test_try_runs_the_scenario_step_by_step_on_the_diagram(browser, demo):
    modeller = browser("thietke")
    response = modeller.post("/procedures/dang_ky_ho_kinh_doanh/try", {"source": "active"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Mọi bước đều đúng như kịch bản." in page
    assert page.count("<svg") == 8 and "Hoàn thành bước «Thu lệ phí đăng ký hộ kinh doanh» — đúng" in page  # one diagram per scenario step
    # A draft that breaks the procedure: the trial says why, and nothing ran.
    broken = (FORMS.parent / "bpmn" / "dang_ky_ho_kinh_doanh.bpmn").read_text(encoding="utf-8").replace(
        'isExecutable="true"', 'isExecutable="false"')
    modeller.post_json("/procedures/drafts", {"xml": broken})
    page = modeller.post("/procedures/dang_ky_ho_kinh_doanh/try", {"source": "draft"}).get_data(as_text=True)
    assert "Không chạy được" in page and "isExecutable" in page


def test_an_administrator_previews_then_moves_open_dossiers(browser, demo, receive_dossier):
    code, _item = receive_dossier()
    publish(demo)
    admin = browser("admin")
    assert browser("thietke").get("/procedures/dang_ky_ket_hon/move?source=1&target=2").status_code == 404
    assert "Chuyển hồ sơ sang phiên bản khác" in admin.text("/procedures/dang_ky_ket_hon")
    preview = admin.text("/procedures/dang_ky_ket_hon/move?source=1&target=2")
    assert "Sẽ chuyển (1)" in preview and code in preview and "Chuyển 1 hồ sơ" in preview
    with demo.motcua.read_session() as s:
        from engine.models import Dossier
        assert s.query(Dossier).one().procedure_version.number == 1  # a preview changes nothing
    response = admin.post("/procedures/dang_ky_ket_hon/move", {"source": "1", "target": "2"})
    assert response.status_code == 302
    page = admin.text("/procedures/dang_ky_ket_hon")
    assert "Đã chuyển 1 hồ sơ sang phiên bản 2" in page and "Chuyển hồ sơ sang phiên bản khác 2" in page


def test_the_commonest_drawing_mistakes_are_said_in_vietnamese(browser, demo):
    """A step outside any lane (no role), no end event, a user task without a form, a form that is
    not there: the draft's problems on a Vietnamese page were English-only ("human task is not in
    a named lane …", "form 'x.json' not found in /srv/…/forms", the server's folder included)."""
    no_lanes = re.sub(r"<bpmn:laneSet.*?</bpmn:laneSet>", "", RENAMED, flags=re.S)
    no_end = re.sub(r"<bpmn:endEvent (id=\"end_(?:returned|refused)\".*?)</bpmn:endEvent>",
                    r"<bpmn:intermediateThrowEvent \1</bpmn:intermediateThrowEvent>", RENAMED, flags=re.S)
    no_form = RENAMED.replace('value="ket_hon_tham_dinh.json"', 'value="khong_co.json"')
    modeller = browser("thietke")
    messages = {}
    for name, xml in (("no_lanes", no_lanes), ("no_end", no_end), ("no_form", no_form)):
        messages[name] = [p["message"] for p in modeller.post_json("/procedures/drafts", {"xml": xml}).get_json()["problems"]]
    assert any(m.startswith("Bước của cán bộ chưa nằm trong lane có tên") for m in messages["no_lanes"])
    assert "Quy trình không có sự kiện kết thúc: hãy vẽ một sự kiện kết thúc sau bước cuối." in messages["no_end"]
    assert any(m.startswith("Không có biểu mẫu «khong_co.json»") for m in messages["no_form"])
    for found in messages.values():
        assert not any(re.search(r"\b(not|has no|must be|found in)\b|/forms", m) for m in found), found
    # In English too, without the server's folder.
    modeller.post("/language", {"locale": "en"})
    english = [p["message"] for p in modeller.post_json("/procedures/drafts", {"xml": no_form}).get_json()["problems"]]
    assert any(m.startswith("The form “khong_co.json” does not exist") for m in english), english
    assert not any("/" in m for m in english), english


def test_property_form_and_condition_mistakes_are_said_in_the_pages_language(browser, demo):
    """A procedure property, a step's allotment or payment, a form that is not a usable schema, a
    condition the sandbox refuses: listed on a Vietnamese page in the checker's English (with
    jsonschema's and RestrictedPython's wording); each now in the page's language."""
    xml = (RENAMED.replace('name="timeLimit" value="5 working days"', 'name="timeLimit" value="năm ngày"')
           .replace('name="allotment" value="2 working days"', 'name="allotment" value="2 ngày"')
           .replace('name="allotment" value="1 working days" />\n            <spiffworkflow:property name="dossierStatus" value="4" />',
                    'name="allotment" value="1 working days" />\n            <spiffworkflow:property name="dossierStatus" value="4" />'
                    '\n            <spiffworkflow:property name="payment" value="fee" />')
           .replace('decision == "approve"', 'decision == = "approve"'))
    forms = {"ket_hon_tham_dinh.json": {"type": "object", "properties": {"so_cccd": {"type": "strin"}}}}
    modeller = browser("thietke")
    expected = {
        "dang_ky_ket_hon": ("Thời hạn giải quyết «năm ngày» không đúng dạng: hãy viết “15 ngày làm việc”",
                            "The time limit (timeLimit) “năm ngày” is not a time limit"),
        "appraise": ("Biểu mẫu «ket_hon_tham_dinh.json»: không phải JSON Schema hợp lệ ở trường «so_cccd», khóa type",
                     "The form “ket_hon_tham_dinh.json”: not a valid JSON Schema at the field “so_cccd”, keyword type"),
        "approve": ("Thanh toán (payment) chỉ nhận giá trị “fee”", "The payment property takes only “fee”"),
        "flow_approved": ("Điều kiện trên luồng này (từ decision_gateway) không hợp lệ: dòng 1: sai cú pháp Python ở "
                          "«decision == = \"approve\"».",
                          "does not compile in the sandbox: line 1: invalid Python syntax in “decision == = \"approve\"”."),
    }
    allotment = ("Thời gian được phân bổ «2 ngày» không đúng dạng: hãy viết theo mẫu “1,5 ngày làm việc”",
                 "The time allotted to the step (allotment) “2 ngày” is not a time limit")
    for locale in ("vi", "en"):
        if locale == "en":
            modeller.post("/language", {"locale": "en", "next": "/procedures"})
        found = modeller.post_json("/procedures/drafts", {"xml": xml, "forms": forms}).get_json()["problems"]
        by_element = {}
        for p in found:
            by_element.setdefault(p["element"], []).append(p["message"])
        pick = 0 if locale == "vi" else 1
        for element, said in expected.items():
            assert any(said[pick] in m for m in by_element.get(element, [])), (element, by_element)
        assert any(allotment[pick] in m for m in by_element["appraise"]), by_element
        messages = [p["message"] for p in found]
        assert not any(re.search(r"SyntaxError|valid under|Expecting|at statement", m) for m in messages), messages
        if locale == "vi":
            assert not any(re.search(r"\b(not|must be|cannot|does not)\b", m) for m in messages), messages
        preview = modeller.post_json("/procedures/form-preview", {"schema": forms["ket_hon_tham_dinh.json"]}).get_json()
        assert preview["problems"] == [("Không phải JSON Schema hợp lệ ở trường «so_cccd», khóa type: \"strin\" không phải "
                                        "kiểu dữ liệu; hãy dùng string, number, integer, boolean, object, array hoặc null.")
                                       if locale == "vi" else
                                       ("Not a valid JSON Schema at the field “so_cccd”, keyword type: \"strin\" is not a type; use "
                                        "string, number, integer, boolean, object, array or null.")]


def test_the_editor_has_a_singular_text_for_one_problem_in_english(browser, demo):
    modeller = browser("thietke")
    modeller.post("/language", {"locale": "en"})
    page = modeller.text("/procedures/dang_ky_ket_hon/edit")
    assert 'data-text-problem="{n} problem to fix before publishing."' in page
    assert 'data-text-problems="{n} problems to fix before publishing."' in page


def test_the_editors_time_hints_give_examples_in_the_pages_language(browser):
    """The fields show "2 ngày làm việc" and take it: their hints said to write "1.5 working days"."""
    modeller = browser("thietke")
    page = modeller.text("/procedures/dang_ky_ket_hon/edit")
    assert "Viết theo mẫu: <code translate=\"no\">1,5 ngày làm việc</code> hoặc <code translate=\"no\">4 giờ làm việc</code>." in page
    assert "working days" not in page
    english = modeller.english().text("/procedures/dang_ky_ket_hon/edit")
    assert "Write it as: <code translate=\"no\">1.5 working days</code> or <code translate=\"no\">4 working hours</code>." in english
