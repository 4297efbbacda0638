"""Issue 12, point 6: no technical text reaches a user. Every page each role reaches (one per kind,
one dossier per state, one task per form, the forms after a failed post, the error pages) is read
in Vietnamese and in English, and what a reader sees is checked by tests/page_text.py: no Python
exception text, no raw identifiers (field keys, message names), no English on Vietnamese pages,
no Vietnamese of our own templates or catalogue on English pages.

One test per role, so the suite's workers share the walk; the browser test
(tests/browser/test_every_page_width.py) walks the same pages for their width."""
from __future__ import annotations

import pytest

from engine.commands import sessions
from tests.page_text import problems
from tests.page_walk import WALKERS, kinds_of, open_items_by_role, seed_world, starts_of, walk
from tests.web.conftest import Browser
from webapp import browser_session

# Forms sent empty or wrong: the page that comes back names the problems in the user's words.
FAILED_POSTS = {
    "public": [("/login", {"username": "tiepnhan", "password": "sai-mat-khau"}),
               ("/dang-nhap", {"email": "khong-phai-dia-chi"})],
    "reception": [("/reception/new", {})],
    "specialist": [("/account/password", {"current_password": "sai", "new_password": "1",
                                          "new_password_again": "2"})],
    "admin": [("/admin/users/new", {})],
}


@pytest.fixture
def world(demo):
    return seed_world(demo)


def signed_in(app, demo, role: str, world) -> Browser:
    b = Browser(app)
    if role == "citizen":
        b.get("/")
        with b.client.session_transaction() as s:
            s[browser_session.TOKEN] = sessions.start(demo.motcua.uow(), citizen_id=world.citizen_id)
    elif WALKERS[role]:
        assert b.login(WALKERS[role]).status_code == 302
    return b


@pytest.mark.parametrize("role", list(WALKERS))
def test_every_page_speaks_plainly_to(role, app, demo, world):
    b = signed_in(app, demo, role, world)
    extra = world.pages(role, open_items_by_role(demo))

    def get(url):
        response = b.get(url, follow_redirects=True)
        return response.status_code, response.get_data(as_text=True)

    visited = [(url, status) for url, status, _html in walk(get, kinds_of(app), starts_of(role), extra)]
    assert not [v for v in visited if v[1] >= 500], visited
    found = []
    for language in ("vi", "en"):
        b.post("/language", {"locale": language})
        for url, _status in visited:
            found += [f"{language} {url}: {p}" for p in problems(get(url)[1])]
        for url, data in FAILED_POSTS.get(role, []):
            response = b.post(url, data)
            found += [f"{language} POST {url}: {p}" for p in problems(response.get_data(as_text=True))]
    assert not found, f"{len(visited)} pages walked; " + "\n".join(found)
