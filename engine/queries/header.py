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
    roles: frozenset[str]


def officer_header(session, user_id: int) -> OfficerHeader:
    roles = session.execute(select(Membership.role).where(Membership.user_id == user_id).distinct()).scalars()
    return OfficerHeader(unread_count(session, user_id), frozenset(roles))
