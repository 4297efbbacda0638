"""A partner agency's own motcua (``motcua demo --as thue`` / ``--as bhxh``): its procedures have
catalogue entries, so its officers' English pages name the procedure, its steps and its diagram in
English; a procedure that only a partner's message opens is not offered to citizens (not in their
catalogue, refused online); and each partner demo has a supervisor who sees the supervision pages
(escalations, failed messages) and the statistics."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import clock
from engine.commands.online import save_draft, submit
from engine.demo import PARTNER_DEMOS
from engine.errors import InvalidState
from engine.models import Citizen, Dossier, OnlineApplication, PartnerOutbox, Procedure
from engine.procedures import catalogue
from engine.queries.catalogue import public_procedure, public_procedures
from tests.conftest import BPMN_DIR
from tests.partner_instances import Instance, _partner_template, partner_database_url  # noqa: F401 (fixtures)
from tests.test_land_transfer import CHECK, NOTICE, at, branch_and_tax, receive  # noqa: F401 (fixture)
from tests.web.conftest import Browser

CATALOGUE_DIR = BPMN_DIR.parent / "catalogue"
TAX = "thue_nghia_vu_tai_chinh"
TAX_NAME = ("Xác định nghĩa vụ tài chính khi chuyển nhượng quyền sử dụng đất",
            "Assessment of the financial obligations on a land use right transfer")
TAX_STEP = ("Xác định nghĩa vụ tài chính, ban hành thông báo", "Assess the financial obligations and issue the notice")
CARD = "bhxh_cap_the_bhyt"
CARD_NAME = "Cấp thẻ BHYT cho trẻ em dưới 6 tuổi (liên thông với UBND cấp xã)"
VIETNAMESE = re.compile(r"[À-ỹĐđ]")


def signed_in(instance, username: str, locale: str = "en") -> Browser:
    browser = Browser(instance.app)
    assert browser.login(username).status_code == 302
    browser.post("/language", {"locale": locale})
    return browser


def drawing(html: str) -> str:
    """The words of the dossier's drawn diagram."""
    svg = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram".*?</svg>', html, re.S).group(0)
    return " ".join(re.findall(r">([^<>]+)<", svg))


@pytest.fixture
def opened_at_tax(branch_and_tax, frozen_clock):
    """The branch checks a land transfer and hands it to the tax authority's own motcua, where it
    opens a dossier: (branch, tax, the tax dossier's id, its open work item's id)."""
    branch, tax = branch_and_tax
    receive(branch)
    frozen_clock.current = at(11, 23, 14)
    branch.do_step("diachinh", "check_dossier", CHECK)
    branch.tick()
    [(dossier_id, step, item_id)] = tax.open_items()
    assert step == "issue_notice"
    return branch, tax, dossier_id, item_id


def test_the_tax_officers_english_pages_name_the_procedure_its_step_and_its_diagram_in_english(opened_at_tax):
    _branch, tax, dossier_id, item_id = opened_at_tax
    officer = signed_in(tax, "thue")
    inbox = officer.text("/inbox?tab=unclaimed")
    assert re.search(rf">{TAX_NAME[1]}</td>\s*<td[^>]*>{TAX_STEP[1]}</td>", inbox), inbox
    page = officer.text(f"/dossiers/{dossier_id}")
    assert TAX_NAME[1] in page and TAX_STEP[1] in page
    drawn = drawing(page)
    for english in ("Local tax office", "Land registration office", "Information received from the land "
                    "registration office", "Estimate the tax and the fee", TAX_STEP[1],
                    "Information slip for assessing financial obligations"):
        assert english in drawn, english
    assert not VIETNAMESE.search(drawn), drawn  # nothing of the diagram is left in Vietnamese
    task = officer.text(f"/tasks/{item_id}")
    for shown in (inbox, page, task):
        assert TAX_NAME[0] not in shown and TAX_STEP[0] not in shown
        assert "Tính dự kiến thuế" not in shown and "Nhận thông tin từ Văn phòng" not in shown
    # A Vietnamese page keeps the diagram's names.
    officer.post("/language", {"locale": "vi"})
    page = officer.text(f"/dossiers/{dossier_id}")
    assert TAX_NAME[0] in page and TAX_STEP[0] in page and TAX_NAME[1] not in page


def test_the_tax_supervisor_sees_the_failed_notice_and_the_statistics(opened_at_tax, frozen_clock):
    branch, tax, dossier_id, _item_id = opened_at_tax
    code = tax.read(lambda s: s.get(Dossier, dossier_id).code)
    frozen_clock.current = at(11, 25, 10)
    tax.do_step("thue", "issue_notice", NOTICE)
    branch.stop()  # the branch's system is down: the notice cannot be delivered
    for _attempt in range(12):
        tax.tick()
        frozen_clock.current += timedelta(days=2)
    assert tax.read(lambda s: [r.dead_at is not None for r in s.scalars(select(PartnerOutbox))]) == [True]

    supervisor = signed_in(tax, "giamsatthue")
    assert 'href="/supervise"' in supervisor.text("/inbox")
    page = supervisor.text("/supervise")
    assert "<h2 id=\"dead-title\">Failed messages</h2>" in page
    assert code in page
    statistics = supervisor.text("/statistics?period=month&year=2026&month=11")
    office = PARTNER_DEMOS["thue"].agency[1]
    assert re.search(rf'<th scope="row">{office}</th>\s*<td[^>]*><a [^>]*>1</a>', statistics), statistics

