"""Walking every page as each role (issue 12, points 5 and 6; docs/DESIGN.md, "Every page walked").

``seed_world(demo)`` puts the demo in the states whose pages differ: dossiers at the counter, in
appraisal, waiting for the leader, returned, refused, waiting for the citizen's fee, newly
registered online, handed to the tax authority with the hand-off given up; mail and a text
message given up. ``WALKERS`` names one user per role; ``walk(get, role, world)`` starts from the
role's pages, follows the links it finds (same origin, plain GET, bounded) and visits each kind of
page once (``/dossiers/3`` and ``/dossiers/7`` are one kind), plus the pages the role reaches only
through ``world`` (one dossier per state, one task per form) or a failed form.

The same walk feeds the text check (Flask's test client, tests/web/test_every_page.py) and the
width check (Chromium, tests/browser/test_every_page_width.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import lxml.html
from sqlalchemy import select

from engine import clock, commands
from engine.commands.reception import Applicant, Decision, Outcome, WalkIn, decide
from engine.demo import DEMO_CITIZEN_EMAIL
from engine.models import Citizen, Dossier, OutgoingMail, OutgoingSms, PartnerOutbox, WorkItem
from tests.test_land_transfer import CHECK as LAND_CHECK
from tests.test_reference_procedure import APPRAISAL

# One user per role; the citizen signs in with the demo citizen's session, the public with none.
WALKERS = {
    "reception": "tiepnhan",
    "specialist": "chuyenvien",
    "leader": "lanhdao",
    "supervisor": "giamsat",
    "admin": "admin",
    "modeller": "thietke",
    "partner_agency": "diachinh",  # the land registration branch, which hands off to the tax authority
    "citizen": None,
    "public": None,
}
STARTS = {
    "citizen": ["/", "/cong-dan", "/thu-tuc"],
    "public": ["/", "/login", "/tra-cuu", "/thong-ke", "/dang-nhap", "/khong-co-trang-nay"],
}
OFFICER_STARTS = ["/inbox", "/dossiers", "/notifications", "/account/", "/khong-co-trang-nay"]
# Not pages, or not for reading: downloads, exports, the editor's JSON, operators' endpoints.
NOT_A_PAGE = re.compile(
    r"^/(logout|language|dang-xuat|vendor/|static/|metrics|healthz|readyz|thanh-toan/ipn|api/)"
    r"|\.(csv|xlsx|pdf|json|png|svg|bpmn|xml|p12|pem)$|/export|/tep/|/files/|/download|/tai-ve|/source")
PAGE_LIMIT = 90  # kinds of page per role: far more than any role has, so a loop cannot run away


# Pages no link leads to (a form for one procedure, a page refused to this role, a tracking
# answer), by role.
UNLINKED = {
    "reception": ["/reception/new?procedure_key=dang_ky_ket_hon", "/reception/new?procedure_key=dang_ky_ho_kinh_doanh"],
    "specialist": ["/admin/"],  # refused: the page that says so
    "leader": ["/statistics/units"],
    "supervisor": ["/statistics/units"],
    "admin": ["/statistics/units"],
}


@dataclass
class World:
    """The seeded dossiers whose pages each role reaches only by address (one per state)."""
    dossiers: dict[str, int] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    citizen_id: int = 0
    citizen_dossiers: list[int] = field(default_factory=list)

    def pages(self, role: str, open_items: dict[str, list[int]]) -> list[str]:
        """One page per dossier state and one task page per form this role may open."""
        tracked = [f"/tra-cuu?ma={self.codes[name]}" for name in ("appraisal", "handed_off", "returned")]
        if role == "public":
            return tracked
        if role == "citizen":
            return tracked + [f"/cong-dan/ho-so/{d}" for d in self.citizen_dossiers]
        # The land registration branch's officer sees its own dossier; the commune's, the others.
        own = [d for name, d in self.dossiers.items() if (name == "handed_off") == (role == "partner_agency")]
        dossiers = [] if role == "admin" else [f"/dossiers/{d}" for d in own]
        return UNLINKED.get(role, []) + dossiers + [f"/tasks/{i}" for i in open_items.get(role, [])]


# What a failed delivery leaves in last_error: the raw text of the exception, for operators' logs.
RAW_ERROR = "URLError: <urlopen error [Errno 111] Connection refused>"


def seed_world(demo) -> World:
    m, users = demo.motcua, demo.users
    world = World()

    def step(dossier_id, username, data, step_id=None):
        with m.read_session() as s:
            query = select(WorkItem.id).where(WorkItem.dossier_id == dossier_id, WorkItem.state == "open")
            item = s.scalar(query.where(WorkItem.step_id == step_id) if step_id else query)
        commands.claim(m.uow(), actor_id=users[username], work_item_id=item)
        commands.complete(m.uow(), actor_id=users[username], work_item_id=item, data=data)

    def marriage(name):
        return commands.receive(m.uow(), actor_id=users["tiepnhan"], agency_id=demo.commune,
                                procedure_key="dang_ky_ket_hon",
                                applicant=Applicant(name=name, id_number="001090012345", phone="0912345678",
                                                    address="Thôn Đông, xã Tân Phong")).id

    world.dossiers["appraisal"] = marriage("Nguyễn Văn An")
    world.dossiers["approval"] = approval = marriage("Lê Văn Bình")
    step(approval, "chuyenvien", APPRAISAL)
    world.dossiers["returned"] = returned = marriage("Trần Thị Cúc")
    step(returned, "chuyenvien", APPRAISAL)
    step(returned, "lanhdao", {"decision": "approve", "leader_opinion": "Đồng ý."})
    step(returned, "chuyenvien", {"register_book": "01/2026", "register_number": 125, "registered_on": "2026-11-23"})
    world.dossiers["result_ready"] = ready = marriage("Phạm Văn Dũng")
    step(ready, "chuyenvien", APPRAISAL)
    step(ready, "lanhdao", {"decision": "approve", "leader_opinion": "Đồng ý."})
    step(ready, "chuyenvien", {"register_book": "01/2026", "register_number": 126, "registered_on": "2026-11-23"})
    step(returned, "tiepnhan", {"returned_to": "Trần Thị Cúc", "return_method": "counter"})
    world.dossiers["refused"] = decide(
        m.uow(), actor_id=users["tiepnhan"],
        walk_in=WalkIn(demo.commune, "dang_ky_ket_hon", Applicant(name="Đỗ Văn Em")),
        decision=Decision(Outcome.REFUSE, note="Không thuộc thẩm quyền giải quyết của xã.")).dossier.id
    world.dossiers["handed_off"] = land = commands.receive(
        m.uow(), actor_id=users["motcuadatdai"], agency_id=demo.agencies["land_registration_office"],
        procedure_key="dang_ky_bien_dong_dat",
        applicant=Applicant(name="Trương Thị Ngọc", id_number="001090000456")).id
    step(land, "diachinh", LAND_CHECK)
    _citizen_dossiers(demo, world)
    _give_up_deliveries(demo, land)
    with m.read_session() as s:
        world.codes = {name: s.get(Dossier, d).code for name, d in world.dossiers.items()}
    return world


def _citizen_dossiers(demo, world: World) -> None:
    """The demo citizen's dossiers as `motcua demo` makes them, without the signed result (its key
    pair is slow to make and the result's pages are walked by tests/web/test_citizen_result.py)."""
    from engine.demo_citizen import HOUSEHOLD, MARRIAGE, MARRIAGE_FORM, SHOPS, _Officers, _Submitter
    m = demo.motcua
    with m.read_session() as s:
        world.citizen_id = s.scalar(select(Citizen.id).where(Citizen.email == DEMO_CITIZEN_EMAIL))
    submitter = _Submitter(m, world.citizen_id)
    waiting = submitter.dossier(HOUSEHOLD, SHOPS[1])
    _Officers(m).process_to_fee(waiting, SHOPS[1])
    registered = submitter.dossier(MARRIAGE, MARRIAGE_FORM)
    world.dossiers["fee_due"], world.dossiers["registered"] = waiting, registered
    world.citizen_dossiers = [waiting, registered]


