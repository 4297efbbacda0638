"""Which procedure a partner's message opens here, when it names no dossier of ours: the message is
caught straight after a plain start event of a procedure's diagram (``starts_on`` in its manifest),
from that partner or from any partner (docs/PARTNERS.md)."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import Procedure, ProcedureVersion
from engine.partners import ANY_PARTNER


def starting_version(session, partner_code: str, message: str) -> ProcedureVersion | None:
    """The active version (else the latest) of a procedure that ``message`` from this partner
    opens; retired procedures open nothing."""
    latest = {}
    # Only the manifests: a version row's BPMN and spec are large, and only the match is needed whole.
    rows = session.execute(select(ProcedureVersion.id, ProcedureVersion.procedure_id, ProcedureVersion.manifest,
                                  ProcedureVersion.number, Procedure.active_number)
                           .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
                           .where(Procedure.retired_at.is_(None))
                           .order_by(ProcedureVersion.number))
    for version_id, procedure_id, manifest, number, active in rows:
        if active is None or number <= active:
            latest[procedure_id] = (version_id, manifest)
    for version_id, manifest in latest.values():
        partners = (manifest or {}).get("partners", {})
        if message in partners.get("starts_on", []) and partners.get("incoming", {}).get(message) in (
                partner_code, ANY_PARTNER):
            return session.get(ProcedureVersion, version_id)
    return None
