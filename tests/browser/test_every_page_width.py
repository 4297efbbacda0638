"""Issue 12, point 5: every page works on a phone (390 px) and a desktop (1280 px) without
scrolling the page sideways; a wide table scrolls inside its own box. The walk is the text
check's (tests/page_walk.py), one kind of page once per role. In Vietnamese (the longer
language) each page is measured at one width, then resized to the other without reloading and
measured again; in English, whose words are longer, on the phone, where a long word has the least
room. One test per role and language, so the suite's workers share the walk; a screenshot only on
failure."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Error as PlaywrightError

from engine.commands import sessions
from engine.demo import DEMO_PASSWORD
from tests.browser.accessibility import horizontal_overflow
from tests.browser.conftest import WAIT_LIMIT_MS
from tests.page_walk import WALKERS, kinds_of, open_items_by_role, seed_world, starts_of, walk
from webapp import browser_session
from webapp.security import SchemeAwareSessionInterface

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
# The widths each language is measured at (see the module's docstring).
WIDTHS = {"vi": [PHONE, DESKTOP], "en": [PHONE]}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
# What sticks out, for the failure message: elements past the window's right edge that no
# scrolling box of their own holds.
STICKING_OUT = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right <= innerWidth + 1 || r.width === 0) continue;
    let p = el.parentElement, held = false;
    while (p && p !== document.body) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) { held = true; break; }
      p = p.parentElement;
    }
    if (!held) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' ' + Math.round(r.width) + 'px');
  }
  return out.slice(-6);
}"""


@pytest.fixture
def world(demo):
    return seed_world(demo)


def sign_in(context, role: str) -> None:
    """As the role's user, without drawing the sign-in page: the form posted by the context's own
    request client, which shares the pages' cookies."""
    if not WALKERS[role]:
        return
    page = context.request.get("/login")
    token = TOKEN.search(page.text()).group(1)
    answer = context.request.post("/login", form={"username": WALKERS[role], "password": DEMO_PASSWORD,
                                                  "csrf_token": token}, max_redirects=0)
    assert answer.status == 302, answer.text()


def choose_language(context, role: str, language: str) -> None:
    """The header's language switch, posted by the context's request client (an officer keeps the
    choice, a visitor or citizen has it for the session)."""
    if language == "vi":
        return  # the default
    page = context.request.get(starts_of(role)[0])
    token = TOKEN.search(page.text()).group(1)
    answer = context.request.post("/language", form={"locale": language, "csrf_token": token}, max_redirects=0)
    assert answer.status == 302, answer.text()


@pytest.mark.parametrize("language", list(WIDTHS))
@pytest.mark.parametrize("role", list(WALKERS))
def test_every_page_fits_a_phone_and_a_desktop_for(role, language, chromium, live_server, app, demo, world,
                                                   artifacts):
    context = chromium.new_context(base_url=live_server, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                   viewport=PHONE)
    context.set_default_timeout(WAIT_LIMIT_MS)
    try:
        if role == "citizen":
            context.add_cookies([{"name": "session", "value": _citizen_cookie(demo, world), "url": live_server}])
        else:
            sign_in(context, role)
        choose_language(context, role, language)
        page = context.new_page()
        sizes = list(WIDTHS[language])

        def get(url):
            try:
                response = page.goto(url, wait_until="domcontentloaded")
            except PlaywrightError as e:
                if "Download is starting" in str(e):
                    return 0, ""  # a blank form to print is downloaded, not shown
                raise
            return (response.status if response else 0), page.content()

        too_wide, walked = [], 0
        for url, status, _html in walk(get, kinds_of(app), starts_of(role), world.pages(role, open_items_by_role(demo))):
            if not status:
                continue
            walked += 1
            for size in sizes:
                if page.viewport_size != size:
                    page.set_viewport_size(size)
                over = horizontal_overflow(page)
                if over:
                    name = f"too-wide-{role}-{language}-{size['width']}-{len(too_wide)}.png"
                    page.screenshot(path=str(artifacts / name), full_page=True)
                    too_wide.append(f"{url} in {language} at {size['width']} px: {over} px too wide "
                                    f"({', '.join(page.evaluate(STICKING_OUT))}); {name}")
            sizes.reverse()  # the next page starts at the width this one ended at
        assert walked >= 5, f"the walk as {role} in {language} reached only {walked} pages"
        assert page.evaluate("document.documentElement.lang") == language
        assert not too_wide, "\n".join(too_wide)
    finally:
        context.close()


def _citizen_cookie(demo, world) -> str:
    """The cookie a citizen's sign-in leaves, signed with the live server's secret
    (tests/browser/conftest.py): the token of a server-side session."""
    signer = Flask(__name__)
    signer.secret_key = "browser-test"
    token = sessions.start(demo.motcua.uow(), citizen_id=world.citizen_id)
    return SchemeAwareSessionInterface().get_signing_serializer(signer).dumps({browser_session.TOKEN: token})
