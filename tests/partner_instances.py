"""Two live motcua deployments on loopback, each with its own database: what partner hand-off
tests run against (docs/PARTNERS.md). A second database on PostgreSQL is A's name with
"_partner" (or TEST_PARTNER_DATABASE_URL); on SQLite a file of the test's own.

Test modules import the fixtures they use: ``from tests.partner_instances import Instance,
partner_database_url, _partner_template  # noqa: F401``.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from engine import commands, migrate
from engine.accounts import ensure_agency, ensure_user, grant
from engine.calendar.store import seed_calendar
from engine.config import Settings
from engine.models import Agency, Dossier, Partner, User, WorkItem
from engine.procedures.registry import SPEC_CACHE, check_and_deploy
from engine.runtime.host import load_workflow
from engine.scheduler.runner import run_tick
from tests.conftest import BPMN_DIR, FORMS_DIR, TABLES, TEST_DATABASE_URL


def _partner_database_url() -> str:
    """B's database on PostgreSQL: TEST_PARTNER_DATABASE_URL, or A's name with "_partner"."""
    url = os.environ.get("TEST_PARTNER_DATABASE_URL")
    if url:
        return url
    a = make_url(TEST_DATABASE_URL)
    name = f"{a.database}_partner"
    admin = create_engine(a.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return a.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _partner_template():
    if not TEST_DATABASE_URL:
        return None
    url = _partner_database_url()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def partner_database_url(_partner_template, tmp_path):
    SPEC_CACHE.clear()  # as for database_url: the reset database reuses version ids
    if _partner_template:
        engine = create_engine(_partner_template)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return _partner_template
    url = f"sqlite:///{tmp_path / 'partner_b.sqlite'}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


class Instance:
    """One motcua deployment served over HTTP on a loopback port, in a thread."""

    def __init__(self, name: str, database_url: str, forms_dir: Path | None = None):
        from webapp import create_app
        self.name = name
        self.app = create_app(Settings(database_url=database_url, forms_dir=forms_dir or FORMS_DIR),
                              {"TESTING": True, "SECRET_KEY": "test-" + name})
        self.motcua = self.app.extensions["motcua"]
        self.port = None
        self.server = None
        self.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/partner/messages"

    def start(self):
        self.server = make_server("127.0.0.1", self.port or 0, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()
            self.server = None

    def setup(self, agency_code: str, agency_name: str, kind: str, users: dict[str, str],
              bpmn_files: list[Path], forms_dir: Path):
        """One agency, its officers (username -> role), an administrator, and the procedures."""
        with self.motcua.uow() as uow:
            s = uow.session
            seed_calendar(s)
            self.agency = ensure_agency(s, code=agency_code, name=agency_name, kind=kind, area_code="H56.TP").id
            self.users = {}
            for username, role in users.items():
                user = ensure_user(s, username=username, full_name=username, password="x" * 12)
                grant(s, user, _agency(s, self.agency), role)
                self.users[username] = user.id
            self.users["admin"] = ensure_user(s, username="admin", full_name="Quản trị", password="x" * 12,
                                              is_admin=True).id
            check_and_deploy(uow, bpmn_files, forms_dir, deployed_by="test")
            uow.commit()

    def load_demo(self, partner: str | None = None):
        """The demo deployment, or with ``partner`` ("bhxh", "thue") that partner agency's own."""
        from engine.demo import PARTNER_BPMN_DIR, load_demo, load_partner_demo
        if partner:
            load_partner_demo(self.motcua.uow(), partner, PARTNER_BPMN_DIR, FORMS_DIR)
        else:
            load_demo(self.motcua.uow(), BPMN_DIR, FORMS_DIR)
        self.users = self.read(lambda s: {u.username: u.id for u in s.query(User)})
        self.agencies = self.read(lambda s: {a.kind: a.id for a in s.query(Agency)})

    def point_partner_at(self, code: str, other: "Instance"):
        """Aim our partner row ``code`` at the other live instance (the demo expects fixed ports)."""
        from engine.commands.partners import save_partner
        partner = self.read(lambda s: s.execute(select(Partner).where(Partner.code == code)).scalar_one())
        save_partner(self.motcua.uow(), actor_id=self.users["admin"], code=code, name=partner.name,
                     endpoint=other.endpoint, our_code=partner.our_code, key=None, agency_id=partner.agency_id)

    def step_data(self, dossier_id: int, step_id: str) -> dict:
        """The data the dossier's open step ``step_id`` sees."""
        def read(s):
            workflow = load_workflow(s.get(Dossier, dossier_id))
            [task] = [t for t in workflow.get_tasks(manual=True, state=TaskState.READY)
                      if t.task_spec.bpmn_id == step_id]
            return dict(task.data)
        return self.read(read)

    def read(self, fn):
        with self.motcua.read_session() as s:
            return fn(s)

    def count(self, model, *where):
        return self.read(lambda s: s.execute(select(func.count()).select_from(model).where(*where)).scalar())

    def open_items(self):
        return self.read(lambda s: [(w.dossier_id, w.step_id, w.id) for w in
                                    s.query(WorkItem).filter_by(state="open").order_by(WorkItem.id)])

    def do_step(self, username: str, step_id: str, data: dict, dossier_id: int | None = None):
        [item_id] = [i for d, step, i in self.open_items() if step == step_id and dossier_id in (None, d)]
        actor = self.users[username]
        commands.claim(self.motcua.uow(), actor_id=actor, work_item_id=item_id)
        commands.complete(self.motcua.uow(), actor_id=actor, work_item_id=item_id, data=data)

    def tick(self):
        return run_tick(self.motcua)


def _agency(session, agency_id):
    return session.get(Agency, agency_id)
