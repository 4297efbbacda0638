"""What the task page shows about supplements: whether this step may ask for one (and whether
the 3-working-day window has passed), and, on the step where the dossier waits, what was asked."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine import clock
from engine.errors import NotFound
from engine.models import WorkItem
from engine.queries.reception import SupplementSlip, supplement_requests_of
from engine.queries.tasks import may_see
from engine.supplements import may_ask, waits_for_supplement, window_ends


@dataclass(frozen=True)
class SupplementContext:
    may_ask: bool  # the step may ask the citizen for a supplement
    window_ends: datetime | None  # asking after this is flagged (3 working days after reception)
    outside_window: bool
    waiting_for: SupplementSlip | None  # on the step that waits: the request it waits for
    requests: list[SupplementSlip]  # every supplement request of the dossier, oldest first


def supplement_context(session, user_id: int, work_item_id: int, *, now: datetime | None = None) -> SupplementContext:
    now = now or clock.now()
    item = session.get(WorkItem, work_item_id)
    if item is None or not may_see(session, user_id, item):
        raise NotFound("Không tìm thấy hoặc bạn không có quyền.", "Not found or not permitted.")
    dossier = item.dossier
    step = dossier.procedure_version.manifest["steps"].get(item.step_id, {})
    requests = supplement_requests_of(session, dossier.id)
    asking = may_ask(step)
    ends = window_ends(session, dossier) if asking else None
    waiting = None
    if waits_for_supplement(step):
        waiting = next((r for r in reversed(requests) if r.stage == "processing" and r.fulfilled_at is None), None)
    return SupplementContext(may_ask=asking, window_ends=ends, outside_window=bool(ends and now > ends),
                             waiting_for=waiting, requests=requests)
