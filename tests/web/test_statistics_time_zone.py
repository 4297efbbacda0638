"""A statistics period is made of the agency's own calendar days (its ``timezone``), whatever the
deployment's ``MOTCUA_TIMEZONE`` and the server's ``TZ`` say: a dossier received at 23:30 UTC on
31 January is received on 1 February in Vietnam and counts in February."""
from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from engine.models import Agency, Dossier, Procedure, ProcedureVersion
from engine.statistics import Period
from engine.statistics.tables import drill_down, public_shares, reader_of, table, trend
from tests.web.test_statistics_pages import cells

UTC = timezone.utc
RECEIVED = datetime(2027, 1, 31, 23, 30, tzinfo=UTC)  # 06:30 on 01/02/2027 in Hà Nội


@pytest.fixture
def settings(settings):
    """A deployment left at UTC (the server's own zone): the agencies stay in Asia/Ho_Chi_Minh."""
    return replace(settings, timezone="UTC")


@pytest.fixture
def late_evening(demo, frozen_clock):
    frozen_clock.current = datetime(2027, 3, 5, 2, 0, tzinfo=UTC)
    with demo.motcua.uow() as uow:
        s = uow.session
        version = s.scalar(select(func.max(ProcedureVersion.id)).join(Procedure)
                           .where(Procedure.key == "dang_ky_ket_hon"))
        s.add(Dossier(code="TZ1", agency_id=demo.commune, procedure_version_id=version, status=4, channel=1,
                      applicant_name="Người nộp TZ1", received_at=RECEIVED,
                      original_due_at=datetime(2027, 2, 10, 10, 0, tzinfo=UTC),
                      due_at=datetime(2027, 2, 10, 10, 0, tzinfo=UTC), supplement_count=0,
                      workflow_state="", serializer_version=""))
        uow.commit()


@pytest.fixture
def server_in_new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_tables_count_the_dossier_in_the_agencys_february(demo, late_evening, server_in_new_york):
    admin = demo.users["admin"]
    with demo.motcua.read_session() as s:
        commune = reader_of(s, admin, [demo.commune])
        january = table(s, commune, Period.month(2027, 1, "UTC"), "agency")
        february = table(s, commune, Period.month(2027, 2, "UTC"), "agency")
        listed = drill_down(s, commune, Period.month(2027, 2, "UTC"), "new")
        months = trend(s, commune, Period(datetime(2027, 1, 1).date(), datetime(2027, 2, 28).date(), "UTC").months())
        public = {row.label: row.figures for row in public_shares(s, Period.month(2027, 2, "UTC"))}
    assert january.total["received"] == 0
    assert (february.total["received"], february.total["new"]) == (1, 1)
    assert february.period.zone == "Asia/Ho_Chi_Minh"
    assert [r.code for r in listed.rows] == ["TZ1"] and listed.total == 1
    assert [f["received"] for _m, f in months] == [0, 1]
    assert public["UBND xã Tân Phong"]["received"] == 1


def test_the_pages_count_it_in_february_and_not_in_january(browser, late_evening, server_in_new_york):
    leader = browser("lanhdao")
    february = leader.text("/statistics?period=month&year=2027&month=2")
    assert cells(february, "UBND xã Tân Phong")[:3] == ["1", "0", "1"]
    january = leader.text("/statistics?period=month&year=2027&month=1")
    assert "UBND xã Tân Phong</th>" not in january
    listed = leader.text("/statistics/dossiers?period=month&year=2027&month=2&figure=new")
    assert "TZ1" in listed
    quarter = leader.text("/statistics?period=quarter&year=2027&quarter=1")
    assert cells(quarter, "UBND xã Tân Phong")[:1] == ["1"]


@pytest.fixture
def first_of_february_in_vietnam(frozen_clock):
    """Still 31/01/2026 in UTC (the deployment's zone here), already 01/02/2026 01:00 in Hà Nội."""
    frozen_clock.current = datetime(2026, 1, 31, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize("page", ["/statistics", "/statistics/indices", "/statistics/units"])
def test_this_month_is_the_agencys_month(browser, demo, first_of_february_in_vietnam, server_in_new_york, page):
    """With the chooser left empty, "this month" was January, the deployment's (UTC) month, for an
    agency already in February."""
    html = browser("lanhdao").text(page)
    assert "Từ ngày 01/02/2026 đến ngày 28/02/2026" in html, html
    assert re.search(r'id="month"[^>]*value="2"', html) and re.search(r'id="year"[^>]*value="2026"', html)


def test_the_dossiers_behind_this_months_figure_are_the_agencys_month(browser, demo, first_of_february_in_vietnam):
    html = browser("lanhdao").text("/statistics/dossiers?figure=new")
    assert "Từ ngày 01/02/2026 đến ngày 28/02/2026" in html, html


def test_the_public_pages_this_month_is_the_agencies_month(browser, demo, first_of_february_in_vietnam):
    html = browser().text("/thong-ke")
    assert "Tháng 02/2026" in html and "Tháng 01/2026" not in html, html


def test_agencies_in_several_zones_read_this_month_in_the_deployments_zone(browser, demo,
                                                                          first_of_february_in_vietnam):
    """As their period's days are: an administrator's "all agencies" across zones is UTC's January;
    one agency of them is its own February."""
    with demo.motcua.uow() as uow:
        uow.session.get(Agency, demo.agencies["land_registration_office"]).timezone = "Europe/London"
        uow.commit()
    admin = browser("admin")
    assert "Từ ngày 01/01/2026 đến ngày 31/01/2026" in admin.text("/statistics")
    assert "Từ ngày 01/02/2026 đến ngày 28/02/2026" in admin.text(f"/statistics?agency_id={demo.commune}")


@pytest.mark.parametrize("page", ["/statistics", "/statistics/indices", "/statistics/units",
                                  "/statistics/dossiers?figure=new", "/statistics/units/steps?figure=received"])
def test_a_page_reads_whose_statistics_and_their_zone_once(browser, demo, app, page):
    """The page, "this month" and each table of it (figures, trend) read the reader's agencies and
    their time zone once per request; each table read them again."""
    from tests.web.test_tasks import statements_sent
    leader = browser("lanhdao")
    url = page + (f"&agency_id={demo.commune}" if "steps" in page else "")
    leader.text(url)  # the header's own reads warm up, as on any page
    with statements_sent(app.extensions["motcua"].db) as sent:
        assert leader.get(url).status_code == 200
    zones = [s for s in sent if "SELECT DISTINCT agencies.timezone" in s]  # the agencies' shared zone
    rights = [s for s in sent if "FROM agencies" in s and "memberships" in s and "agencies.name" in s]
    assert len(zones) == 1, zones
    assert len(rights) == 1, rights
