"""Statistics against a table worked out by hand (issue 11, point 7; issue 10, point 4).

Two dozen dossiers of the demo commune, written as they would stand after their lives (the
commands that get them there have their own tests: reception, supplements, apology, payment,
result ready). Every class appears: early, on time at the due instant and earlier the same day,
late by one minute, later the same day as the due hour, withdrawn, stopped, refused, two
supplements, an apology with a new date, a result ready early and collected late, paused for
payment, waiting for a supplement, open within time and overdue, finished after the period, a
procedure without a time limit. The expected figures are counted by hand in the comments.
"""
from __future__ import annotations

from datetime import date

import pytest

from engine.queries.dossier import dossier_header
from engine.statistics import BY_AGENCY, FIGURES, Period, dossiers_in, figures, figures_by, figures_by_month
from engine.statistics.verdict import timeliness
from engine.queries.control_slip import judge as slip_judge
from engine.calendar import WorkingCalendar
from tests.statistics_cases import at, write_cases

NOVEMBER = Period.month(2026, 11)


@pytest.fixture
def dossiers(demo):
    return write_cases(demo)


def test_november_as_counted_by_hand(demo, dossiers):
    with demo.motcua.read_session() as s:
        nov = figures(s, NOVEMBER, agency_ids=[demo.commune], now=at(5, month=12))
    # Received: C1 C2 C3 C5 carried over (4); N1-N16 new (16): online N1 N8 N13, post N10, counter 12.
    assert (nov["received"], nov["carried_over"], nov["new"]) == (20, 4, 16)
    assert (nov["counter"], nov["online"], nov["post"]) == (12, 3, 1)
    # Finished: early C1 N1 N8 N10; on time C2 N2; late C3 N3 N7 N9.
    assert (nov["early"], nov["on_time"], nov["late"]) == (4, 2, 4)
    assert (nov["withdrawn"], nov["stopped"], nov["refused"], nov["no_time_limit"]) == (1, 1, 1, 1)
    # Open on 30/11 at midnight: N11 N12 N13 N15 within time (the month is over: the due date
    # decides, not today's status), C5 N14 overdue.
    assert (nov["within_time"], nov["overdue"]) == (4, 2)
    assert (nov["supplement_pending"], nov["waiting_obligation"]) == (0, 0)
    # Index 2.1: (4 + 2 + 4) / (10 finished + 6 open).
    assert (nov.finished, nov.open, nov.judged) == (10, 6, 16)
    assert nov.on_time_share == pytest.approx(10 / 16)


def test_during_the_month_waiting_for_the_citizen_is_counted_apart(demo, dossiers):
    with demo.motcua.read_session() as s:
        now = figures(s, NOVEMBER, agency_ids=[demo.commune], now=at(30, 12))
    # N11 (payment) and N12 (supplement) wait for the citizen; N13 and N15 are within time.
    assert (now["waiting_obligation"], now["supplement_pending"], now["within_time"], now["overdue"]) == (1, 1, 2, 2)
    assert now.on_time_share == pytest.approx((4 + 2 + 2 + 1 + 1) / 16)
    # On 10/11 at noon: 15 received so far (C1-C3, C5, N1-N10, N14); N2 had ended that morning, its
    # due day: on time; N3 was not due yet; C5 (due 10/11 17:00) was still within time.
    with demo.motcua.read_session() as s:
        early_on = figures(s, NOVEMBER, agency_ids=[demo.commune], now=at(10, 12))
    assert (early_on["early"], early_on["on_time"], early_on["late"]) == (2, 2, 1)  # C1 N1 · C2 N2 · C3
    assert (early_on["withdrawn"], early_on["refused"], early_on["received"]) == (1, 1, 15)


def test_each_figure_lists_its_dossiers(demo, dossiers):
    def codes(figure, **kw):
        with demo.motcua.read_session() as s:
            return sorted(r.code for r in dossiers_in(s, NOVEMBER, figure, now=at(5, month=12), **kw))
    commune = {"agency_ids": [demo.commune]}
    assert codes("late", **commune) == ["C3", "N3", "N7", "N9"]
    assert codes("early", **commune) == ["C1", "N1", "N10", "N8"]
    assert codes("carried_over", **commune) == ["C1", "C2", "C3", "C5"]
    assert codes("online", **commune) == ["N1", "N13", "N8"]
    assert codes("overdue", **commune) == ["C5", "N14"]
    assert codes("refused", **commune) == ["N6"]
    # All agencies: the police's dossier joins; the table adds up per agency.
    assert codes("on_time") == ["C2", "N2", "P1"]
    with demo.motcua.read_session() as s:
        per_agency = figures_by(s, NOVEMBER, BY_AGENCY, now=at(5, month=12))
    assert {name: f["received"] for (_id, name), f in per_agency.items()} == {
        "UBND xã Tân Phong": 20, "Công an xã Tân Phong": 1}
    with pytest.raises(ValueError):
        codes("everything")


