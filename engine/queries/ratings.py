"""Citizens' satisfaction, as the statistics read it (index 5.4): ratings given in a period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.models import ServiceRating

SATISFIED_FROM = 4  # 4 (satisfied) and 5 (very satisfied)


@dataclass(frozen=True)
class Satisfaction:
    ratings: int
    satisfied: int
    average: float | None

    @property
    def satisfied_share(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None


def satisfaction(session, *, start: datetime, end: datetime, agency_id: int | None = None) -> Satisfaction:
    """Ratings created in [start, end), for one agency or all (through ix_service_ratings_agency)."""
    query = select(func.count(), func.count().filter(ServiceRating.score >= SATISFIED_FROM),
                   func.avg(ServiceRating.score)).where(ServiceRating.created_at >= start,
                                                        ServiceRating.created_at < end)
    if agency_id is not None:
        query = query.where(ServiceRating.agency_id == agency_id)
    count, satisfied, average = session.execute(query).one()
    return Satisfaction(count, satisfied, round(float(average), 2) if average is not None else None)


def rating_of(session, dossier_id: int) -> ServiceRating | None:
    return session.scalars(select(ServiceRating).where(ServiceRating.dossier_id == dossier_id)).first()
