"""Steps (work items) of the demo commune's units, written as they stand after their lives, for
the statistics by unit: every class of a step appears. Hand-counted figures are in
tests/test_statistics_units.py."""
from __future__ import annotations

from engine.models import WorkItem
from tests.statistics_cases import at, write_cases

# code: (lane, dossier, arrived, due, ended, state, finished by). The demo commune's units: MC
# (Bộ phận Một cửa) answers for reception, TPHT (Tư pháp – Hộ tịch) for specialist, LD (Lãnh đạo)
# for leader, VP (Văn phòng) for supervisor.
STEPS = {
    "R0": ("reception", "C4", at(20, month=10), at(22, 17, month=10), at(22, 9, month=10), "done", "tiepnhan"),  # before November
    "R1": ("reception", "C1", at(30, 10, month=10), at(3, 17), at(2, 10), "done", "tiepnhan"),    # carried over, early
    "R2": ("reception", "N1", at(2), at(4, 17), at(4, 16), "done", "tiepnhan"),                   # on time (the due day)
    "R3": ("reception", "N2", at(3), at(5, 17), at(5, 17, 1), "done", "tiepnhan"),                # late by one minute
    "R4": ("reception", "N13", at(20), at(1, 17, month=12), None, "open", None),                  # within time
    "R5": ("reception", "N4", at(10), at(12, 17), at(11, 10), "cancelled", None),                 # cancelled (withdrawn)
    "T1": ("specialist", "C5", at(29, month=10), at(2, 17), None, "open", None),                  # carried over, overdue
    "T2": ("specialist", "N1", at(5), at(9, 17), at(9, 8), "done", "chuyenvien"),                 # on time, before the hour
    "T3": ("specialist", "N3", at(5, 10), at(10, 10), at(10, 15), "done", "chuyenvien2"),         # late, the due day
    "T4": ("specialist", "N8", at(12), at(16, 17), at(13, 10), "done", "chuyenvien"),             # early
    "T5": ("specialist", "N14", at(25), at(28, 17), at(2, 10, month=12), "done", "chuyenvien"),   # done in December: overdue
    "T6": ("specialist", "X2", at(1, 10, month=12), at(3, 17, month=12), None, "open", None),     # after November
    "T7": ("specialist", "N16", at(26), None, at(27, 10), "done", "chuyenvien2"),                 # no time limit
    "L1": ("leader", "N2", at(10, 14), at(11, 17), at(11, 17), "done", "lanhdao"),                # on time at the due instant
    "L2": ("leader", "N15", at(27), at(1, 17, month=12), None, "open", None),                     # within time
    "V1": ("supervisor", "N10", at(15), at(17, 17), at(16, 9), "done", "giamsat"),                # early
}


def write_steps(demo) -> dict[str, int]:
    """Write the dossiers of tests/statistics_cases.py and these steps; returns the steps' ids."""
    dossiers = write_cases(demo)
    ids = {}
    with demo.motcua.uow() as uow:
        s = uow.session
        for code, (role, dossier, arrived, due, ended, state, by) in STEPS.items():
            item = WorkItem(task_id=f"step-{code}", dossier_id=dossiers[dossier], agency_id=demo.commune, role=role,
                            step_id=f"Step_{code}", step_name=f"Bước {code}", state=state, created_at=arrived,
                            due_at=due, finished_at=ended, finished_by_id=demo.users[by] if by else None)
            s.add(item)
            s.flush()
            ids[code] = item.id
        uow.commit()
    return ids
