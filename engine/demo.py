"""Demo data: a commune with its People's Committee and police, the area's land registration
branch, the units inside each (one-stop desk, civil status officers…), officers for each role,
and every procedure in workflows/bpmn/ deployed; and the partner agencies that run their own
motcua (social insurance, tax), each loadable into a second instance. Safe to run twice."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from werkzeug.security import generate_password_hash

from engine.accounts import ensure_agency, ensure_unit, ensure_user, grant
from engine.calendar.store import seed_calendar
from engine.config import PROJECT_ROOT
from engine.procedures.registry import check_and_deploy

DEMO_PASSWORD = "motcua-demo"

AGENCIES = [
    # (code, name, kind, area)
    ("000.31.21.H56", "UBND xã Tân Phong", "commune_committee", "H56.TP"),
    ("000.32.21.H56", "Công an xã Tân Phong", "commune_police", "H56.TP"),
    ("000.40.21.H56", "Chi nhánh Văn phòng đăng ký đất đai khu vực Tân Phong", "land_registration_office", "H56.TP"),
]

# The units inside each agency and the lanes (roles) each answers for:
# (agency code, unit code, name, English name, roles).
UNITS = [
    ("000.31.21.H56", "MC", "Bộ phận Một cửa", "One-stop desk", ("reception",)),
    ("000.31.21.H56", "TPHT", "Công chức Tư pháp – Hộ tịch", "Justice and civil status officers", ("specialist",)),
    ("000.31.21.H56", "VP", "Văn phòng UBND xã", "Office of the People's Committee", ("supervisor",)),
    ("000.31.21.H56", "LD", "Lãnh đạo UBND xã", "Commune leadership", ("leader",)),
    ("000.32.21.H56", "CT", "Tổ Đăng ký, quản lý cư trú", "Residence registration team", ("specialist",)),
    ("000.40.21.H56", "MC", "Bộ phận Một cửa", "One-stop desk", ("reception",)),
    ("000.40.21.H56", "DK", "Tổ Đăng ký – Cấp giấy chứng nhận", "Registration and certificates team",
     ("specialist",)),
    ("000.40.21.H56", "GD", "Ban Giám đốc", "Branch management", ("leader",)),
]

# (username, full name, [(agency code, role), …]); an officer sits in the unit of the first role
# they hold at an agency.
USERS = [
    ("tiepnhan", "Nguyễn Thị Hoa", [("000.31.21.H56", "reception")]),
    ("chuyenvien", "Trần Văn Minh", [("000.31.21.H56", "specialist")]),
    ("chuyenvien2", "Lê Thị Thu", [("000.31.21.H56", "specialist")]),
    ("lanhdao", "Phạm Quốc Hùng", [("000.31.21.H56", "leader")]),
    ("giamsat", "Đỗ Thanh Bình", [("000.31.21.H56", "supervisor"), ("000.31.21.H56", "leader")]),
    ("congan", "Vũ Đức Anh", [("000.32.21.H56", "specialist")]),
    # The land registration branch has its own one-stop counter.
    ("motcuadatdai", "Bùi Thị Mai", [("000.40.21.H56", "reception")]),
    ("diachinh", "Đặng Văn Khoa", [("000.40.21.H56", "specialist")]),
    ("giamdoccn", "Trịnh Quang Vinh", [("000.40.21.H56", "leader")]),
    # Draws, tries and publishes procedures (the procedures page and editor).
    ("thietke", "Hoàng Minh Tâm", [("000.31.21.H56", "modeller")]),
]


@dataclass(frozen=True)
class PartnerDemo:
    """A partner agency that runs its own motcua: the main demo sends it hand-offs, and
    ``motcua demo --as <name>`` loads it into a second instance (its own database)."""
    code: str  # how the main demo's diagrams name it (the pool's partnerCode)
    name: str
    agency: tuple[str, str, str, str]  # (code, name, kind, area) of its own agency
    # (username, full name, role): its officers, and a supervisor who sees the escalations, the
    # statistics and the messages to the main demo that failed.
    users: tuple[tuple[str, str, str], ...]
    procedures: tuple[str, ...]  # its procedures, in workflows/partners/
    asked_by: str  # the main demo's agency that hands dossiers to it (how it names us)


PARTNER_DEMOS = {
    "bhxh": PartnerDemo("BHXH", "Bảo hiểm xã hội cơ sở Tân Phong",
                        ("000.51.21.H56", "Bảo hiểm xã hội cơ sở Tân Phong", "social_insurance", "H56.TP"),
                        (("bhxh", "Hà Thị Lan", "specialist"), ("giamsatbhxh", "Phan Thị Ngân", "supervisor")),
                        ("bhxh_cap_the_bhyt.bpmn",), "000.31.21.H56"),
    "thue": PartnerDemo("THUE", "Thuế cơ sở khu vực Tân Phong",
                        ("000.52.21.H56", "Thuế cơ sở khu vực Tân Phong", "tax_office", "H56.TP"),
                        (("thue", "Ngô Văn Tài", "specialist"), ("giamsatthue", "Lý Văn Đạt", "supervisor")),
                        ("thue_nghia_vu_tai_chinh.bpmn",), "000.40.21.H56"),
}
MAIN_PORT = 5000
PARTNER_BPMN_DIR = PROJECT_ROOT / "workflows" / "partners"

# The demo instances share one published key, like the demo password: a real deployment sets a
# key per partner on the administration page.
DEMO_PARTNER_KEY = "motcua-demo-khoa-doi-tac-chi-dung-thu-0123456789"


def _ensure_partner(session, *, code, name, our_code, port, agency_id=None) -> None:
    """The demo's partner row, aimed at the port the other instance is served on this time: a
    demo partner (still with the demo key) follows the ports used, one set up by hand is kept."""
    from sqlalchemy import select
    from engine.models import Partner
    endpoint = f"http://127.0.0.1:{port}/api/partner/messages"
    partner = session.execute(select(Partner).where(Partner.code == code)).scalar_one_or_none()
    if partner is None:
        session.add(Partner(code=code, name=name, our_code=our_code, agency_id=agency_id, endpoint=endpoint,
                            key=DEMO_PARTNER_KEY, active=True))
    elif partner.key == DEMO_PARTNER_KEY:
        partner.endpoint = endpoint
    session.flush()


def partner_ports(main_port: int = MAIN_PORT, **given: int | None) -> dict[str, int]:
    """Where each demo partner is served: as given, else next to the main demo (bhxh on the main
    port + 1, thue on + 2, as `make run` and `make run-partner` arrange it)."""
    defaults = {name: main_port + offset for offset, name in enumerate(PARTNER_DEMOS, 1)}
    return {name: given.get(name) or port for name, port in defaults.items()}


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; every demo user shares the one published password anyway.
    return generate_password_hash(DEMO_PASSWORD)


def load_demo(uow, bpmn_dir: Path, forms_dir: Path, ports: dict[str, int] | None = None) -> dict:
    """``ports``: where the partner instances are served (engine/demo.py ``partner_ports``)."""
    ports = ports or partner_ports()
    with uow:
        session = uow.session
        seed_calendar(session)
        agencies = {code: ensure_agency(session, code=code, name=name, kind=kind, area_code=area)
                    for code, name, kind, area in AGENCIES}
        unit_of = {}
        for code, unit_code, name, name_en, unit_roles in UNITS:
            unit = ensure_unit(session, agencies[code], code=unit_code, name=name, name_en=name_en, roles=unit_roles)
            unit_of.update({(code, role): unit for role in unit_roles})
        for username, full_name, roles in USERS:
            user = ensure_user(session, username=username, full_name=full_name, password_hash=_demo_password_hash(),
                               email=f"{username}@tanphong.example")
            sits = {}
            for code, role in roles:
                sits.setdefault(code, unit_of.get((code, role)))
                grant(session, user, agencies[code], role, sits[code])
        for which, partner in PARTNER_DEMOS.items():
            _ensure_partner(session, code=partner.code, name=partner.name, our_code=partner.asked_by,
                            port=ports[which])
        ensure_user(session, username="admin", full_name="Quản trị hệ thống", password_hash=_demo_password_hash(),
                    is_admin=True)
        _ensure_demo_citizen(session)
        versions = check_and_deploy(uow, sorted(Path(bpmn_dir).glob("*.bpmn")), forms_dir, deployed_by="demo")
        uow.commit()
        return {"agencies": len(agencies), "users": len(USERS) + 1, "versions": len(versions)}


DEMO_CITIZEN_EMAIL = "congdan@example.vn"


def _ensure_demo_citizen(session) -> None:
    """A citizen's account with its details filled in (docs/CITIZENS.md): sign in with its address."""
    from engine import clock
    from engine.models import Citizen
    if session.query(Citizen).filter(Citizen.email == DEMO_CITIZEN_EMAIL).first() is None:
        session.add(Citizen(email=DEMO_CITIZEN_EMAIL, full_name="Nguyễn Văn An", id_number="001090012345",
                            phone="0912345678", address="Thôn Đông, xã Tân Phong", locale="vi",
                            created_at=clock.now(), verified_at=clock.now()))
        session.flush()


