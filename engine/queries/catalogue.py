"""The public catalogue of procedures: what the diagram says (legal time limit, receiving agencies,
required documents) joined with the catalogue entry (engine/procedures/catalogue.py). Only
procedures that are deployed, still take new dossiers and have a valid entry are public: a diagram
without its description for citizens is not offered online, nor is a procedure that only a
partner's message opens (a partner agency's side of a joined-up procedure). What is shown is the
version a new dossier would start on."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engine.calendar import TimeLimit, parse_time_limit
from engine.models import Agency, Procedure, ProcedureVersion
from engine.procedures import catalogue
from engine.procedures.metadata import NO_TIME_LIMIT, required_documents

MAX_QUERY = 100


@dataclass(frozen=True)
class PublicDocument:
    name: str
    name_en: str
    kind: str
    count: int
    optional: bool
    form_id: str | None  # a blank form to download for it


@dataclass(frozen=True)
class PublicProcedure:
    key: str
    national_code: str
    entry: dict  # the catalogue entry: texts by language, fee, online level, forms
    time_limit: TimeLimit | None  # None: the law sets none
    agencies: list[tuple[str, str]]  # (code, name) of the agencies that receive it
    documents: list[PublicDocument]

    def text(self, key: str, language: str) -> str:
        return self.entry[key].get(language) or self.entry[key]["vi"]

    @property
    def fee_amount(self) -> int:
        return self.entry["fee"]["amount"]

    @property
    def online_level(self) -> str:
        return self.entry["online_level"]

    @property
    def submitted_online(self) -> bool:
        """Whether a citizen can submit it here: its entry gives the intake form. The online level is
        what the procedure is classed as nationally; without the form it is handed in at the counter."""
        return bool(self.entry.get("intake_schema"))

    def form(self, form_id: str) -> dict | None:
        return next((f for f in self.entry.get("forms", []) if f["id"] == form_id), None)


def _active_versions(session, keys) -> list[ProcedureVersion]:
    """The version each procedure starts new dossiers on (its active one, else its latest), as the
    counter's reception picks it (engine/procedures/registry.active_version); a retired procedure
    takes no new dossier, so it has none here."""
    latest = (select(ProcedureVersion.procedure_id, func.max(ProcedureVersion.number).label("number"))
              .join(Procedure).where(Procedure.key.in_(keys)).group_by(ProcedureVersion.procedure_id).subquery())
    return list(session.scalars(
        select(ProcedureVersion).join(Procedure).join(latest, latest.c.procedure_id == ProcedureVersion.procedure_id)
        .where(Procedure.retired_at.is_(None),
               ProcedureVersion.number == func.coalesce(Procedure.active_number, latest.c.number))))


def _time_limit(manifest: dict) -> TimeLimit | None:
    text = ((manifest.get("metadata") or {}).get("time_limit") or "").strip()
    if not text or text == NO_TIME_LIMIT:
        return None
    return parse_time_limit(text)


def _public(session, version: ProcedureVersion, entry: dict, agencies: list[Agency]) -> PublicProcedure:
    manifest = version.manifest
    receivers = set((manifest.get("metadata") or {}).get("received_by") or [])
    names_en = entry.get("documents_en", {})
    forms_by_document = {f.get("document"): f["id"] for f in entry.get("forms", [])}
    documents = [PublicDocument(d.name, names_en.get(d.name, d.name), d.kind, d.count, d.optional,
                                forms_by_document.get(d.name))
                 for d in required_documents(manifest)]
    receiving = [(a.code, a.name) for a in agencies if not receivers or a.kind in receivers or a.code in receivers]
    return PublicProcedure(key=version.procedure.key, national_code=version.procedure.national_code, entry=entry,
                           time_limit=_time_limit(manifest), agencies=receiving, documents=documents)


def public_procedures(session, catalogue_dir, query: str = "") -> list[PublicProcedure]:
    """Every public procedure, or those matching ``query`` (accent- and case-insensitive, in the name,
    field, purpose or national code, in either language), by Vietnamese name."""
    entries = catalogue.load(catalogue_dir)
    if not entries:
        return []
    agencies = list(session.scalars(select(Agency).order_by(Agency.name)))
    found = [_public(session, version, entries[version.procedure.key], agencies)
             for version in _active_versions(session, entries) if not catalogue.opened_by_partner(version.manifest)]
    words = catalogue.fold(query[:MAX_QUERY]).split()
    if words:
        found = [p for p in found if all(word in _haystack(p) for word in words)]
    return sorted(found, key=lambda p: catalogue.fold(p.text("name", "vi")))


def _haystack(procedure: PublicProcedure) -> str:
    parts = [procedure.national_code] + [procedure.entry[k][lang] for k in ("name", "field", "purpose")
                                         for lang in ("vi", "en")]
    return catalogue.fold(" ".join(parts))


def public_procedure(session, catalogue_dir, key: str) -> PublicProcedure | None:
    entry = catalogue.load(catalogue_dir).get(key)
    if entry is None:
        return None
    versions = _active_versions(session, [key])
    if not versions or catalogue.opened_by_partner(versions[0].manifest):
        return None
    return _public(session, versions[0], entry, list(session.scalars(select(Agency).order_by(Agency.name))))
