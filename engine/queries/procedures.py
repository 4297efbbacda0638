"""The procedures page: every procedure with its versions (who deployed each, when, what
changed, how many dossiers are open on it), the active one, its history, a draft if any, and
the comparison of two versions. For administrators and modellers only."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.commands.procedures import require_steward
from engine.errors import NotFound
from engine.models import Dossier, Procedure, ProcedureDraft, ProcedureEvent, ProcedureVersion, User
from engine.procedures.compare import Comparison, compare, recorded_changes


@dataclass(frozen=True)
class VersionRow:
    number: int
    deployed_at: datetime
    # The officer who published it (their full name); None when no officer did (the demo's or an
    # operator's installation from the command line records a label of its own, not a user).
    deployed_by: str | None
    change_note: str
    open_dossiers: int
    active: bool
    changes: dict | None = None  # the note and the parts of what changed, as data (None before 0038)


@dataclass(frozen=True)
class ProcedureRow:
    key: str
    name: str
    national_code: str
    active_number: int
    latest_number: int
    retired_at: datetime | None
    open_dossiers: int
    has_draft: bool


@dataclass(frozen=True)
class EventRow:
    at: datetime
    action: str
    version_number: int | None
    actor: str
    detail: dict


@dataclass(frozen=True)
class ProcedureDetail:
    row: ProcedureRow
    versions: list[VersionRow]
    events: list[EventRow]
    draft_saved_at: datetime | None
    draft_saved_by: str


def open_dossiers_by_version(session, procedure_id: int) -> dict[int, int]:
    rows = session.execute(select(ProcedureVersion.number, func.count(Dossier.id))
                           .join(Dossier, Dossier.procedure_version_id == ProcedureVersion.id)
                           .where(ProcedureVersion.procedure_id == procedure_id, Dossier.finished_at.is_(None))
                           .group_by(ProcedureVersion.number)).all()
    return dict(rows)


def _active(procedure: Procedure, latest: int) -> int:
    return procedure.active_number or latest


def procedure_list(session, actor_id: int) -> list[ProcedureRow]:
    require_steward(session, actor_id)
    latest = dict(session.execute(select(ProcedureVersion.procedure_id, func.max(ProcedureVersion.number))
                                  .group_by(ProcedureVersion.procedure_id)).all())
    open_counts = dict(session.execute(
        select(ProcedureVersion.procedure_id, func.count(Dossier.id))
        .join(Dossier, Dossier.procedure_version_id == ProcedureVersion.id)
        .where(Dossier.finished_at.is_(None)).group_by(ProcedureVersion.procedure_id)).all())
    drafts = set(session.execute(select(ProcedureDraft.procedure_key)).scalars())
    rows = []
    for p in session.execute(select(Procedure).order_by(Procedure.name, Procedure.key)).scalars():
        last = latest.get(p.id, 0)
        rows.append(ProcedureRow(p.key, p.name, p.national_code, _active(p, last), last, p.retired_at,
                                 open_counts.get(p.id, 0), p.key in drafts))
    return rows


def procedure_detail(session, actor_id: int, key: str) -> ProcedureDetail:
    require_steward(session, actor_id)
    procedure = session.execute(select(Procedure).where(Procedure.key == key)).scalar_one_or_none()
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục.", "Procedure not found.")
    open_counts = open_dossiers_by_version(session, procedure.id)
    versions = session.execute(
        select(ProcedureVersion.number, ProcedureVersion.deployed_at, User.full_name.label("deployed_by"),
               ProcedureVersion.change_note, ProcedureVersion.changes)
        .outerjoin(User, User.username == ProcedureVersion.deployed_by)
        .where(ProcedureVersion.procedure_id == procedure.id).order_by(ProcedureVersion.number.desc())).all()
    latest = versions[0].number if versions else 0
    active = _active(procedure, latest)
    version_rows = [VersionRow(v.number, v.deployed_at, v.deployed_by, v.change_note or "", open_counts.get(v.number, 0),
                               v.number == active, v.changes) for v in versions]
    events = [EventRow(e.at, e.action, e.version_number, name or "", e.detail or {}) for e, name in session.execute(
        select(ProcedureEvent, User.full_name).outerjoin(User, User.id == ProcedureEvent.actor_id)
        .where(ProcedureEvent.procedure_id == procedure.id).order_by(ProcedureEvent.id.desc()).limit(100)).all()]
    draft = session.execute(select(ProcedureDraft, User.full_name).outerjoin(User, User.id == ProcedureDraft.saved_by_id)
                            .where(ProcedureDraft.procedure_key == key)).one_or_none()
    row = ProcedureRow(procedure.key, procedure.name, procedure.national_code, active, latest, procedure.retired_at,
                       sum(open_counts.values()), draft is not None)
    return ProcedureDetail(row, version_rows, events, draft[0].saved_at if draft else None, (draft[1] or "") if draft else "")


def version_content(session, actor_id: int, key: str, number: int) -> tuple[str, dict]:
    """A version's BPMN and forms, for the viewer and the editor."""
    require_steward(session, actor_id)
    row = session.execute(select(ProcedureVersion.bpmn_xml, ProcedureVersion.forms).join(Procedure)
                          .where(Procedure.key == key, ProcedureVersion.number == number)).one_or_none()
    if row is None:
        raise NotFound("Không tìm thấy phiên bản.", "Version not found.")
    return row[0], row[1] or {}


