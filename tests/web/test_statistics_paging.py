"""The list behind a figure and the supervisor's escalations come a page at a time: the page
size rows, "page 1 of 2" in the reader's language, plain links to the next and previous page,
and a page number past the end or not a number answered with a page, never an error."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.models import Dossier, Procedure, ProcedureVersion
from engine.queries.paging import PER_PAGE
from tests.statistics_cases import at, write_cases

EXTRA = 60  # open and within time at the end of November, as N13 … (4 in the hand-counted table)
WITHIN = "/statistics/dossiers?period=month&year=2026&month=11&figure=within_time"


@pytest.fixture
def many(demo, frozen_clock):
    frozen_clock.current = at(5, month=12)
    write_cases(demo)
    with demo.motcua.uow() as uow:
        s = uow.session
        version = s.scalar(select(func.max(ProcedureVersion.id)).join(Procedure)
                           .where(Procedure.key == "dang_ky_ket_hon"))
        for n in range(EXTRA):
            s.add(Dossier(code=f"M{n:02d}", agency_id=demo.commune, procedure_version_id=version, status=4, channel=1,
                          applicant_name=f"Người nộp M{n:02d}", received_at=at(12, 8 + n // 60, n % 60),
                          original_due_at=at(20, 17, month=12), due_at=at(20, 17, month=12), supplement_count=0,
                          workflow_state="", serializer_version=""))
        uow.commit()


def codes(page: str) -> list[str]:
    return re.findall(r'class="dossier-code"[^>]*>([A-Z0-9]+)<', page)


@pytest.mark.parametrize("language, first, second", [("vi", "Trang 1/2", "Trang 2/2"),
                                                      ("en", "Page 1 of 2", "Page 2 of 2")])
def test_the_dossiers_behind_a_figure_come_a_page_at_a_time(browser, many, language, first, second):
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    page = leader.text(WITHIN)
    total = EXTRA + 4
    assert re.search(r"<h1>[^<]*: 64 [^<]*</h1>", page)  # the heading counts every dossier, not the page's
    assert len(codes(page)) == PER_PAGE and first in page
    following = re.search(r'<a rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "page=2" in following and "figure=within_time" in following and 'rel="prev"' not in page
    rest = leader.text(following)
    assert second in rest and len(codes(rest)) == total - PER_PAGE and 'rel="next"' not in rest
    assert set(codes(page)).isdisjoint(codes(rest))  # oldest first, each dossier once
    previous = re.search(r'<a rel="prev" href="([^"]+)"', rest).group(1).replace("&amp;", "&")
    assert codes(leader.text(previous)) == codes(page)


@pytest.mark.parametrize("language, said", [("vi", "Không có trang 9: danh sách có 2 trang."),
                                            ("en", "There is no page 9: the list has 2 pages.")])
def test_a_page_past_the_end_says_so_and_garbage_is_the_first_page(browser, many, language, said):
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    past = leader.text(WITHIN + "&page=9")
    assert said in past and codes(past) == []
    # Only the notice: no empty table saying there are no dossiers, when there are 64.
    assert "<table" not in past and "Không có hồ sơ." not in past and "No dossiers." not in past
    assert re.search(r'href="[^"]*page=2[^"]*"', past)  # a way back: the last page
    for garbage in ("abc", "-1", "0", "1.5", "99999999999999", "２"):
        response = leader.get(f"{WITHIN}&page={garbage}")
        assert response.status_code == 200, garbage
    assert len(codes(leader.text(WITHIN + "&page=abc"))) == PER_PAGE


@pytest.fixture
def many_escalations(demo, frozen_clock):
    """More dossiers that will be late than a page holds, each flagged once (as the sweep flags them)."""
    from engine.models import Escalation
    frozen_clock.current = at(25, 9)
    with demo.motcua.uow() as uow:
        s = uow.session
        version = s.scalar(select(func.max(ProcedureVersion.id)).join(Procedure)
                           .where(Procedure.key == "dang_ky_ket_hon"))
        for n in range(EXTRA):
            dossier = Dossier(code=f"E{n:02d}", agency_id=demo.commune, procedure_version_id=version, status=4,
                              channel=1, applicant_name=f"Người nộp E{n:02d}", received_at=at(2),
                              original_due_at=at(26, 8, n), due_at=at(26, 8, n), supplement_count=0,
                              workflow_state="", serializer_version="")
            s.add(dossier)
            s.flush()
            s.add(Escalation(dedupe_key=f"test-{dossier.id}", level="will_be_late", dossier_id=dossier.id,
                             agency_id=demo.commune, due_at=dossier.due_at, created_at=at(25, 8)))
        uow.commit()


@pytest.mark.parametrize("language, first, second, count", [("vi", "Trang 1/2", "Trang 2/2", "60 cảnh báo đang mở"),
                                                             ("en", "Page 1 of 2", "Page 2 of 2", "60 open escalations")])
def test_the_escalations_come_a_page_at_a_time(browser, many_escalations, language, first, second, count):
    supervisor = browser("giamsat")
    supervisor.post("/language", {"locale": language})
    page = supervisor.text("/supervise")
    assert count in page and first in page and len(codes(page)) == PER_PAGE
    assert codes(page) == [f"E{n:02d}" for n in range(PER_PAGE)]  # the earliest due first
    following = re.search(r'<a rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    rest = supervisor.text(following)
    assert second in rest and codes(rest) == [f"E{n:02d}" for n in range(PER_PAGE, EXTRA)]
    assert 'rel="prev"' in rest and 'rel="next"' not in rest
    past = supervisor.text("/supervise?page=9")
    assert "E00" not in past and "<table" not in past and 'rel="prev"' not in past
    assert re.search(r'href="/supervise\?page=2"', past)  # the notice links to the last page
    assert supervisor.get("/supervise?page=x").status_code == 200


@pytest.mark.parametrize("language, said", [("vi", "Không có trang 9: danh sách có 1 trang."),
                                            ("en", "There is no page 9: the list has 1 page.")])
def test_a_list_of_one_page_is_counted_in_the_singular(browser, demo, language, said):
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    assert said in leader.text(WITHIN + "&page=9")


def test_the_escalations_order_is_the_same_on_a_page_and_across_pages(browser, demo, frozen_clock):
    """Two dossiers due on a Saturday, outside office hours, are equally late in working time on
    Monday. The page re-sorted its rows by that lateness, then newest flagged first, so it showed
    the one due at 11:00 before the one due at 10:00, while the pages were cut earliest due first."""
    from engine.models import Escalation
    frozen_clock.current = at(30, 10)  # Monday 10:00
    with demo.motcua.uow() as uow:
        s = uow.session
        version = s.scalar(select(func.max(ProcedureVersion.id)).join(Procedure)
                           .where(Procedure.key == "dang_ky_ket_hon"))
        for code, due, flagged in (("S10", at(28, 10), at(27, 9)), ("S11", at(28, 11), at(27, 10))):
            dossier = Dossier(code=code, agency_id=demo.commune, procedure_version_id=version, status=4, channel=1,
                              applicant_name=f"Người nộp {code}", received_at=at(2), original_due_at=due, due_at=due,
                              supplement_count=0, workflow_state="", serializer_version="")
            s.add(dossier)
            s.flush()
            s.add(Escalation(dedupe_key=f"test-{code}", level="will_be_late", dossier_id=dossier.id,
                             agency_id=demo.commune, due_at=due, created_at=flagged))
        uow.commit()
    page = browser("giamsat").text("/supervise")
    assert codes(page) == ["S10", "S11"]
