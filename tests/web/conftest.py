"""Web fixtures: a browser-like client that logs in as a demo officer and posts forms with their
CSRF token, as a browser would (CSRF protection stays on in every web test)."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from engine.commands import receive
from engine.commands.reception import Applicant
from engine.demo import DEMO_PASSWORD
from engine.models import WorkItem

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    def __init__(self, app, address: str = "127.0.0.1"):
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address
        self._token = None

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/login", follow_redirects=True)
            self._token = TOKEN.search(page.get_data(as_text=True)).group(1)
        return self._token

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        response = self.client.post(url, data=data, **kwargs)
        if url in ("/login", "/logout", "/dang-nhap/ma", "/dang-xuat"):
            self._token = None  # the session is renewed (officer or citizen): so is its token
        return response

    def post_json(self, url, body):
        """A JSON request as the modeller's editor sends it, its CSRF token in a header."""
        return self.client.post(url, json=body, headers={"X-CSRFToken": self.token()})

    def english(self) -> "Browser":
        """Pages in English from now on (the officer's choice, kept on the account)."""
        assert self.post("/language", {"locale": "en"}).status_code in (302, 303)
        return self

    def login(self, username, password=DEMO_PASSWORD, **kwargs):
        return self.post("/login", {"username": username, "password": password}, **kwargs)

    def logout(self):
        return self.post("/logout")

    def text(self, url, **kwargs) -> str:
        response = self.get(url, **kwargs)
        assert response.status_code == 200, (url, response.status_code)
        return page_text(response)


def page_text(response) -> str:
    """The page as a reader sees it. CSRF tokens carry a timestamp (seconds), so two renders of
    the same page differ in them; they are blanked so pages can be compared."""
    return TOKEN.sub('name="csrf_token" value="…"', unescape(response.get_data(as_text=True)))


@pytest.fixture
def browser(app, demo):
    """``browser("chuyenvien")`` is a client logged in as that demo officer; ``browser()`` is anonymous."""
    def make(username=None, address="127.0.0.1"):
        b = Browser(app, address)
        if username:
            response = b.login(username)
            assert response.status_code == 302, page_text(response)
        return b
    return make


@pytest.fixture
def receive_dossier(demo):
    """Receive a marriage-registration dossier at the commune; returns (code, appraise work item id)."""
    def make(applicant="Nguyễn Văn An"):
        dossier = receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                          procedure_key="dang_ky_ket_hon", applicant=Applicant(name=applicant))
        return dossier.code, open_item(demo, dossier.id)
    return make


def open_item(demo, dossier_id: int) -> int:
    with demo.motcua.read_session() as s:
        return s.execute(select(WorkItem.id).where(WorkItem.dossier_id == dossier_id,
                                                   WorkItem.state == "open")).scalar_one()



@pytest.fixture
def november_cases(demo, frozen_clock) -> dict[str, int]:
    """The dossiers of tests/statistics_cases.py (code -> id), on Saturday 05/12/2026: the statistics
    pages' tests read November 2026 (``NOVEMBER_QUERY``), which is over."""
    from tests.statistics_cases import at, write_cases
    frozen_clock.current = at(5, month=12)
    return write_cases(demo)


@pytest.fixture
def november_steps(demo, frozen_clock) -> dict[str, int]:
    """The same dossiers with the steps of the commune's units (tests/statistics_step_cases.py)."""
    from tests.statistics_cases import at
    from tests.statistics_step_cases import write_steps
    frozen_clock.current = at(5, month=12)
    return write_steps(demo)