def _give_up_deliveries(demo, land_dossier: int) -> None:
    """The hand-off to the tax authority, a mail and a text message, each given up after its
    retries, with the raw error the delivery recorded."""
    now = clock.now()
    with demo.motcua.uow() as uow:
        for row in uow.session.scalars(select(PartnerOutbox).where(PartnerOutbox.dossier_id == land_dossier)):
            row.attempts, row.next_attempt_at, row.dead_at, row.last_error = 8, None, now, RAW_ERROR
        uow.session.add_all([
            OutgoingMail(dedupe_key="walk-mail", to_address="an@example.vn", subject="Hồ sơ đã được tiếp nhận",
                         body="…", created_at=now - timedelta(hours=2), next_attempt_at=None, attempts=8,
                         failed_at=now, last_error=RAW_ERROR),
            OutgoingSms(dedupe_key="walk-sms", to_number="0912345678", body="Hồ sơ của ông/bà đã được tiếp nhận",
                        created_at=now, next_attempt_at=None, attempts=8, last_error=RAW_ERROR),
        ])
        uow.commit()


def open_items_by_role(demo) -> dict[str, list[int]]:
    """One open work item per step for each role's walker (one task page per form)."""
    from engine.models import Membership
    m = demo.motcua
    found: dict[str, list[int]] = {}
    with m.read_session() as s:
        items = s.execute(select(WorkItem.id, WorkItem.step_id, WorkItem.role, WorkItem.agency_id)
                          .where(WorkItem.state == "open").order_by(WorkItem.id)).all()
        memberships = s.execute(select(Membership.user_id, Membership.agency_id, Membership.role)).all()
    for role, username in WALKERS.items():
        if not username or username == "admin":
            continue
        held = {(a, r) for u, a, r in memberships if u == demo.users[username]}
        steps = {}
        for item_id, step_id, item_role, agency in items:
            if (agency, item_role) in held:
                steps.setdefault(step_id, item_id)
        found[role] = list(steps.values())
    return found


