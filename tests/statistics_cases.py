"""Two dozen dossiers of the demo commune (and one of its police), written as they stand after
their lives, for the statistics tests: every class appears. Hand-counted figures are in
tests/test_statistics_figures.py."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from engine.models import Dossier, Procedure, ProcedureVersion
from engine.statistics.verdict import outcome_of
from tests.conftest import VN

COUNTER, ONLINE, POST = 1, 2, 3

# The month the cases are about, as the statistics pages' query string asks for it.
NOVEMBER_QUERY = "period=month&year=2026&month=11"


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
# Every case is a marriage registration (civil status, partly online) but these, business
# households (full-process online).
MARRIAGE, HOUSEHOLD = "dang_ky_ket_hon", "dang_ky_ho_kinh_doanh"
PROCEDURE = {"N1": HOUSEHOLD, "N2": HOUSEHOLD, "N3": HOUSEHOLD, "N13": HOUSEHOLD}
POLICE = {"P1": (10, COUNTER, at(12), at(13, 17), at(13, 16, 59), 0, None)}  # on time, another agency


def write_cases(demo) -> dict[str, int]:
    """Write the cases; returns the dossier ids by code."""
    ids = {}
    with demo.motcua.uow() as uow:
        s = uow.session
        versions = dict(s.execute(select(Procedure.key, func.max(ProcedureVersion.id)).join(ProcedureVersion)
                                  .group_by(Procedure.key)).all())
        for agency_id, rows in ((demo.commune, COMMUNE), (demo.police, POLICE)):
            for code, (status, channel, received, due, finished, supplements, moved) in rows.items():
                dossier = Dossier(code=code, agency_id=agency_id, procedure_version_id=versions[PROCEDURE.get(code, MARRIAGE)], status=status,
                                  channel=channel, applicant_name=f"Người nộp {code}", received_at=received,
                                  original_due_at=due, due_at=moved or due, finished_at=finished,
                                  returned_at=at(28) if code == "N10" else None,
                                  supplement_count=supplements, workflow_state="", serializer_version="")
                dossier.outcome = outcome_of(dossier, "Asia/Ho_Chi_Minh")  # as the commands keep it
                s.add(dossier)
                s.flush()
                ids[code] = dossier.id
        uow.commit()
    return ids
