"""The deployed procedure versions: deploying checked files (every file or none), looking a
version up, and the cache of parsed specs (a version's spec never changes).
"""
from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from threading import Lock

from sqlalchemy.orm import object_session

from engine import clock
from engine.errors import NotFound, ProcedureInvalid
from engine.procedures.checker import CheckedProcedure, check_file
from engine.runtime.serializer import specs_from_json, specs_to_json


def database_of(row) -> str:
    """The database a row was read from. Caches keyed by a row's id also key by this: one process
    may serve two databases (two instances in a test, a tool comparing deployments), where the
    same id is a different version."""
    session = object_session(row)
    return _url_of(session.get_bind()) if session is not None else ""


@lru_cache(maxsize=64)
def _url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=True)


class SpecCache:
    """Parsed specs by (database, procedure version id): a version's spec never changes, so
    never expires."""

    def __init__(self, max_entries: int = 256):
        self._entries: OrderedDict[int, tuple] = OrderedDict()
        self._max = max_entries
        self._lock = Lock()

    def get(self, version) -> tuple:
        key = (getattr(version, "database", None) or database_of(version), version.id)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit
        specs = specs_from_json(version.spec_json)
        with self._lock:
            self._entries[key] = specs
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return specs

    def clear(self):
        with self._lock:
            self._entries.clear()


SPEC_CACHE = SpecCache()


def deploy(uow, checked_files: list[CheckedProcedure], deployed_by: str = "") -> list:
    """Store each checked file as a new version unless that exact content is deployed already."""
    from engine.models import Procedure, ProcedureVersion
    versions = []
    for checked in checked_files:
        procedure = uow.session.query(Procedure).filter_by(key=checked.key).one_or_none()
        if procedure is None:
            procedure = Procedure(key=checked.key, name=checked.manifest["name"] or checked.key,
                                  national_code=checked.manifest["national_code"])
            uow.session.add(procedure)
            uow.session.flush()
        existing = uow.session.query(ProcedureVersion).filter_by(
            procedure_id=procedure.id, content_sha256=checked.sha256).one_or_none()
        if existing is not None:
            versions.append(existing)
            continue
        procedure.name = checked.manifest["name"] or procedure.name
        procedure.national_code = checked.manifest["national_code"] or procedure.national_code
        last = max((v.number for v in procedure.versions), default=0)
        version = ProcedureVersion(
            procedure=procedure, number=last + 1, content_sha256=checked.sha256,
            filename=Path(checked.filename).name, bpmn_xml=checked.bpmn_xml, forms=checked.forms,
            manifest=checked.manifest, spec_json=specs_to_json(checked.spec, checked.subprocess_specs),
            deployed_at=clock.now(), deployed_by=deployed_by)
        uow.session.add(version)
        procedure.active_number = version.number  # new dossiers start what was just deployed
        uow.session.flush()
        versions.append(version)
    return versions


def check_and_deploy(uow, paths, forms_dir, deployed_by: str = "", warnings: list | None = None) -> list:
    """Deploy every file or none. ``warnings``, if given, receives what deploys but needs
    attention in this database (``rules.holders``: roles nobody holds, partners not configured)."""
    from engine.procedures.rules.holders import warnings as holder_warnings
    problems, checked = [], []
    for path in paths:
        try:
            checked.append(check_file(path, forms_dir))
        except ProcedureInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProcedureInvalid(problems)
    if warnings is not None:
        for c in checked:
            warnings.extend(c.warnings + holder_warnings(uow.session, c.manifest, c.filename))
    return deploy(uow, checked, deployed_by)


def latest_version(session, procedure_key: str):
    from engine.models import Procedure, ProcedureVersion
    version = (session.query(ProcedureVersion).join(Procedure)
               .filter(Procedure.key == procedure_key)
               .order_by(ProcedureVersion.number.desc()).first())
    if version is None:
        raise NotFound(f"Không tìm thấy thủ tục «{procedure_key}».", f"No procedure «{procedure_key}».")
    return version


def active_version(session, procedure_key: str):
    """The version reception starts: the procedure's active one (the latest unless rolled back).
    A retired procedure starts nothing."""
    from engine.errors import InvalidState
    from engine.models import Procedure, ProcedureVersion
    procedure = session.query(Procedure).filter(Procedure.key == procedure_key).one_or_none()
    if procedure is None:
        raise NotFound(f"Không tìm thấy thủ tục «{procedure_key}».", f"No procedure «{procedure_key}».")
    if procedure.retired_at is not None:
        raise InvalidState("Thủ tục đã ngừng tiếp nhận hồ sơ mới.", "This procedure no longer takes new dossiers.")
    query = session.query(ProcedureVersion).filter(ProcedureVersion.procedure_id == procedure.id)
    if procedure.active_number is not None:
        version = query.filter(ProcedureVersion.number == procedure.active_number).one_or_none()
        if version is not None:
            return version
    version = query.order_by(ProcedureVersion.number.desc()).first()
    if version is None:
        raise NotFound(f"Không tìm thấy thủ tục «{procedure_key}».", f"No procedure «{procedure_key}».")
    return version
