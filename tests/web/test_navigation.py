"""Officers reach their pages by links, not by typing addresses."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine import commands
from engine.commands.reception import Applicant
from engine.models import Dossier
from tests.page_text import table_rows
from tests.web.conftest import open_item
from tests.web.test_tasks import statements_sent


def test_reception_officers_see_the_reception_link_and_others_do_not(browser):
    reception = browser("tiepnhan").text("/inbox")
    assert re.search(r'href="/reception/new"[^>]*>Tiếp nhận hồ sơ<', reception)
    assert 'href="/reception/new"' not in browser("chuyenvien").text("/inbox")


def test_the_counters_page_is_named_as_an_action_in_english_and_the_history_keeps_the_event(browser, demo,
                                                                                          receive_dossier):
    """'Tiếp nhận hồ sơ' is both the counter's page and an event of a dossier's history. In English
    the menu and the heading of the page where the officer receives a dossier read 'Dossier received'
    (a status); the page is now 'Receive a dossier', the history's line stays 'Dossier received'."""
    code, _item = receive_dossier()
    with demo.motcua.read_session() as s:
        dossier_id = s.scalar(select(Dossier.id).where(Dossier.code == code))
    b = browser("tiepnhan")
    b.post("/language", {"locale": "en"})
    page = b.text("/reception/new")
    assert re.search(r'href="/reception/new"[^>]*>Receive a dossier<', page)
    assert "<title>Receive a dossier" in page and re.search(r"<h1>Receive a dossier</h1>", page)
    assert "Dossier received" not in page
    assert "Dossier received" in b.text(f"/dossiers/{dossier_id}")
    b.post("/language", {"locale": "vi"})
    assert re.search(r"<h1>Tiếp nhận hồ sơ</h1>", b.text("/reception/new"))


def test_the_header_offers_each_officer_the_links_of_their_roles_from_one_read(browser, app):
    """Supervision, statistics, procedures and the unread count come from one read of the officer's
    roles and notifications per page, however many parts of the header ask."""
    links = ("/supervise", "/statistics", "/procedures", "/reception/new")
    offered = {}
    for username in ("giamsat", "thietke", "tiepnhan", "chuyenvien"):
        page = browser(username)
        page.text("/notifications")
        with statements_sent(app.extensions["motcua"].db) as seen:
            header = page.text("/notifications").split("</header>")[0]
        offered[username] = {path for path in links if f'href="{path}"' in header}
        assert sum("FROM memberships" in statement for statement in seen) == 1, seen
    assert offered == {"giamsat": {"/supervise", "/statistics"}, "thietke": {"/procedures"},
                       "tiepnhan": {"/reception/new"}, "chuyenvien": set()}
    # The procedures pages' own check (modellers only) uses the same read; the other is the
    # procedure list's own permission check, in the engine.
    modeller = browser("thietke")
    with statements_sent(app.extensions["motcua"].db) as seen:
        assert "Soạn thủ tục mới" in modeller.text("/procedures")
    assert sum("FROM memberships" in statement for statement in seen) == 2, seen


def test_the_inbox_shows_the_work_of_the_units_the_header_read(demo, browser, app):
    """The header's read of the officer's roles also decides whose work the inbox lists and counts:
    one read of the memberships per inbox page, and still only the officer's own units' work."""
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    specialist, police = browser("chuyenvien"), browser("congan")
    specialist.text("/inbox")
    with statements_sent(app.extensions["motcua"].db) as seen:
        queue = specialist.text("/inbox?tab=unclaimed")
    assert sum("FROM memberships" in statement for statement in seen) == 1, seen
    assert dossier.code in queue
    assert dossier.code not in police.text("/inbox?tab=unclaimed")


def test_the_task_page_links_to_its_dossier(demo, browser):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    page = browser("chuyenvien").text(f"/tasks/{open_item(demo, dossier.id)}")
    assert re.search(rf'href="/dossiers/{dossier.id}"[^>]*>Xem hồ sơ<', page)


def test_the_task_page_shows_the_documents_received(demo, browser):
    from engine.documents import ReceivedDocument
    dossier = commands.receive(
        demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune, procedure_key="dang_ky_ket_hon",
        applicant=Applicant(name="Nguyễn Văn An"),
        documents=[ReceivedDocument(name="Tờ khai đăng ký kết hôn", kind="original", count=1)])
    page = browser("chuyenvien").text(f"/tasks/{open_item(demo, dossier.id)}")
    assert "<h2 id=\"documents-title\">Thành phần hồ sơ</h2>" in page
    assert table_rows(page, "documents-title") == [["1", "Tờ khai đăng ký kết hôn", "Bản chính", "1"]]


def test_actions_and_pages_are_not_named_as_statuses_or_roles_in_english(browser, demo, receive_dossier):
    """A Vietnamese word can be a status, a role, or what a button does: "Dừng xử lý" is the
    status "Processing stopped" and the button "Stop processing"; "Giám sát" is the role
    "Supervisor" and the page "Supervision"; "Tiếp nhận" on a procedure's page heads whether it
    takes new dossiers."""
    code, _item = receive_dossier()
    with demo.motcua.read_session() as s:
        dossier_id = s.scalar(select(Dossier.id).where(Dossier.code == code))
    leader = browser("giamsat")
    leader.post("/language", {"locale": "en"})
    page = leader.text(f"/dossiers/{dossier_id}")
    assert re.search(rf'href="/dossiers/{dossier_id}/stop"[^>]*>Stop processing<', page)
    assert re.search(r'<button class="primary" type="submit">Stop processing</button>',
                     leader.text(f"/dossiers/{dossier_id}/stop"))
    assert re.search(r'href="/supervise"[^>]*>Supervision<', page)
    leader.post("/language", {"locale": "vi"})
    vietnamese = leader.text(f"/dossiers/{dossier_id}")
    assert re.search(rf'href="/dossiers/{dossier_id}/stop"[^>]*>Dừng xử lý<', vietnamese)
    assert re.search(r'href="/supervise"[^>]*>Giám sát<', vietnamese)
    modeller = browser("thietke")
    modeller.post("/language", {"locale": "en"})
    procedure = modeller.text("/procedures/dang_ky_ket_hon")
    assert "<h2>Taking new dossiers</h2>" in procedure and "<h2>Received</h2>" not in procedure
