"""What the header of every officer's page shows: the unread notifications, and the roles the
officer holds, which decide the links it offers (supervision, reception, statistics, procedures).
Read in one session, once per page."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.models import Membership
from engine.queries.notifications import unread_count


@dataclass(frozen=True)
class OfficerHeader:
    unread_notifications: int
    # (agency id, role) of each membership, in a stable order: the inbox on the same page shows
    # the work of exactly these units (engine/queries/inbox.py), without reading them again.
    units: tuple[tuple[int, str], ...]

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for _agency, role in self.units)


def officer_header(session, user_id: int) -> OfficerHeader:
    units = session.execute(select(Membership.agency_id, Membership.role).where(Membership.user_id == user_id)
                            .order_by(Membership.agency_id, Membership.role)).all()
    return OfficerHeader(unread_count(session, user_id), tuple(tuple(unit) for unit in units))
