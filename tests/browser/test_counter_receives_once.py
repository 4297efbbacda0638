"""A second click on the counter's "receive" button, while the first is still on its way, sends
nothing. Found by an audit of the counter: the form went again, and a citizen could get two
dossiers, two codes and two appointments for one visit."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from engine.models import Dossier
from tests.browser.test_dossier_whole_life import DECLARATION, ID_COPIES, fill_applicant

RECEIVE = "Tiếp nhận và in giấy hẹn"
# Added after the page's own handlers: it sees whether they cancelled each sending.
WATCH_SUBMITS = """() => {
    window.sent = [];
    document.querySelector("form.reception").addEventListener("submit", e => window.sent.push(!e.defaultPrevented));
}"""


def dossiers(demo) -> int:
    with demo.motcua.read_session() as s:
        return s.scalar(select(func.count()).select_from(Dossier))


def test_a_second_click_while_the_first_is_on_its_way_sends_nothing(officer, demo):
    reception = officer("tiepnhan")
    reception.goto("/reception/new")
    fill_applicant(reception)
    reception.get_by_label(DECLARATION).check()
    reception.get_by_label(ID_COPIES).check()
    reception.evaluate(WATCH_SUBMITS)
    # Two clicks, the second before the page has gone (Playwright's own would wait for the page);
    # each click's submit event is over when it returns.
    sent = reception.get_by_role("button", name=RECEIVE).evaluate("el => { el.click(); el.click(); return window.sent; }")
    assert sent == [True, False]
    reception.wait_for_url(re.compile(r"/dossiers/\d+/receipt$"))
    assert dossiers(demo) == 1

    # The next citizen's form sends as usual.
    reception.goto("/reception/new")
    fill_applicant(reception)
    reception.get_by_label(DECLARATION).check()
    reception.get_by_label(ID_COPIES).check()
    reception.get_by_role("button", name=RECEIVE).click()
    reception.wait_for_url(re.compile(r"/dossiers/\d+/receipt$"))
    assert dossiers(demo) == 2
