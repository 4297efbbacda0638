"""A procedure's life after its first deployment: drafts, publishing, retiring, rolling back.

Modellers (the ``modeller`` role, in any agency) save drafts and publish; publishing validates
the draft exactly as ``motcua validate`` does, deploys it as a new version that new dossiers
start, and is recorded in the procedure's audit (``ProcedureEvent``). Administrators and
modellers retire a procedure (no new dossiers; the open ones finish on their version), reinstate
it, and roll back (or forward) to another deployed version. The same functions serve the web
pages and the command line, so the same checks apply to both.
"""
from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import func, select

from engine import clock
from engine.commands._steps import not_permitted
from engine.errors import FormInvalid, InvalidState, NotFound, ProcedureInvalid
from engine.models import Membership, Procedure, ProcedureDraft, ProcedureEvent, ProcedureVersion, User
from engine.procedures.compare import SummaryPart, compare, summary
from engine.procedures.manifest import build_manifest
from engine.procedures.problems import Problem
from engine.procedures.checker import check_content, unreadable
from engine.procedures.registry import deploy
from engine.procedures.rules.holders import warnings as holder_warnings
from engine.procedures.safe_xml import UnsafeXml, parse_untrusted

log = logging.getLogger(__name__)

MODELLER = "modeller"
MAX_BPMN_BYTES = 2 * 1024 * 1024
MAX_NOTE = 2000


def is_modeller(session, user_id: int) -> bool:
    return session.execute(select(func.count()).select_from(Membership).where(
        Membership.user_id == user_id, Membership.role == MODELLER)).scalar_one() > 0


def _active_user(session, actor_id: int) -> User:
    user = session.get(User, actor_id)
    if user is None or not user.is_active:
        raise not_permitted()
    return user


def require_modeller(session, actor_id: int) -> User:
    user = _active_user(session, actor_id)
    if not is_modeller(session, user.id):
        raise not_permitted()
    return user


def require_steward(session, actor_id: int) -> User:
    """Who looks after procedures: administrators and modellers."""
    user = _active_user(session, actor_id)
    if not (user.is_admin or is_modeller(session, user.id)):
        raise not_permitted()
    return user


def record(session, procedure: Procedure, action: str, *, actor_id=None, version_number=None, **detail) -> ProcedureEvent:
    event = ProcedureEvent(procedure_id=procedure.id, version_number=version_number, at=clock.now(),
                           actor_id=actor_id, action=action, detail=detail)
    session.add(event)
    return event


def _procedure(session, key: str) -> Procedure:
    procedure = session.execute(select(Procedure).where(Procedure.key == key)).scalar_one_or_none()
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục.", "Procedure not found.")
    return procedure


def draft_key(bpmn_xml: str) -> str:
    """The procedure a diagram is a draft of: its process or collaboration id."""
    try:
        tree = parse_untrusted(bpmn_xml.encode("utf-8"), MAX_BPMN_BYTES)
    except (UnsafeXml, ValueError, SyntaxError) as exc:  # lxml's syntax error is a SyntaxError
        raise ProcedureInvalid([unreadable("", exc)]) from exc
    key = build_manifest(tree)["key"]
    if not key:
        raise ProcedureInvalid([Problem("", "", "The diagram needs exactly one process, or one collaboration.",
                                        message_vi="Sơ đồ cần đúng một quy trình, hoặc một cộng tác (collaboration).")])
    if len(key) > 120:
        raise ProcedureInvalid([Problem("", key, "The process id is longer than 120 characters: shorten it.",
                                        message_vi="Mã (id) của quy trình dài quá 120 ký tự.")])
    return key


def _clean_forms(forms) -> dict:
    if forms is None:
        return {}
    if not isinstance(forms, dict) or not all(isinstance(k, str) and Path(k).name == k and k.endswith(".json")
                                             and isinstance(v, dict) for k, v in forms.items()):
        raise FormInvalid({"forms": ["Biểu mẫu phải là các lược đồ JSON, theo tên tệp .json."]})
    return forms


def save_draft(uow, *, actor_id: int, bpmn_xml: str, forms: dict | None = None) -> ProcedureDraft:
    """Keep the modeller's work without running it anywhere; one draft per procedure."""
    forms = _clean_forms(forms)
    key = draft_key(bpmn_xml)
    with uow:
        user = require_modeller(uow.session, actor_id)
        draft = uow.session.execute(select(ProcedureDraft).where(ProcedureDraft.procedure_key == key)).scalar_one_or_none()
        if draft is None:
            draft = ProcedureDraft(procedure_key=key, bpmn_xml=bpmn_xml, forms=forms)
            uow.session.add(draft)
        draft.bpmn_xml, draft.forms = bpmn_xml, forms
        draft.saved_at, draft.saved_by_id = clock.now(), user.id
        uow.commit()
    return draft


def check_draft(bpmn_xml: str, forms_dir: Path, forms: dict | None = None, filename: str = "draft.bpmn",
                session=None) -> list[Problem]:
    """Every problem the draft has, errors and warnings; [] if none. Given a session, also what
    publishing would warn of against the database (a lane's role nobody holds, a partner not
    configured): the modeller reads it while checking the draft, not only once it is published."""
    try:
        checked = check_content(bpmn_xml.encode("utf-8"), filename, Path(forms_dir), MAX_BPMN_BYTES, _clean_forms(forms))
    except ProcedureInvalid as exc:
        return list(exc.problems)
    found = list(checked.warnings)
    if session is not None:
        found += holder_warnings(session, checked.manifest, checked.filename)
    return found


