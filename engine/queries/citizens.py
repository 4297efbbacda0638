"""A citizen's account as the citizens' pages show it."""
from __future__ import annotations

from engine.models import Citizen


def citizen(session, citizen_id: int) -> Citizen | None:
    return session.get(Citizen, citizen_id)
