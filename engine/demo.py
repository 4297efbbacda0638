"""Demo data: a commune with its People's Committee and police, officers for each role, and
every procedure in workflows/bpmn/ deployed. Safe to run twice."""
from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from werkzeug.security import generate_password_hash

from engine.accounts import ensure_agency, ensure_user, grant
from engine.calendar.store import seed_calendar
from engine.procedures.registry import check_and_deploy

DEMO_PASSWORD = "motcua-demo"

AGENCIES = [
    # (code, name, kind, area)
    ("000.31.21.H56", "UBND xã Tân Phong", "commune_committee", "H56.TP"),
    ("000.32.21.H56", "Công an xã Tân Phong", "commune_police", "H56.TP"),
]

# (username, full name, [(agency code, role), …])
USERS = [
    ("tiepnhan", "Nguyễn Thị Hoa", [("000.31.21.H56", "reception")]),
    ("chuyenvien", "Trần Văn Minh", [("000.31.21.H56", "specialist")]),
    ("chuyenvien2", "Lê Thị Thu", [("000.31.21.H56", "specialist")]),
    ("lanhdao", "Phạm Quốc Hùng", [("000.31.21.H56", "leader")]),
    ("giamsat", "Đỗ Thanh Bình", [("000.31.21.H56", "supervisor"), ("000.31.21.H56", "leader")]),
    ("congan", "Vũ Đức Anh", [("000.32.21.H56", "specialist")]),
]


def _ensure_demo_partner(session) -> None:
    """Social insurance (BHXH) runs its own system: the birth-registration procedure hands the
    health-insurance card request to it. In the demo it is expected as a second motcua instance on
    port 5001; messages wait in the outbox (and end as dead letters) while nothing answers there."""
    from sqlalchemy import select
    from engine.models import Partner
    if session.execute(select(Partner).where(Partner.code == "BHXH")).scalar_one_or_none() is None:
        session.add(Partner(code="BHXH", name="Bảo hiểm xã hội huyện", our_code=AGENCIES[0][0],
                            endpoint="http://127.0.0.1:5001/api/partner/messages",
                            key=secrets.token_hex(32), active=True))
        session.flush()


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; every demo user shares the one published password anyway.
    return generate_password_hash(DEMO_PASSWORD)


def load_demo(uow, bpmn_dir: Path, forms_dir: Path) -> dict:
    with uow:
        session = uow.session
        seed_calendar(session)
        agencies = {code: ensure_agency(session, code=code, name=name, kind=kind, area_code=area)
                    for code, name, kind, area in AGENCIES}
        for username, full_name, roles in USERS:
            user = ensure_user(session, username=username, full_name=full_name, password_hash=_demo_password_hash(),
                               email=f"{username}@tanphong.example")
            for code, role in roles:
                grant(session, user, agencies[code], role)
        _ensure_demo_partner(session)
        ensure_user(session, username="admin", full_name="Quản trị hệ thống", password_hash=_demo_password_hash(),
                    is_admin=True)
        versions = check_and_deploy(uow, sorted(Path(bpmn_dir).glob("*.bpmn")), forms_dir, deployed_by="demo")
        uow.commit()
        return {"agencies": len(agencies), "users": len(USERS) + 1, "versions": len(versions)}
