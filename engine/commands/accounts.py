"""Accounts: an administrator creates officers and sets the agencies and roles they hold; the
password and whether the account is active decide who gets in. A password change and a
deactivation end every session of the user in the same transaction (engine/commands/sessions.py),
so a leaked cookie or a password someone else knew stops working at once. Every user chooses
whether notices of their work also come by mail. Every change is kept in ``account_events`` (who
did what to whom; never a password)."""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from engine import clock
from engine.accounts import verify_password
from engine.commands.calendar_admin import require_admin
from engine.commands.sessions import DEACTIVATED, PASSWORD_CHANGED, end_all_in
from engine.contact import email_problem, normalized_email, text_problem
from engine.errors import FormInvalid, NotFound
from engine.models import AccountEvent, Agency, Membership, Unit, User

# The roles a lane of a procedure can name, and the modeller who edits procedures.
ROLES = ("reception", "specialist", "leader", "supervisor", "modeller")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
REQUIRED = "Trường này là bắt buộc."

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200  # hashing a megabyte per login attempt would be a cheap attack


def _user(uow, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy người dùng.", "User not found.")
    return user


def password_problems(user: User, password: str) -> list[str]:
    """What is wrong with ``password`` for ``user``; an empty one is only missing (it is not also
    too short, nor the same as a user name not typed yet)."""
    if not password:
        return [REQUIRED]
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Mật khẩu dài quá {MAX_PASSWORD_LENGTH} ký tự.")
    if user.username and password.strip().lower() == user.username.lower():
        problems.append("Mật khẩu không được trùng tên đăng nhập.")
    return problems


def change_password(uow, *, user_id: int, current_password: str | None, new_password: str,
                    actor_id: int | None = None) -> int:
    """Set a new password; ``current_password`` is checked unless None (an administrator's reset:
    ``actor_id`` must then be an administrator, or None from the shell). Returns how many sessions
    were ended (all of the user's, including the one asking)."""
    with uow:
        if current_password is None and actor_id is not None:
            require_admin(uow.session, actor_id)
        user = _user(uow, user_id)
        if current_password is not None and not verify_password(user, current_password):
            raise FormInvalid({"current_password": ["Mật khẩu hiện tại không đúng."]})
        problems = password_problems(user, new_password)
        if problems:
            raise FormInvalid({"new_password": problems})
        user.password_hash = generate_password_hash(new_password)
        ended = end_all_in(uow.session, user.id, reason=PASSWORD_CHANGED)
        _record(uow.session, user.id, actor_id if current_password is None else user.id,
                "password_reset" if current_password is None else "password_changed", sessions_ended=ended)
        uow.commit()
        return ended


def set_notices_by_mail(uow, *, user_id: int, by_mail: bool) -> bool:
    """The user's own choice: notices of their work (engine/officer_notices.py) by mail as well as
    in the app, or in the app only. A change is kept in the account's history."""
    with uow:
        user = _user(uow, user_id)
        if user.notify_by_mail != by_mail:
            user.notify_by_mail = by_mail
            _record(uow.session, user.id, user.id, "mail_notices_on" if by_mail else "mail_notices_off")
        uow.commit()
        return by_mail


def set_active(uow, *, user_id: int, active: bool, actor_id: int | None = None) -> int:
    """Activate or deactivate an account (by an administrator, or from the shell when ``actor_id``
    is None); deactivating ends every session of the user at once. Returns how many sessions
    were ended."""
    with uow:
        if actor_id is not None:
            require_admin(uow.session, actor_id)
            if actor_id == user_id and not active:
                raise FormInvalid({"": ["Không thể tự khóa tài khoản của chính mình."]})
        user = _user(uow, user_id)
        if user.is_active == active:
            return 0  # already so (a second click, two administrators at once): nothing to record
        user.is_active = active
        ended = 0 if active else end_all_in(uow.session, user.id, reason=DEACTIVATED)
        _record(uow.session, user.id, actor_id, "activated" if active else "deactivated", sessions_ended=ended)
        uow.commit()
        return ended


def create_officer(uow, *, actor_id: int, username: str, full_name: str, email: str, password: str,
                   holdings: Collection[tuple[int, str]], units: Mapping[int, int] | None = None) -> User:
    """A new officer account holding ``holdings`` (agency id, role) pairs, sitting in ``units``
    (agency id → unit id of that agency)."""
    with uow:
        session = uow.session
        require_admin(session, actor_id)
        username = (username or "").strip().lower()
        full_name = (full_name or "").strip()
        problems = {}
        if not username:
            problems["username"] = [REQUIRED]
        elif not USERNAME.match(username):
            problems["username"] = ["Tên đăng nhập gồm 2–80 chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới."]
        elif session.execute(select(User.id).where(User.username == username)).first():
            problems["username"] = ["Tên đăng nhập này đã có người dùng."]
        if not full_name:
            problems["full_name"] = [REQUIRED]
        elif len(full_name) > 255:
            problems["full_name"] = ["Hãy nhập họ và tên (tối đa 255 ký tự)."]
        elif text_problem(full_name, 255):
            problems["full_name"] = [text_problem(full_name, 255)]
        email = (email or "").strip()
        if email_problem(email):
            problems["email"] = [email_problem(email)]
        user = User(username=username, full_name=full_name, email=normalized_email(email) if not problems.get("email")
                    else "", is_active=True)
        password_issues = password_problems(user, password or "")
        if password_issues:
            problems["password"] = password_issues
        problems.update(_holding_problems(session, holdings, units or {}))
        if problems:
            raise FormInvalid(problems)
        user.password_hash = generate_password_hash(password)
        session.add(user)
        session.flush()
        _hold(session, user.id, holdings, units or {})
        _record(session, user.id, actor_id, "created", holdings=_described(session, holdings),
                units=_units_described(session, units or {}))
        uow.commit()
        return user


def set_holdings(uow, *, actor_id: int, user_id: int, holdings: Collection[tuple[int, str]],
                 units: Mapping[int, int] | None = None) -> None:
    """Replace the agencies and roles the user holds (what they see and may do from the next page
    on) and the unit they sit in at each agency (``units``: agency id → unit id)."""
    units = units or {}
    with uow:
        session = uow.session
        require_admin(session, actor_id)
        user = _user(uow, user_id)
        problems = _holding_problems(session, holdings, units)
        if problems:
            raise FormInvalid(problems)
        rows = session.execute(select(Membership.agency_id, Membership.role, Membership.unit_id)
                               .where(Membership.user_id == user.id)).all()
        before = sorted((a, r) for a, r, _u in rows)
        units_before = {a: u for a, _r, u in rows if u is not None}
        session.execute(delete(Membership).where(Membership.user_id == user.id))
        _hold(session, user.id, holdings, units)
        _record(session, user.id, actor_id, "holdings_changed", before=_described(session, before),
                after=_described(session, holdings),
                **({"units_before": _units_described(session, units_before),
                    "units_after": _units_described(session, units)} if units_before != dict(units) else {}))
        uow.commit()


def _hold(session, user_id: int, holdings, units: Mapping[int, int]) -> None:
    session.add_all(Membership(user_id=user_id, agency_id=a, role=r, unit_id=units.get(a)) for a, r in set(holdings))


def _holding_problems(session, holdings, units: Mapping[int, int]) -> dict[str, list[str]]:
    agencies = set(session.execute(select(Agency.id)).scalars())
    if any(role not in ROLES or agency not in agencies for agency, role in holdings):
        return {"holdings": ["Cơ quan hoặc vai trò không hợp lệ."]}
    held = {agency for agency, _role in holdings}
    unit_agency = dict(session.execute(select(Unit.id, Unit.agency_id).where(Unit.id.in_(list(units.values())))).all()) \
        if units else {}
    if any(agency not in held or unit_agency.get(unit) != agency for agency, unit in units.items()):
        return {"holdings": ["Bộ phận phải thuộc cơ quan mà người dùng có vai trò."]}
    return {}


def _described(session, holdings) -> list[str]:
    codes = dict(session.execute(select(Agency.id, Agency.code)).all())
    return sorted(f"{codes.get(a, a)}:{r}" for a, r in holdings)


def _units_described(session, units: Mapping[int, int]) -> list[str]:
    if not units:
        return []
    rows = session.execute(select(Unit.id, Agency.code, Unit.code).join(Agency, Agency.id == Unit.agency_id)
                           .where(Unit.id.in_(list(units.values())))).all()
    return sorted(f"{agency}:{unit}" for _id, agency, unit in rows)


def _record(session, user_id: int, actor_id: int | None, action: str, **detail) -> None:
    session.add(AccountEvent(user_id=user_id, actor_id=actor_id, at=clock.now(), action=action, detail=detail))