def publish(uow, *, actor_id: int, bpmn_xml: str, forms_dir: Path, forms: dict | None = None,
            note: str = "", filename: str = "") -> tuple[ProcedureVersion, list[Problem]]:
    """Validate, deploy as a new version that new dossiers start, and record it. Raises
    ``ProcedureInvalid`` (nothing changes) if the diagram has any error; returns the version and
    the warnings (roles nobody holds, partners not configured)."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise FormInvalid({"note": [f"Ghi chú tối đa {MAX_NOTE} ký tự."]})
    key = draft_key(bpmn_xml)
    checked = check_content(bpmn_xml.encode("utf-8"), filename or f"{key}.bpmn", Path(forms_dir), MAX_BPMN_BYTES,
                            _clean_forms(forms))
    with uow:
        session = uow.session
        user = require_modeller(session, actor_id)
        warnings = list(checked.warnings) + holder_warnings(session, checked.manifest, checked.filename)
        previous = None
        procedure = session.execute(select(Procedure).where(Procedure.key == key)).scalar_one_or_none()
        if procedure is not None and procedure.versions:
            previous = procedure.versions[-1]
        _refuse_a_version_again(procedure, checked)
        [version] = deploy(uow, [checked], deployed_by=user.username)
        parts = compare(previous.bpmn_xml, previous.forms, version.bpmn_xml, version.forms).parts() \
            if previous is not None else [SummaryPart("first")]
        changes = summary(parts)
        version.change_note = (note + " — " if note else "") + changes
        version.changes = {"note": note, "parts": [part._asdict() for part in parts]}
        record(session, version.procedure, "published", actor_id=user.id, version_number=version.number,
               note=note, changes=changes, warnings=[w.message for w in warnings])
        draft = session.execute(select(ProcedureDraft).where(ProcedureDraft.procedure_key == key)).scalar_one_or_none()
        if draft is not None:
            session.delete(draft)
        uow.commit()
    log.info("procedure %s version %s published by %s", key, version.number, user.username)
    return version, warnings


def _refuse_a_version_again(procedure: Procedure | None, checked) -> None:
    """Publishing what is a version already is refused, as ``motcua deploy`` refuses an unchanged
    file: by its bytes, and by what it says (the editor writes the same diagram with its own
    spacing and attribute order, so its bytes differ though nothing changed). The active version
    is looked at first: publishing it unchanged is the commonest case."""
    if procedure is None or not procedure.versions:
        return
    active = procedure.active_number or max(v.number for v in procedure.versions)
    for version in sorted(procedure.versions, key=lambda v: (v.number != active, -v.number)):
        if version.content_sha256 != checked.sha256 and not compare(
                version.bpmn_xml, version.forms or {}, checked.bpmn_xml, checked.forms).same:
            continue
        if version.number == active:
            raise InvalidState(f"Sơ đồ và biểu mẫu không khác phiên bản {version.number} đang áp dụng: chưa có thay đổi "
                               "nào để xuất bản.",
                               f"The diagram and forms are the same as version {version.number}, the active one: "
                               "there is no change to publish.")
        raise InvalidState(f"Nội dung này đã được triển khai là phiên bản {version.number}; "
                           "để dùng lại, hãy chuyển phiên bản đang áp dụng.",
                           f"This content is deployed already as version {version.number}; "
                           "to use it again, make that version active.")


def retire(uow, *, actor_id: int, procedure_key: str, reason: str) -> Procedure:
    """No new dossiers for this procedure; the open ones finish on their version."""
    reason = (reason or "").strip()
    if not reason:
        raise FormInvalid({"reason": ["Cần ghi lý do ngừng tiếp nhận."]})
    if len(reason) > MAX_NOTE:
        raise FormInvalid({"reason": [f"Tối đa {MAX_NOTE} ký tự."]})
    with uow:
        user = require_steward(uow.session, actor_id)
        procedure = _procedure(uow.session, procedure_key)
        if procedure.retired_at is not None:
            raise InvalidState("Thủ tục đã ngừng tiếp nhận.", "The procedure is retired already.")
        procedure.retired_at = clock.now()
        record(uow.session, procedure, "retired", actor_id=user.id, reason=reason)
        uow.commit()
    return procedure


def reinstate(uow, *, actor_id: int, procedure_key: str) -> Procedure:
    with uow:
        user = require_steward(uow.session, actor_id)
        procedure = _procedure(uow.session, procedure_key)
        if procedure.retired_at is None:
            raise InvalidState("Thủ tục đang tiếp nhận.", "The procedure is not retired.")
        procedure.retired_at = None
        record(uow.session, procedure, "reinstated", actor_id=user.id)
        uow.commit()
    return procedure


def activate(uow, *, actor_id: int, procedure_key: str, number: int, reason: str = "") -> Procedure:
    """Roll back (or forward): new dossiers start version ``number``; running ones keep theirs.
    The reason is optional; one past MAX_NOTE is refused, not cut (the history would keep a
    sentence its author never wrote)."""
    reason = (reason or "").strip()
    if len(reason) > MAX_NOTE:
        raise FormInvalid({"reason": [f"Tối đa {MAX_NOTE} ký tự."]})
    with uow:
        user = require_steward(uow.session, actor_id)
        procedure = _procedure(uow.session, procedure_key)
        numbers = [v.number for v in procedure.versions]
        if number not in numbers:
            raise FormInvalid({"number": [f"Không có phiên bản {number}."]})
        current = procedure.active_number or max(numbers)
        if number == current:
            raise InvalidState(f"Phiên bản {number} đang được áp dụng.", f"Version {number} is active already.")
        procedure.active_number = number
        record(uow.session, procedure, "rolled_back" if number < current else "activated", actor_id=user.id,
               version_number=number, previous=current, reason=reason)
        uow.commit()
    return procedure

