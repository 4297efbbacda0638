"""A modeller may write a time limit in Vietnamese (usability audit: "1,5 ngày làm việc" was refused
with an order to write "1.5 working days"): the parser takes the Vietnamese units with a decimal
comma or point and means by them what the English says; a step's time that is not a time limit
is refused in Vietnamese words that name the panel's field, not the file's property, and show
the Vietnamese form to write."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import WorkingCalendar, parse_time_limit
from engine.errors import ProcedureInvalid
from engine.procedures.checker import check_content
from tests.bpmn_samples import FORMS, reference_xml

APPRAISE_ALLOTMENT = '<spiffworkflow:property name="allotment" value="2 working days" />'


def with_allotment(value: str) -> bytes:
    xml = reference_xml()
    assert APPRAISE_ALLOTMENT in xml
    return xml.replace(APPRAISE_ALLOTMENT, f'<spiffworkflow:property name="allotment" value="{value}" />', 1).encode()


@pytest.mark.parametrize("vietnamese, english", [
    ("5 ngày làm việc", "5 working days"),
    ("1,5 ngày làm việc", "1.5 working days"),
    ("1.5 ngày làm việc", "1.5 working days"),
    ("0,5 Ngày Làm Việc", "0.5 working days"),
    ("4 giờ làm việc", "4 working hours"),
    ("2,5 giờ làm việc", "2.5 working hours"),
    ("15 ngày theo lịch", "15 calendar days"),
    ("1,5 working days", "1.5 working days"),
    # Typed on a keyboard that sends a letter and its marks apart (NFD).
    ("3 nga\u0300y la\u0300m vie\u0323\u0302c", "3 working days"),
])
def test_a_vietnamese_time_limit_means_what_its_english_says(vietnamese, english):
    assert str(parse_time_limit(vietnamese)) == english
    assert parse_time_limit(vietnamese) == parse_time_limit(english)
    calendar = WorkingCalendar()
    start = datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert calendar.deadline(start, parse_time_limit(vietnamese)) == calendar.deadline(start, parse_time_limit(english))


def test_the_english_forms_are_read_as_before():
    assert parse_time_limit("1 working days").amount == Decimal("1")
    assert str(parse_time_limit("0.5 working days")) == "0.5 working days"
    assert str(parse_time_limit("4 Working Hours")) == "4 working hours"


@pytest.mark.parametrize("text", ["2 ngày", "2 ngay", "năm ngày làm việc", "1,5", "ngày làm việc", "1,5,2 ngày làm việc"])
def test_what_is_not_a_time_limit_is_still_refused(text):
    # A bare "ngày" may mean working or calendar days: the modeller must say which.
    with pytest.raises(ValueError):
        parse_time_limit(text)


def test_a_step_given_its_time_in_vietnamese_passes_the_check():
    checked = check_content(with_allotment("1,5 ngày làm việc"), "t.bpmn", FORMS)
    assert checked.manifest["steps"]["appraise"]["properties"]["allotment"] == "1,5 ngày làm việc"


def test_a_wrong_time_is_said_with_the_fields_label_and_the_vietnamese_form():
    with pytest.raises(ProcedureInvalid) as info:
        check_content(with_allotment("2 ngay"), "t.bpmn", FORMS)
    [problem] = [p for p in info.value.problems if p.element_id == "appraise"]
    assert problem.message_vi == ("Thời gian được phân bổ «2 ngay» không đúng dạng: hãy viết theo mẫu "
                                  "“1,5 ngày làm việc” hoặc “4 giờ làm việc”.")
    assert "allotment" not in problem.message_vi and "working" not in problem.message_vi
    # The command line's English still names the property as the file writes it.
    assert problem.message.startswith("The time allotted to the step (allotment) “2 ngay” is not a time limit")
