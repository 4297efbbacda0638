"""Indices 3.6 (fees paid online) and 4.1 (electronic results) over the hand-counted cases of
tests/statistics_cases.py, November 2026 judged on 5 December. The page said "Chưa có dữ liệu"
for both although motcua records online payments (``payments``) and signed results
(``result_documents``).

Settled in November (early, on time or late): C1 C2 C3 N1 N2 N3 N7 N8 N9 N10, ten dossiers.
- 3.6: N1, N2, N3 (business households, whose procedure has the fee step ``pay_fee``) reached it:
  N1 paid online, N2 at the counter after a failed online attempt, N3 has a pending order: 1 of 3.
  N13 paid online too but is still open; C1 (marriage: no fee step) has a step called ``pay_fee``
  written by hand, which is not its procedure's fee step: neither counts.
- 4.1: C2, N1 and N10 have a signed result: 3 of 10. N13 (open) and C4 (finished in October)
  have one too and do not count.
"""
from __future__ import annotations

import uuid

import pytest

from engine.models import Payment, ResultDocument, WorkItem
from engine.statistics import Period
from engine.statistics.indices import indices
from tests.statistics_cases import NOVEMBER_QUERY, at, write_cases
from tests.web.conftest import browser, november_cases  # noqa: F401 (fixtures)
from tests.web.test_statistics_pages import cells

FEE_STEP = "pay_fee"  # dang_ky_ho_kinh_doanh.bpmn: payment = fee
PAYMENTS = {"N1": ["paid"], "N2": ["failed"], "N3": ["pending"], "N13": ["paid"]}
FEE_STEPS = ("N1", "N2", "N3", "N13", "C1")
RESULTS = ("C2", "N1", "N10", "N13", "C4")


def add_payments_and_results(demo, ids: dict[str, int]) -> None:
    officer = demo.users["lanhdao"]
    with demo.motcua.uow() as uow:
        s = uow.session
        for code in FEE_STEPS:
            s.add(WorkItem(task_id=str(uuid.uuid4()), dossier_id=ids[code], agency_id=demo.commune, role="reception",
                           step_id=FEE_STEP, step_name="Thu lệ phí", state="done", created_at=at(1),
                           finished_at=at(2)))
        for code, states in PAYMENTS.items():
            for state in states:
                s.add(Payment(dossier_id=ids[code], txn_ref=f"MC{code}{state}", amount_vnd=100000,
                              order_info=f"Nop phi ho so {code}", step_id=FEE_STEP, state=state, created_at=at(2)))
        for code in RESULTS:
            s.add(ResultDocument(dossier_id=ids[code], token=f"token-{code}", title="Kết quả", issued_at=at(28),
                                 issued_by_id=officer, signer="UBND xã", sha256="0" * 64, pdf=b"%PDF"))
        uow.commit()


def test_fees_paid_online_and_electronic_results_are_counted(demo):
    add_payments_and_results(demo, write_cases(demo))
    with demo.motcua.read_session() as s:
        result = indices(s, Period.month(2026, 11), agency_ids=[demo.commune], now=at(5, month=12))
    assert result["3.6"].available and (result["3.6"].numerator, result["3.6"].denominator) == (1, 3)
    assert result["4.1"].available and (result["4.1"].numerator, result["4.1"].denominator) == (3, 10)
    assert result["4.1"].ratio == pytest.approx(0.3) and result["4.1"].target == 0.8
    # The police's dossier is another agency's: none of the commune's.
    with demo.motcua.read_session() as s:
        police = indices(s, Period.month(2026, 11), agency_ids=[demo.police], now=at(5, month=12))
    assert (police["3.6"].numerator, police["3.6"].denominator) == (0, 0)
    assert (police["4.1"].numerator, police["4.1"].denominator) == (0, 1)


@pytest.mark.parametrize("language, paid, electronic", [
    ("vi", "Hồ sơ nộp phí, lệ phí trực tuyến (cổng thanh toán xác nhận) ÷ hồ sơ có bước thu phí, lệ phí; "
           "trên hồ sơ đã giải quyết trong kỳ",
     "Hồ sơ có kết quả điện tử (văn bản kết quả đã ký số) ÷ hồ sơ đã giải quyết trong kỳ"),
    ("en", "Dossiers whose fee was paid online (confirmed by the payment gateway) ÷ dossiers with a fee-collection "
           "step; over the dossiers handled in the period",
     "Dossiers with an electronic result (a digitally signed result document) ÷ dossiers handled in the period"),
], ids=["vi", "en"])
def test_the_indices_page_shows_payments_and_electronic_results(browser, demo, november_cases, language,  # noqa: F811
                                                                paid, electronic):
    add_payments_and_results(demo, november_cases)
    supervisor = browser("giamsat")
    supervisor.post("/language", {"locale": language})
    page = supervisor.text(f"/statistics/indices?{NOVEMBER_QUERY}")
    share = {"vi": ("33,3 %", "30,0 %", "80,0 %"), "en": ("33.3 %", "30.0 %", "80.0 %")}[language]
    assert cells(page, "3.6")[1:5] == [paid, "1 / 3", share[0], "—"]
    assert cells(page, "4.1")[1:5] == [electronic, "3 / 10", share[1], share[2]]
    assert "chưa ghi nhận thanh toán" not in page and "chưa ghi nhận kết quả điện tử" not in page
    assert "not recorded yet" not in cells(page, "3.6")[1] + cells(page, "4.1")[1]
