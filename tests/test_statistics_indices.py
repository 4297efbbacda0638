"""The Decision 766 indices over the hand-counted cases (tests/statistics_cases.py), November 2026
judged on 5 December: worked out by hand below."""
from __future__ import annotations

import pytest

from engine.statistics import Period
from engine.statistics.indices import earned, indices
from tests.statistics_cases import at, write_cases


def test_the_indices_of_november_by_hand(demo):
    write_cases(demo)
    with demo.motcua.read_session() as s:
        result = indices(s, Period.month(2026, 11), agency_ids=[demo.commune], now=at(5, month=12))
    # 2.1: (4 early + 2 on time + 4 within time) / (10 handled + 6 open) = 62.5 %: 12.5 of 20 points.
    assert (result["2.1"].numerator, result["2.1"].denominator) == (10, 16)
    assert result["2.1"].earned == pytest.approx(12.5)
    # 3.3: both procedures are offered online; 3 of the 16 new dossiers came online (N1 N8 N13).
    assert (result["3.3"].numerator, result["3.3"].denominator, result["3.3"].target) == (3, 16, 0.5)
    assert result["3.3"].earned is None  # no points kept for 3.3: the ratio against its target
    # 5.4: 100 % − 4 late of 10 handled (no complaint is recorded).
    assert result["5.4"].ratio == pytest.approx(0.6)
    # 3.6 and 4.1: no case has a fee step, a payment or a signed result (hand-counted with them in
    # tests/test_indices_payments_results.py): none of the 10 handled has a fee, none an e-result.
    assert (result["3.6"].numerator, result["3.6"].denominator) == (0, 0)
    assert (result["4.1"].numerator, result["4.1"].denominator) == (0, 10)
    # Not recorded by motcua: no number rather than a made-up one.
    assert [i.code for i in result.indices if not i.available] == ["4.2"]
    assert all(i.ratio is None for i in result.indices if not i.available)
    # 2.2, business households: N1 Mon 2/11 09:00 → Fri 6/11 15:00 = 6 + 3×8 + 6 = 36 h = 4.5 days;
    # N2 Tue 3/11 09:00 → Tue 10/11 08:00 = 6 + 24 + 8 + 1 = 39 h = 4.875; N3 Tue 3/11 10:00 →
    # Wed 11/11 15:00 = 5 + 24 + 16 + 6 = 51 h = 6.375. Mean 5.25 working days.
    times = {h.procedure_name: h for h in result.handling_times}
    household = next(h for name, h in times.items() if "hộ kinh doanh" in name)
    assert household.handled == 3 and household.mean_working_days == pytest.approx(5.25)
    assert sum(h.handled for h in result.handling_times) == 10


def test_points_against_a_target():
    assert earned(0.625, 1.0, 20) == pytest.approx(12.5)
    assert earned(0.25, 0.5, 10) == pytest.approx(5)
    assert earned(0.7, 0.5, 10) == 10
    assert earned(None, 0.5, 10) is None and earned(0.3, 0.5, None) is None
