"""One label per concept across pages (issue 12, point 6): a dossier's code, applicant, ID number,
procedure, status, dates and channel carry the same words on every page that shows them, for the
officers, the citizen and the public, on screen and on the printed forms, in Vietnamese and in
English (webapp/labels.py).

The test does not trust a list of synonyms: it renders the pages with a dossier whose values are
known and finds where each value is shown with a label (a term and its description, a table's
column heading, "Label: value" on a form). The words beside a known value must be its concept's
label, or the label of a concept that may share the value (a step that started when the dossier
was received)."""
from __future__ import annotations

import re

import lxml.html
import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from engine.commands import receive
from engine.commands.reception import Applicant, accept
from engine.documents import ReceivedDocument
from engine.statuses import Channel
from tests.conftest import VN
from tests.web.conftest import Browser, open_item
from tests.web.test_citizen_online_submission import app, citizen, submit_complete  # noqa: F401
from tests.web.test_citizen_dossier_page import dossier_of
from webapp.labels import LABELS

APPLICANT = Applicant(name="Lê Thị Hạnh Dung", id_number="001190012345", address="Số 5 đường Hoa Sữa, thôn Đông",
                      phone="0987654321", email="hanh.dung@example.vn")
# Concepts whose value another concept may show too: the step that began at reception, the step due
# on the day the result is due, the history row written when the dossier was received.
SHARED = {
    "received_at": {"at", "step_started", "step_finished", "handed_over_at", "submitted_at"},
    "due_at": {"original_due_at", "step_due"},
}
# Form 01 (the receipt) is the state's form: its own words stand where it names these values.
FORM_01 = {"applicant": "Tiếp nhận hồ sơ của", "procedure": "Nội dung yêu cầu giải quyết",
           "due_at": "Thời gian trả kết quả giải quyết hồ sơ", "email": "Email"}


def words(node) -> str:
    for br in node.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return node.text_content()


def flat(text: str) -> str:
    return " ".join(text.split())


def labelled_values(html: str):
    """(label, value) for every value the page shows with a label."""
    doc = lxml.html.fromstring(html)
    for bad in doc.xpath("//script|//style|//nav|//select|//template"):
        bad.drop_tree()
    for dl in doc.iter("dl"):
        term = None
        for child in dl:
            if child.tag == "dt":
                term = flat(words(child))
            elif child.tag == "dd" and term:
                yield term, words(child)
    for table in doc.iter("table"):
        heads = table.xpath("./thead/tr")
        if len(heads) != 1:
            continue
        columns = []
        for cell in heads[0]:
            columns += [flat(words(cell))] * int(cell.get("colspan", "1"))
        for row in table.xpath("./tbody/tr"):
            cells = [c for c in row if c.tag in ("th", "td")]
            if len(cells) == len(columns):
                # A column names its cells' first line; a line below it (the applicant under the
                # code in the inbox) is a reminder, not the column's value.
                yield from ((column, words(cell).strip().split("\n")[0]) for column, cell in zip(columns, cells))
    for node in doc.xpath("//p|//li|//span"):
        if node.xpath(".//p|.//li|.//table|.//dl"):
            continue
        for part in flat(words(node)).split(" · "):
            label, colon, value = part.partition(": ")
            if colon and 0 < len(label) <= 60:
                yield label, value


def parts(value: str) -> set[str]:
    """The pieces of a value as a reader separates them: lines, "·", brackets."""
    return {flat(p) for p in re.split(r"[\n·()]", value) if flat(p)}


def check(pages: dict[str, str], facts: dict[str, str], language: str, app) -> dict[str, set[str]]:
    """Each labelled value that is one of ``facts`` has its concept's label; returns where each
    concept was seen, so the test can tell it looked."""
    with app.test_request_context(), force_locale(language):
        label = {concept: str(text) for concept, text in LABELS.items()}
        form_01 = {concept: _(text) for concept, text in FORM_01.items()}
    seen: dict[str, set[str]] = {}
    wrong = []
    for page, html in pages.items():
        for shown, value in labelled_values(html):
            pieces = parts(value)
            for concept, fact in facts.items():
                if fact not in pieces:
                    continue
                allowed = {label[concept]} | {label[c] for c in SHARED.get(concept, ())}
                if page == "receipt" and concept in form_01:
                    allowed.add(form_01[concept])
                if shown in allowed or shown.startswith(label[concept] + " "):
                    seen.setdefault(concept, set()).add(page)
                else:
                    wrong.append(f"{page}: {fact!r} ({concept}) labelled {shown!r}, not {label[concept]!r}")
    assert not wrong, "\n".join(wrong)
    return seen


@pytest.fixture
def counter_dossier(demo):
    dossier = receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                      procedure_key="dang_ky_ket_hon", applicant=APPLICANT, channel=Channel.COUNTER,
                      documents=[ReceivedDocument(name="Tờ khai đăng ký kết hôn", kind="original", count=1)])
    return dossier


