"""The trial run's failures read in the page's language: what the scenario expected and what
happened, at which step, steps by their names and statuses by their labels; never the run's
English, its BPMN ids or field keys (the command line keeps its English)."""
from __future__ import annotations

import html
import re

import pytest

from engine import scenarios
from webapp import procedure_trial

RECEIVE = '''procedure = "dang_ky_ket_hon"
start = "2026-11-23 09:00"

[[steps]]
action = "receive"
applicant = "Nguyễn Văn An"
expect = { status = 2, open = ["appraise"] }
'''

# The modeller expects the appraisal to finish the dossier: wrong status, wrong open step, wrong due date.
WRONG_EXPECTATIONS = RECEIVE + '''
[[steps]]
action = "complete"
step = "appraise"
data = { conditions_met = true, marital_status_verified = true, appraisal_opinion = "Hai bên đủ điều kiện kết hôn." }
expect = { status = 9, open = ["record_marriage"], due = "02/12/2026" }

[[steps]]
action = "complete"
step = "approve"
data = { decision = "approve", leader_opinion = "Đồng ý." }
'''

# The appraisal without its required opinion, then a step that is not open.
REFUSED_FORM = RECEIVE + '''
[[steps]]
action = "complete"
step = "appraise"
data = { conditions_met = true }
'''
NOT_OPEN = RECEIVE + '''
[[steps]]
action = "send_back"
step = "approve"
'''


def visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def scenario_dir(tmp_path, monkeypatch):
    """The procedure's scenario is the test's scratch file (the page runs it as the shipped one)."""
    monkeypatch.setattr(procedure_trial, "SCENARIOS_DIR", tmp_path)

    def write(text: str):
        path = tmp_path / "dang_ky_ket_hon.toml"
        path.write_text(text, encoding="utf-8")
        return path
    return write


def trial(b, locale: str) -> str:
    b.post("/language", {"locale": locale})
    return visible(b.post("/procedures/dang_ky_ket_hon/try", {"source": "active"}).get_data(as_text=True))


# What the run says underneath, which the modeller must never read on the page.
RAW = re.compile(r"\b(appraise|approve|record_marriage|appraisal_opinion|conditions_met)\b|, expected |\[\'")


def test_a_wrong_expectation_reads_in_vietnamese_and_in_english(browser, demo, scenario_dir):
    path = scenario_dir(WRONG_EXPECTATIONS)
    # The command line's words are as they were.
    result = scenarios.run_file(path)
    assert result.steps[1].failures[0] == "status 4, expected 9"
    assert [d["kind"] for d in result.steps[1].failure_details] == ["status", "open", "due"]
    assert result.steps[1].failure_details[0] == {"kind": "status", "step": 2, "element": "appraise",
                                                  "expected": 9, "observed": 4}

    modeller = browser("thietke")
    page = trial(modeller, "vi")
    assert "Bước 2 không đúng như kịch bản." in page
    assert "Hoàn thành bước «Thẩm định hồ sơ» — sai" in page
    assert "Trạng thái hồ sơ là «Đang xử lý»; kịch bản chờ «Đã xử lý xong»." in page
    assert "Bước đang mở: Phê duyệt; kịch bản chờ: Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn." in page
    assert "Hạn trả kết quả: 01/12/2026 09:00; kịch bản chờ: 02/12/2026." in page
    assert "Hoàn thành bước «Phê duyệt»" not in page  # the run stops at the failing step
    assert not RAW.search(page), RAW.search(page)

    page = trial(modeller, "en")
    assert "Step 2 did not go as the scenario expects." in page
    assert "Complete the step “Appraise the dossier” — wrong" in page
    assert "The dossier's status is “In processing”; the scenario expects “Result ready”." in page
    assert ("Open steps: Approve; the scenario expects: Enter in the civil status register and print the marriage "
            "certificate.") in page
    assert "Due: 01/12/2026 09:00; the scenario expects: 02/12/2026." in page
    assert not RAW.search(page), RAW.search(page)
    assert not re.search(r"[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữự]", page.split("Appraise the dossier")[1])


def test_a_refused_form_and_a_step_not_open_read_in_the_pages_language(browser, demo, scenario_dir):
    modeller = browser("thietke")
    scenario_dir(REFUSED_FORM)
    page = trial(modeller, "vi")
    assert "Hệ thống từ chối: Dữ liệu biểu mẫu không hợp lệ." in page
    assert "Ý kiến thẩm định: Trường này là bắt buộc." in page
    assert not RAW.search(page), RAW.search(page)
    page = trial(modeller, "en")
    assert "The system refused: The form data is not valid." in page
    assert "Appraisal opinion: This field is required." in page
    assert "Trường này" not in page and not RAW.search(page), RAW.search(page)

    scenario_dir(NOT_OPEN)
    page = trial(modeller, "vi")
    assert "Bước «Phê duyệt» không đang mở nên không thực hiện được; bước đang mở: Thẩm định hồ sơ." in page
    assert not RAW.search(page), RAW.search(page)
    page = trial(modeller, "en")
    assert "The step “Approve” is not open, so it cannot be done; open steps: Appraise the dossier." in page
    assert not RAW.search(page), RAW.search(page)


@pytest.mark.parametrize("locale, said", [
    ("vi", "Không chạy được: tệp kịch bản chạy thử (workflows/scenarios/dang_ky_ket_hon.toml) viết sai"),
    ("en", "Cannot run: the trial run's scenario file (workflows/scenarios/dang_ky_ket_hon.toml) is not written "
           "correctly")])
def test_an_unreadable_scenario_file_is_named_without_the_parsers_words_or_the_servers_paths(
        browser, demo, scenario_dir, locale, said):
    path = scenario_dir('procedure = "dang_ky_ket_hon"\n[[steps]\naction = "receive"\n')  # a broken table header
    page = trial(browser("thietke"), locale)
    assert said in page
    assert str(path.parent) not in page and "line" not in page.replace("online", "")


def test_the_page_words_every_kind_of_failure_the_run_reports(app):
    """Every kind the engine reports (engine/scenarios.py FAILURE_KINDS) has its own words on the
    page, never the catch-all sentence kept for a kind from a newer engine."""
    catch_all = {"vi": "Bước này không đúng như kịch bản.", "en": "This step did not go as the scenario expects."}
    for locale, generic in catch_all.items():
        with app.test_request_context(headers={"Accept-Language": locale}):
            from flask import session
            session["locale"] = locale
            assert procedure_trial._failure({"kind": "a kind from a newer engine"}, str)["text"] == generic
            for kind in scenarios.FAILURE_KINDS:
                said = procedure_trial._failure({"kind": kind, "expected": [], "observed": []}, str)["text"]
                assert said and said != generic, (locale, kind)
