"""An online dossier already decided (by a colleague working the same queue, or by the first click
of a double click) no longer shows "Not found" when the counter opens or submits its check page:
the officer lands on the dossier (or its refusal notice), told it no longer waits, and nothing is
decided twice."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from engine.commands.reception import accept, refuse
from engine.models import AuditEvent, Dossier
from tests.web.conftest import Browser, page_text
from tests.web.test_citizen_online_submission import PDF, app, citizen, submit_complete  # noqa: F401 (fixtures)


def _online_dossier(citizen_browser, demo) -> int:
    submit_complete(citizen_browser)
    with demo.motcua.read_session() as s:
        return s.scalars(select(Dossier.id)).one()


def _counter(app, locale="vi") -> Browser:
    counter = Browser(app)
    counter.login("tiepnhan")
    counter.post("/language", {"locale": locale})
    return counter


@pytest.mark.parametrize("locale, says", [("vi", "không còn chờ tiếp nhận"), ("en", "is no longer waiting for reception")])
def test_opening_an_online_dossier_a_colleague_accepted_leads_to_it(app, citizen, demo, locale, says):  # noqa: F811
    dossier_id = _online_dossier(citizen(), demo)
    counter = _counter(app, locale)
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id)
    response = counter.get(f"/reception/registered/{dossier_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dossiers/{dossier_id}")
    assert says in page_text(counter.get(response.headers["Location"]))


def test_receiving_twice_receives_once_and_shows_the_dossier(app, citizen, demo):  # noqa: F811
    dossier_id = _online_dossier(citizen(), demo)
    counter = _counter(app)
    page = counter.text(f"/reception/registered/{dossier_id}")
    form = {"action": "receive", "checklist": [html.unescape(v) for v in re.findall(r'name="checklist" value="([^"]*)"', page)]}
    first = counter.post(f"/reception/registered/{dossier_id}", form)
    second = counter.post(f"/reception/registered/{dossier_id}", form)
    assert first.status_code == 302 and second.status_code == 302
    assert second.headers["Location"].endswith(f"/dossiers/{dossier_id}")
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.dossier_id == dossier_id, AuditEvent.action == "received")) == 1


def test_opening_a_refused_online_dossier_leads_to_its_refusal_notice(app, citizen, demo):  # noqa: F811
    dossier_id = _online_dossier(citizen(), demo)
    counter = _counter(app)
    refuse(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id, reason="Không thuộc thẩm quyền.")
    response = counter.get(f"/reception/registered/{dossier_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dossiers/{dossier_id}/refusal")


def test_another_agencys_dossier_stays_not_found(app, citizen, demo):  # noqa: F811
    dossier_id = _online_dossier(citizen(), demo)
    land = Browser(app)
    land.login("motcuadatdai")
    assert land.get(f"/reception/registered/{dossier_id}").status_code == 404
