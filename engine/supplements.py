"""Supplements during processing (docs/RULES.md, "Supplement after reception"), the parts every
command shares: which steps may ask, the 3-working-day window for asking, and the request a
dossier is waiting on.

The modelling pattern (docs/MODELLING.md, "Supplement during processing"): a step that may ask
declares ``supplementRequest`` = ``true`` and sits in a loop activity whose condition reads
``supplement_requested``; after it a gateway sends the dossier, when it asked, to a step in the
reception lane that declares ``dossierStatus`` 5. The engine sets ``supplement_requested`` when
such a step is finished: true when it asked, false otherwise, so the loop returns to the step
that asked once the counter has recorded the supplement, and only then.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from engine.calendar.store import calendar_for
from engine.models import SupplementRequest
from engine.statuses import DossierStatus

# The task-data key the diagram's gateway and loop read (reserved: no form may declare it).
FLAG = "supplement_requested"
# How long after reception a supplement may be asked for (Decree 61/2018, art. 19).
WINDOW_WORKING_DAYS = 3
WAITING = str(int(DossierStatus.WAITING_FOR_SUPPLEMENT))


def may_ask(step: dict) -> bool:
    """The step declares it may ask the citizen for a supplement."""
    return step.get("properties", {}).get("supplementRequest", "").strip().lower() == "true"


def waits_for_supplement(step: dict) -> bool:
    """The step is where the dossier waits for the citizen's supplement (status 5)."""
    return step.get("properties", {}).get("dossierStatus") == WAITING


def window_ends(session, dossier) -> datetime:
    """The last moment to ask without being flagged: 3 working days after reception, on the
    receiving agency's calendar."""
    calendar = calendar_for(session, dossier.agency)
    return calendar.add(dossier.received_at, timedelta(seconds=WINDOW_WORKING_DAYS * calendar.day_length))


def documents_and_notes(request) -> tuple[list[str], list[str]]:
    """What a request asks, split: (the papers the citizen must bring or upload, the lines that only
    tell them something).

    A reception slip lists the procedure's required documents not handed in, each with its kind
    and count, and then the lines the officer typed under "Nội dung khác cần bổ sung", stored
    without a kind. Beside listed documents such a line is an instruction about them ("the copy is
    blurred, take it again"), not a paper of its own: asking a file for it made the citizen attach
    one to a sentence. A request of typed lines only (every processing step's request, a slip on a
    dossier whose required documents were all handed in) has nothing else to name what is asked:
    its lines stay what the citizen sends.
    """
    items = request.missing or []
    documents = [item["name"] for item in items if item.get("kind")]
    if not documents:
        return [item["name"] for item in items], []
    return documents, [item["name"] for item in items if not item.get("kind")]


def listed(names: list[str]) -> str:
    """Names in one sentence, "a; b; c.": a name that ends its own sentence gets no second period."""
    return "; ".join(names).rstrip(".") + "."


def open_request(session, dossier_id: int) -> SupplementRequest | None:
    """The supplement the dossier waits for (processing stage, not yet fulfilled)."""
    return session.execute(
        select(SupplementRequest).where(SupplementRequest.dossier_id == dossier_id,
                                        SupplementRequest.stage == "processing",
                                        SupplementRequest.fulfilled_at.is_(None))
        .order_by(SupplementRequest.id.desc()).limit(1)).scalar_one_or_none()


def awaited_online(session, dossier_id: int) -> SupplementRequest | None:
    """The request an online applicant answers on their dossier page: the latest not fulfilled, a
    reception slip (the dossier is still newly registered) or a processing step's request."""
    return session.scalars(select(SupplementRequest).where(
        SupplementRequest.dossier_id == dossier_id, SupplementRequest.fulfilled_at.is_(None))
        .order_by(SupplementRequest.requested_at.desc(), SupplementRequest.id.desc()).limit(1)).first()