# Versions published before migration 0038 whose changes a page finds again (two versions' diagrams
# compared each): the newest few, so a procedure with a long history costs a page no more.
RECORDED_CHANGES_AT_MOST = 5


def with_recorded_changes(session, actor_id: int, key: str, versions: list) -> list:
    """The versions published before their changes were kept as data (migration 0038) get them
    back, as publishing recorded them (engine/procedures/compare.py, ``recorded_changes``), so a
    page not in Vietnamese can say them in its language; the rest keep only their Vietnamese words."""
    wanted = [v for v in versions if not v.changes and v.change_note][:RECORDED_CHANGES_AT_MOST]
    if not wanted:
        return versions
    numbers = sorted(v.number for v in versions)
    contents: dict[int, tuple[str, dict]] = {}

    def content(number: int) -> tuple[str, dict]:
        if number not in contents:
            contents[number] = version_content(session, actor_id, key, number)
        return contents[number]

    found = {}
    for v in wanted:
        earlier = [n for n in numbers if n < v.number]
        found[v.number] = recorded_changes(v.change_note, content(earlier[-1]) if earlier else None, content(v.number))
    return [dataclasses.replace(v, changes=found[v.number]) if found.get(v.number) else v for v in versions]


def draft_content(session, actor_id: int, key: str) -> tuple[str, dict] | None:
    require_steward(session, actor_id)
    draft = session.execute(select(ProcedureDraft).where(ProcedureDraft.procedure_key == key)).scalar_one_or_none()
    return (draft.bpmn_xml, draft.forms or {}) if draft is not None else None


def compare_versions(session, actor_id: int, key: str, old: int, new: int) -> Comparison:
    old_xml, old_forms = version_content(session, actor_id, key, old)
    new_xml, new_forms = version_content(session, actor_id, key, new)
    return compare(old_xml, old_forms, new_xml, new_forms)


@dataclass(frozen=True)
class EditorChoices:
    roles: list[str]
    agency_kinds: list[str]
    partner_codes: list[str]


def editor_choices(session, actor_id: int) -> EditorChoices:
    """What the editor's properties panel offers: roles people hold, agency kinds, partners."""
    from engine.models import Agency, Membership, Partner
    require_steward(session, actor_id)
    roles = set(session.execute(select(Membership.role).distinct()).scalars()) - {"modeller"}
    roles |= {"reception", "specialist", "leader", "supervisor"}
    kinds = {k for k in session.execute(select(Agency.kind).distinct()).scalars() if k}
    partners = set(session.execute(select(Partner.code).where(Partner.active.is_(True))).scalars())
    return EditorChoices(sorted(roles), sorted(kinds), sorted(partners))
