"""Dossier codes: AGENCYCODE-YYMMDD-NNNN, numbered per receiving agency and local day."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite

from engine.models import DossierCodeSequence


def next_code(session, agency, received_at: datetime) -> str:
    day = received_at.astimezone(ZoneInfo(agency.timezone)).strftime("%y%m%d")
    # One atomic upsert: two receptions at the same moment get different numbers on either database.
    insert = (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(DossierCodeSequence)
    stmt = (insert.values(agency_id=agency.id, day=day, last_number=1)
            .on_conflict_do_update(index_elements=["agency_id", "day"],
                                   set_={"last_number": DossierCodeSequence.last_number + 1})
            .returning(DossierCodeSequence.last_number))
    number = session.execute(stmt).scalar_one()
    return f"{agency.code}-{day}-{number:04d}"