def load_partner_demo(uow, which: str, partners_dir: Path, forms_dir: Path, main_port: int = MAIN_PORT) -> dict:
    """A partner agency's own deployment (``motcua demo --as bhxh``): its agency, officers and
    procedures, and the main demo as its partner, so the two instances exchange hand-offs."""
    partner = PARTNER_DEMOS[which]
    main_agency = dict((code, name) for code, name, _kind, _area in AGENCIES)[partner.asked_by]
    with uow:
        session = uow.session
        seed_calendar(session)
        code, name, kind, area = partner.agency
        agency = ensure_agency(session, code=code, name=name, kind=kind, area_code=area)
        for username, full_name, role in partner.users:
            user = ensure_user(session, username=username, full_name=full_name, password_hash=_demo_password_hash(),
                               email=f"{username}@{which}.example")
            grant(session, user, agency, role)
        ensure_user(session, username="admin", full_name="Quản trị hệ thống", password_hash=_demo_password_hash(),
                    is_admin=True)
        _ensure_partner(session, code=partner.asked_by, name=main_agency, our_code=partner.code, port=main_port,
                        agency_id=agency.id)
        versions = check_and_deploy(uow, [Path(partners_dir) / f for f in partner.procedures], forms_dir,
                                    deployed_by="demo")
        uow.commit()
        return {"agencies": 1, "users": len(partner.users) + 1, "versions": len(versions)}