def officer(app, username: str, language: str) -> Browser:
    b = Browser(app)
    assert b.login(username).status_code == 302
    b.post("/language", {"locale": language})
    return b


def dossier_facts(d, status_words: str) -> dict[str, str]:
    return {
        "dossier_code": d.code, "applicant": d.applicant_name, "procedure": "Đăng ký kết hôn",
        "received_at": d.received_at.astimezone(VN).strftime("%d/%m/%Y %H:%M"),
        "due_at": d.due_at.astimezone(VN).strftime("%d/%m/%Y %H:%M"), "status": status_words,
    }


@pytest.mark.parametrize("language", ["vi", "en"])
def test_officers_and_the_public_see_one_label_per_concept(app, demo, counter_dossier, language):  # noqa: F811
    d = counter_dossier
    item = open_item(demo, d.id)
    reception, specialist, leader = (officer(app, u, language) for u in ("tiepnhan", "chuyenvien", "giamsat"))
    public = Browser(app)
    public.post("/language", {"locale": language})
    pages = {
        "dossier": reception.text(f"/dossiers/{d.id}"),
        "dossier list": reception.text(f"/dossiers?q={d.code}"),
        "lookup by ID": reception.text(f"/reception/lookup?id_number={APPLICANT.id_number}"),
        "receipt": reception.text(f"/dossiers/{d.id}/receipt"),
        "control slip": reception.text(f"/dossiers/{d.id}/control-slip"),
        "inbox": specialist.text("/inbox?tab=unclaimed"),
        "task": specialist.text(f"/tasks/{item}"),
        "statistics' dossiers": leader.text("/statistics/dossiers?figure=received&period=month&year=2026&month=11"),
        "public tracking": public.post("/tra-cuu", {"code": d.code, "second_factor": APPLICANT.id_number})
                                 .get_data(as_text=True),
    }
    status = "Received" if language == "en" else "Được tiếp nhận"
    facts = dossier_facts(d, status) | {
        "id_number": APPLICANT.id_number, "phone": APPLICANT.phone, "email": APPLICANT.email,
        "address": APPLICANT.address, "channel": "At the counter" if language == "en" else "Trực tiếp"}
    seen = check(pages, facts, language, app)
    # It looked: every concept was found labelled on the pages that show it.
    assert {"dossier list", "inbox", "control slip", "receipt", "statistics' dossiers", "public tracking",
            "lookup by ID"} <= seen["dossier_code"]  # the dossier and task pages have it in their title
    assert {"dossier", "task", "control slip", "dossier list", "lookup by ID"} <= seen["received_at"]
    assert {"dossier", "task", "public tracking", "control slip", "receipt"} <= seen["due_at"]
    assert {"dossier", "task", "receipt"} <= seen["id_number"] and {"dossier", "task", "receipt"} <= seen["phone"]
    assert {"dossier", "task", "dossier list", "control slip"} <= seen["applicant"]
    assert {"dossier", "receipt"} <= seen["channel"] and {"dossier", "dossier list", "public tracking"} <= seen["status"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_citizen_sees_the_labels_the_officers_see(citizen, demo, app, language):  # noqa: F811
    b = citizen(name="Trần Thị Mận")
    submit_complete(b)
    d = dossier_of(demo)
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=d.id)
    d = dossier_of(demo)
    b.post("/language", {"locale": language})
    pages = {"citizen's dossier": b.text(f"/cong-dan/ho-so/{d.id}"), "citizen's page": b.text("/cong-dan"),
             "dossier": officer(app, "tiepnhan", language).text(f"/dossiers/{d.id}")}
    facts = dossier_facts(d, "Received" if language == "en" else "Được tiếp nhận")
    del facts["applicant"]  # her page names her account "Họ và tên", a person, not a dossier's applicant
    seen = check(pages, facts, language, app)
    assert {"citizen's dossier", "dossier"} <= seen["due_at"] and {"citizen's dossier", "dossier"} <= seen["status"]


# The words pages used for these concepts before webapp/labels.py; no page may label anything so.
FORMER = {"Số hồ sơ", "Ngày nhận", "Số giấy tờ tùy thân", "Điện thoại", "Trạng thái hồ sơ", "Kênh nộp", "Hạn xử lý",
          "Hẹn trả", "Hạn giải quyết"}


def test_no_page_keeps_the_words_the_labels_replaced(app, demo, counter_dossier):
    reception = officer(app, "tiepnhan", "vi")
    d = counter_dossier
    for url in (f"/dossiers/{d.id}", "/dossiers", "/inbox?tab=unclaimed", f"/tasks/{open_item(demo, d.id)}",
                f"/dossiers/{d.id}/receipt", f"/dossiers/{d.id}/control-slip"):
        shown = {label for label, _value in labelled_values(reception.get(url).get_data(as_text=True))}
        doc = lxml.html.fromstring(reception.get(url).get_data(as_text=True))
        shown |= {flat(words(n)) for n in doc.xpath("//th|//dt|//label|//legend")}
        assert not shown & FORMER, (url, shown & FORMER)
