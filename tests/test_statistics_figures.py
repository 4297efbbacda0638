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

from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.models import Dossier, ProcedureVersion
from engine.queries.dossier import dossier_header
from engine.statistics import Period, by_agency, dossiers_in, figures, figures_by
from engine.statistics.verdict import timeliness
from engine.queries.control_slip import judge as slip_judge
from engine.calendar import WorkingCalendar
from tests.conftest import VN

NOVEMBER = Period.month(2026, 11)
COUNTER, ONLINE, POST = 1, 2, 3


def at(day, hh=9, mm=0, month=11):
    return datetime(2026, month, day, hh, mm, tzinfo=VN)


# code: (status, channel, received, original due, finished, supplements, moved due (apology))
COMMUNE = {
    # Carried over from October (4 in the period; C4 finished in October and is not).
    "C1": (10, COUNTER, at(20, month=10), at(3, 17), at(2, 10), 0, None),   # early
    "C2": (9, COUNTER, at(25, month=10), at(5, 10), at(5, 10), 0, None),    # on time: at the due instant
    "C3": (10, COUNTER, at(28, month=10), at(4, 9), at(4, 9, 1), 0, None),  # late by one minute
    "C4": (10, COUNTER, at(15, month=10), at(30, 17, month=10), at(30, 10, month=10), 0, None),  # not counted
    "C5": (4, COUNTER, at(29, month=10), at(10, 17), None, 0, None),          # overdue
    # New in November.
    "N1": (10, ONLINE, at(2), at(9, 17), at(6, 15), 0, None),                  # early
    "N2": (10, COUNTER, at(3), at(10, 17), at(10, 8), 0, None),                # on time: the due day, before the hour
    "N3": (10, COUNTER, at(3, 10), at(11, 10), at(11, 15), 0, None),           # late: the due day, after the hour
    "N4": (7, COUNTER, at(4), at(12, 17), at(6, 10), 0, None),                 # withdrawn
    "N5": (8, COUNTER, at(4, 10), at(13, 17), at(20, 10), 0, None),            # stopped
    "N6": (3, COUNTER, at(5), None, at(5), 0, None),                           # refused at the counter
    "N7": (10, COUNTER, at(5, 10), at(25, 17), at(12, 10), 2, None),           # two supplements: late
    "N8": (10, ONLINE, at(6), at(25, 17), at(12, 11), 1, None),                # one supplement: early
    "N9": (10, COUNTER, at(9), at(16, 17), at(18, 10), 0, at(20, 17)),         # apology: late on the original
    "N10": (10, POST, at(9, 10), at(13, 17), at(12, 9), 0, None),              # ready early, collected late: early
    "N11": (6, COUNTER, at(16), at(15, 17, month=12), None, 0, None),          # paused for payment
    "N12": (5, COUNTER, at(17), at(1, 17, month=12), None, 1, None),           # waiting for a supplement
    "N13": (4, ONLINE, at(24), at(3, 17, month=12), None, 0, None),            # within time
    "N14": (4, COUNTER, at(10), at(20, 17), None, 0, None),                    # overdue
    "N15": (10, COUNTER, at(26), at(4, 17, month=12), at(2, 10, month=12), 0, None),  # open at the end of November
    "N16": (10, COUNTER, at(11), None, at(20, 10), 0, None),                   # no time limit
    # Not in November: newly registered online (clock not started), received in December.
    "X1": (1, ONLINE, at(20), None, None, 0, None),
    "X2": (4, COUNTER, at(1, 10, month=12), at(8, 17, month=12), None, 0, None),
}
POLICE = {"P1": (10, COUNTER, at(12), at(13, 17), at(13, 16, 59), 0, None)}  # on time, another agency


@pytest.fixture
def dossiers(demo):
    ids = {}
    with demo.motcua.uow() as uow:
        s = uow.session
        version_id = s.execute(select(ProcedureVersion.id).order_by(ProcedureVersion.id)).scalars().first()
        for agency_id, rows in ((demo.commune, COMMUNE), (demo.police, POLICE)):
            for code, (status, channel, received, due, finished, supplements, moved) in rows.items():
                dossier = Dossier(code=code, agency_id=agency_id, procedure_version_id=version_id, status=status,
                                  channel=channel, applicant_name=f"Người nộp {code}", received_at=received,
                                  original_due_at=due, due_at=moved or due, finished_at=finished,
                                  returned_at=at(28) if code == "N10" else None,
                                  supplement_count=supplements, workflow_state="", serializer_version="")
                s.add(dossier)
                s.flush()
                ids[code] = dossier.id
        uow.commit()
    return ids


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
        per_agency = figures_by(s, NOVEMBER, by_agency, now=at(5, month=12))
    assert {name: f["received"] for (_id, name), f in per_agency.items()} == {
        "UBND xã Tân Phong": 20, "Công an xã Tân Phong": 1}
    with pytest.raises(ValueError):
        codes("everything")


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