@pytest.fixture
def social_insurance(database_url):
    instance = Instance("BHXH", database_url)
    instance.load_demo("bhxh")
    yield instance
    instance.stop()
    instance.motcua.dispose()


def test_the_social_insurance_demo_has_a_supervisor_who_opens_the_supervision_pages(social_insurance):
    supervisor = signed_in(social_insurance, "giamsatbhxh", locale="vi")
    assert 'href="/supervise"' in supervisor.text("/inbox")
    assert "<h1>Giám sát hồ sơ</h1>" in supervisor.text("/supervise")
    assert supervisor.get("/statistics").status_code == 200
    # Every partner demo has one, with the supervisor's role at its own agency.
    for which, partner in PARTNER_DEMOS.items():
        assert (f"giamsat{which}", "supervisor") in [(u, role) for u, _name, role in partner.users]


def test_a_procedure_only_a_partners_message_opens_is_not_in_the_citizens_catalogue(social_insurance):
    visitor = Browser(social_insurance.app)
    for url in ("/", "/thu-tuc", "/thu-tuc?q=BHYT"):
        assert CARD_NAME not in visitor.text(url) and "Cấp thẻ BHYT" not in visitor.text(url)
    assert visitor.get(f"/thu-tuc/{CARD}").status_code == 404
    offered = social_insurance.read(lambda s: (public_procedures(s, CATALOGUE_DIR),
                                               public_procedure(s, CATALOGUE_DIR, CARD)))
    assert offered == ([], None)


def test_a_procedure_only_a_partners_message_opens_is_refused_online(social_insurance):
    with social_insurance.motcua.uow() as uow:
        citizen = Citizen(email="an@example.vn", full_name="Nguyễn Văn An", id_number="001090012345",
                          locale="vi", created_at=clock.now(), verified_at=clock.now())
        uow.session.add(citizen)
        uow.session.flush()
        # A draft kept from before (e.g. when the procedure was still offered online).
        procedure = uow.session.scalars(select(Procedure).where(Procedure.key == CARD)).one()
        draft = OnlineApplication(citizen_id=citizen.id, procedure_id=procedure.id, data={},
                                  agency_id=social_insurance.agencies["social_insurance"],
                                  created_at=clock.now(), updated_at=clock.now())
        uow.session.add(draft)
        uow.commit()
        citizen_id, draft_id = citizen.id, draft.id
    schema = {"type": "object", "properties": {"child_name": {"type": "string"}}}
    with pytest.raises(InvalidState) as refused:
        save_draft(social_insurance.motcua.uow(), citizen_id=citizen_id, procedure_key=CARD, schema=schema,
                   data={"child_name": "Nguyễn Minh An"})
    assert refused.value.message("vi") == ("Thủ tục này chỉ bắt đầu khi cơ quan liên thông chuyển hồ sơ đến, "
                                          "công dân không nộp trực tuyến được.")
    assert refused.value.message("en") == ("This procedure starts only when a partner agency sends its dossier; "
                                          "citizens cannot submit it online.")
    with pytest.raises(InvalidState):
        submit(social_insurance.motcua.uow(), citizen_id=citizen_id, application_id=draft_id, schema=schema)
    assert social_insurance.read(lambda s: s.get(OnlineApplication, draft_id).submitted_at) is None


def test_the_criterion_is_read_from_the_diagram():
    """A procedure whose plain start leads straight to catching a partner's message is opened by
    that partner; the shipped citizens' procedures are not."""
    from engine.procedures.manifest import build_manifest
    from engine.procedures.safe_xml import parse_untrusted

    def manifest(path):
        data = path.read_bytes()
        return build_manifest(parse_untrusted(data, len(data)))
    partners = BPMN_DIR.parent / "partners"
    for path in sorted(partners.glob("*.bpmn")):
        assert catalogue.opened_by_partner(manifest(path)), path.name
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        assert not catalogue.opened_by_partner(manifest(path)), path.name
    assert not catalogue.opened_by_partner(None) and not catalogue.opened_by_partner({})


def test_a_procedure_only_a_partners_message_opens_is_not_received_at_the_counter(social_insurance):
    """Its dossier would wait for a message that no partner sends it: the counter is not offered
    the procedure, and a form posted for it anyway is refused and changes nothing."""
    from engine.accounts import ensure_user, grant
    from engine.commands.reception import Applicant, receive
    from engine.errors import FormInvalid
    from engine.models import Agency
    from engine.queries.reception import procedures_on_offer

    agency_id = social_insurance.agencies["social_insurance"]
    with social_insurance.motcua.uow() as uow:
        clerk = ensure_user(uow.session, username="tiepnhanbhxh", full_name="Đỗ Thị Hoa", password="motcua-demo")
        grant(uow.session, clerk, uow.session.get(Agency, agency_id), "reception")
        uow.commit()
        clerk_id = clerk.id
    assert CARD not in {c.key for c in social_insurance.read(lambda s: procedures_on_offer(s, [agency_id]))}
    with pytest.raises(FormInvalid) as refused:
        receive(social_insurance.motcua.uow(), actor_id=clerk_id, agency_id=agency_id, procedure_key=CARD,
                applicant=Applicant(name="Nguyễn Văn An"), data={})
    assert refused.value.field_errors["procedure_key"] == [f"Bảo hiểm xã hội cơ sở Tân Phong không tiếp nhận thủ tục «{CARD_NAME}»."]
    assert social_insurance.read(lambda s: s.scalars(select(Dossier.id)).all()) == []