@pytest.mark.parametrize("now", [at(5, month=12), at(30, 12), at(10, 12), at(4, 9), at(4, 9, 1)],
                         ids=["after", "last-day", "mid-month", "at-C3-due", "C3-late"])
def test_the_database_counts_as_the_verdict_judges(demo, dossiers, now):
    """The figures are counted in SQL (kept outcomes, open classes by ``class_expression``); the
    drill-down lists judge each dossier with ``verdict``: every figure agrees with its list."""
    with demo.motcua.read_session() as s:
        counted = figures(s, NOVEMBER, now=now)
        listed = {name: len(dossiers_in(s, NOVEMBER, name, now=now)) for name in FIGURES}
    assert {name: counted[name] for name in FIGURES} == listed
    assert counted["received"] > 0


def test_periods_are_whole_days_in_the_agencys_zone():
    assert (NOVEMBER.start, NOVEMBER.end) == (at(1, 0), at(1, 0, month=12))
    q4 = Period.quarter(2026, 4)
    assert (q4.first, q4.last) == (date(2026, 10, 1), date(2026, 12, 31))
    assert [m.first.month for m in Period.year(2026).months()] == list(range(1, 13))
    assert Period(date(2026, 11, 20), date(2026, 12, 10)).months()[-1].last == date(2026, 12, 31)


def test_the_dossier_page_and_the_control_slip_judge_like_the_statistics(demo, dossiers, frozen_clock):
    frozen_clock.current = at(5, month=12)
    with demo.motcua.read_session() as s:
        pages = {code: dossier_header(s, demo.users["tiepnhan"], dossiers[code]).verdict
                 for code in ("C2", "C3", "N2", "N3", "N4", "N7", "N9", "N10", "N14")}
    assert pages == {"C2": "on_time", "C3": "late", "N2": "on_time", "N3": "late", "N4": "withdrawn",
                     "N7": "late", "N9": "late", "N10": "early", "N14": "overdue"}
    calendar = WorkingCalendar("Asia/Ho_Chi_Minh")
    for ended, due in ((at(5, 10), at(5, 10)), (at(4, 9, 1), at(4, 9)), (at(10, 8), at(10, 17)), (at(6, 15), at(9, 17))):
        assert slip_judge(ended, due, calendar) == timeliness(ended, due, "Asia/Ho_Chi_Minh")
    assert [timeliness(e, d, "Asia/Ho_Chi_Minh") for e, d in ((at(9, 23, 59), at(10, 0, 0)), (at(10, 0), at(10, 17)))] \
        == ["early", "on_time"]


@pytest.mark.parametrize("now", [at(5, month=12), at(30, 12), at(10, 12), at(1, 10, month=12)],
                         ids=["after", "last-day", "mid-month", "december-running"])
def test_the_months_of_a_trend_are_counted_in_one_pass_as_each_alone(demo, dossiers, now):
    """The trend counts every month in one statement (``figures_by_month``): each month's figures
    are those of ``figures`` for that month alone, judged at its own end (or now while it runs)."""
    months = Period(date(2026, 9, 1), date(2026, 12, 31)).months()
    begun = [m for m in months if m.start <= now]
    with demo.motcua.read_session() as s:
        together = figures_by_month(s, begun, now=now)
        commune = figures_by_month(s, begun, agency_ids=[demo.commune], now=now)
        for month, counted, counted_commune in zip(begun, together, commune):
            alone = figures(s, month, now=now)
            assert {n: counted[n] for n in FIGURES} == {n: alone[n] for n in FIGURES}, month
            alone = figures(s, month, agency_ids=[demo.commune], now=now)
            assert {n: counted_commune[n] for n in FIGURES} == {n: alone[n] for n in FIGURES}, month
    if now >= at(5, month=12):  # the hand-counted November: 20 of the commune, 1 of the police
        assert together[begun.index(NOVEMBER)]["received"] == 21
