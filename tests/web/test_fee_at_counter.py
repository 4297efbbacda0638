"""The counter's fee step (Thu phí, lệ phí): what the officer types is checked beside each field,
kept as typed, and a refused form leaves the step open and the dossier waiting for its fee."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.models import WorkItem
from tests.conftest import VN
from tests.test_procedure_ho_kinh_doanh import APPRAISAL, Officer, receive
from tests.web.conftest import page_text
from tests.web.test_tasks import field_block

FEE = {"receipt_numbers": "BL-0001234", "paid_amount": "100000", "paid_on": "23/11/2026",
       "payment_method": "counter"}


@pytest.fixture
def fee_step(demo):
    """A household business appraised and approved: its fee step, open at the counter."""
    return _fee_step(demo)


def _fee_step(demo) -> int:
    dossier = receive(demo, Officer(demo, "tiepnhan"))
    Officer(demo, "chuyenvien").take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")
    Officer(demo, "lanhdao").take_and_complete(dossier.id, {"decision": "approve", "leader_opinion": "Đồng ý cấp."},
                                               expect_step="approve")
    with demo.motcua.read_session() as s:
        return s.query(WorkItem).filter_by(dossier_id=dossier.id, state="open", step_id="pay_fee").one().id


def _state(demo, item_id):
    with demo.motcua.read_session() as s:
        item = s.get(WorkItem, item_id)
        return item.state, item.dossier.status


def _refused_field(browser, fee_step, locale, field, typed) -> str:
    """The counter officer, in ``locale``, completes the fee step with ``typed`` in ``field``: the
    HTML of that field on the refused form."""
    hoa = browser("tiepnhan")
    hoa.post("/language", {"locale": locale})
    hoa.post(f"/tasks/{fee_step}/claim")
    response = hoa.post(f"/tasks/{fee_step}/complete", dict(FEE, **{field: typed}))
    assert response.status_code == 422
    return field_block(page_text(response), field)


@pytest.mark.parametrize("locale, says", [("vi", "Năm phải từ 1900 đến 2100."),
                                          ("en", "The year must be from 1900 to 2100.")])
@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/1899", "01/01/2101"])
def test_a_payment_day_in_an_impossible_year_is_refused_beside_it(browser, demo, fee_step, locale, says, typed):
    """Before, 01/01/0001 was taken as the day the fee was paid (it is not after today)."""
    block = _refused_field(browser, fee_step, locale, "paid_on", typed)
    assert says in block and f'value="{typed}"' in block and 'aria-invalid="true"' in block
    assert _state(demo, fee_step) == ("open", 6)


def test_a_payment_day_within_the_years_is_taken(browser, demo, fee_step):
    hoa = browser("tiepnhan")
    hoa.post(f"/tasks/{fee_step}/claim")
    assert hoa.post(f"/tasks/{fee_step}/complete", FEE).status_code == 302
    assert _state(demo, fee_step)[0] == "done"


@pytest.mark.parametrize("locale, says", [("vi", "Giá trị không được vượt quá 1.000.000.000.000."),
                                          ("en", "Must not be more than 1,000,000,000,000.")])
@pytest.mark.parametrize("typed", ["99999999999999999999999999", "1000000000001"])
def test_an_amount_past_any_fee_is_refused_beside_it_in_figures_of_the_page(browser, demo, fee_step, locale, says,
                                                                           typed):
    """Before, 99999999999999999999999999 đồng (a key held down) was recorded as the fee paid."""
    block = _refused_field(browser, fee_step, locale, "paid_amount", typed)
    assert says in block and f'value="{typed}"' in block
    assert _state(demo, fee_step) == ("open", 6)


@pytest.mark.parametrize("locale, before, after", [
    ("vi", "Không được trước ngày tiếp nhận hồ sơ (23/11/2026).", "Không được sau ngày hôm nay."),
    ("en", "Must not be before the day the dossier was received (23/11/2026).", "Must not be after today.")])
def test_a_payment_day_before_reception_or_after_today_is_refused_beside_it(browser, demo, fee_step, locale, before,
                                                                            after):
    """Before, a fee paid on 22/11/2026 was recorded for a dossier received on 23/11/2026."""
    for typed, says in (("22/11/2026", before), ("01/01/2020", before), ("24/11/2026", after)):
        block = _refused_field(browser, fee_step, locale, "paid_on", typed)
        assert says in block and f'value="{typed}"' in block and 'aria-invalid="true"' in block
        assert _state(demo, fee_step) == ("open", 6)


def test_the_day_of_reception_is_the_agencys_day(browser, demo, frozen_clock):
    """Received at 00:30 on 23/11/2026 in Hà Nội (17:30 on 22/11 in UTC): the reception day is the
    23rd there, so a fee paid on the 22nd is refused and one paid on the 23rd is taken."""
    frozen_clock.current = datetime(2026, 11, 23, 0, 30, tzinfo=VN)
    step = _fee_step(demo)
    frozen_clock.advance(timedelta(hours=9))
    block = _refused_field(browser, step, "vi", "paid_on", "22/11/2026")
    assert "Không được trước ngày tiếp nhận hồ sơ (23/11/2026)." in block
    hoa = browser("tiepnhan")
    assert hoa.post(f"/tasks/{step}/complete", dict(FEE, paid_on="23/11/2026")).status_code == 302
    assert _state(demo, step)[0] == "done"
