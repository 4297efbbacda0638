"""The counter hands the result over (Trả kết quả): what the officer types on the step's form is
checked beside each field, and a refused form leaves the dossier waiting at the counter."""
from __future__ import annotations

import pytest

from engine.models import WorkItem
from tests.test_end_of_processing import result_ready
from tests.web.conftest import page_text
from tests.web.test_tasks import field_block


def _return_step(demo, dossier_id) -> int:
    with demo.motcua.read_session() as s:
        return s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open", step_id="return_result").one().id


@pytest.mark.parametrize("locale, says", [("vi", "Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."),
                                          ("en", "Must not contain control characters (invisible characters, often pasted in from elsewhere).")])
@pytest.mark.parametrize("field, pasted", [("returned_to", "Nguyễn Văn An\x1b[0m"),
                                           ("note", "Nhận bản chính\x0bkèm bản sao")])
def test_a_control_character_pasted_into_the_handover_is_refused_beside_it(browser, demo, frozen_clock, locale,
                                                                           says, field, pasted):
    """A terminal's colour code or Word's line break (\\x0b) pasted in was recorded with the result
    handed over, as it came."""
    dossier_id, _reception = result_ready(demo, frozen_clock)
    item = _return_step(demo, dossier_id)
    hoa = browser("tiepnhan")
    hoa.post("/language", {"locale": locale})
    hoa.post(f"/tasks/{item}/claim")
    form = {"returned_to": "Nguyễn Văn An", "return_method": "counter", "note": "Đã nhận đủ.", field: pasted}
    response = hoa.post(f"/tasks/{item}/complete", form)
    assert response.status_code == 422
    block = field_block(page_text(response), field)
    assert says in block and 'aria-invalid="true"' in block
    with demo.motcua.read_session() as s:
        assert s.get(WorkItem, item).state == "open"


def test_a_note_of_several_lines_is_handed_over(browser, demo, frozen_clock):
    dossier_id, _reception = result_ready(demo, frozen_clock)
    item = _return_step(demo, dossier_id)
    hoa = browser("tiepnhan")
    hoa.post(f"/tasks/{item}/claim")
    form = {"returned_to": "Nguyễn Văn An", "return_method": "counter", "note": "Đã nhận đủ.\r\n\tBản chính: 01."}
    assert hoa.post(f"/tasks/{item}/complete", form).status_code == 302
    with demo.motcua.read_session() as s:
        assert s.get(WorkItem, item).state == "done"