# Query parameters that make another page of the same route (an inbox tab, a statistics view);
# other values (a figure, an agency, a page number) show the same page with other rows.
DISTINCT_QUERY = {"tab", "view", "unread"}


def kinds_of(app):
    """``kind(url)``: the route that serves the url (``dossiers.show`` for /dossiers/3 and
    /dossiers/7), with the names of its query parameters and the values of DISTINCT_QUERY."""
    adapter = app.url_map.bind("localhost")

    def kind(url: str) -> str:
        parts = urlsplit(url)
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except Exception:  # not found, or a redirect to the path with its slash: the path is the kind
            endpoint = parts.path
        query = sorted((k, v if k in DISTINCT_QUERY else "") for k, v in parse_qsl(parts.query, keep_blank_values=True))
        return endpoint + ("?" + urlencode(query) if query else "")
    return kind


def links(html: str) -> list[str]:
    """The same-origin GET links of a page, as paths with their query."""
    try:
        root = lxml.html.document_fromstring(html)
    except Exception:  # an empty body (a redirect with no page) has no links
        return []
    found = []
    for href in root.xpath("//a/@href"):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path or href.startswith("#"):
            continue
        path = parts.path if parts.path.startswith("/") else None
        if path is None or NOT_A_PAGE.search(path) or parts.path.startswith("/xac-minh/"):
            continue
        found.append(path + ("?" + parts.query if parts.query else ""))
    return found


def walk(get, kind_of, starts: list[str], extra: list[str], limit: int = PAGE_LIMIT):
    """Visit ``starts`` and what they link to, one page per kind (``kind_of``, from kinds_of), then
    every page of ``extra``. ``get(url)`` returns (status, html); yields (url, status, html)."""
    seen_kinds, queue, visited = set(), list(starts), 0
    while queue and visited < limit:
        url = queue.pop(0)
        kind = kind_of(url)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        status, html = get(url)
        visited += 1
        yield url, status, html
        queue.extend(link for link in links(html) if kind_of(link) not in seen_kinds)
    for url in extra:
        status, html = get(url)
        yield url, status, html


def starts_of(role: str) -> list[str]:
    return STARTS.get(role, OFFICER_STARTS + (["/admin/"] if role == "admin" else []))
