"""Changing what lets a user in: the password and whether the account is active. Both end every
session of the user in the same transaction (engine/commands/sessions.py), so a leaked cookie or
a password someone else knew stops working at once."""
from __future__ import annotations

from werkzeug.security import generate_password_hash

from engine.accounts import verify_password
from engine.commands.sessions import DEACTIVATED, PASSWORD_CHANGED, end_all_in
from engine.errors import FormInvalid, NotFound
from engine.models import User

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200  # hashing a megabyte per login attempt would be a cheap attack


def _user(uow, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy người dùng.", "User not found.")
    return user


def password_problems(user: User, password: str) -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Mật khẩu dài quá {MAX_PASSWORD_LENGTH} ký tự.")
    if password.strip().lower() == user.username.lower():
        problems.append("Mật khẩu không được trùng tên đăng nhập.")
    return problems


def change_password(uow, *, user_id: int, current_password: str | None, new_password: str) -> int:
    """Set a new password; ``current_password`` is checked unless None (an administrator's reset).
    Returns how many sessions were ended (all of the user's, including the one asking)."""
    with uow:
        user = _user(uow, user_id)
        if current_password is not None and not verify_password(user, current_password):
            raise FormInvalid({"current_password": ["Mật khẩu hiện tại không đúng."]})
        problems = password_problems(user, new_password)
        if problems:
            raise FormInvalid({"new_password": problems})
        user.password_hash = generate_password_hash(new_password)
        ended = end_all_in(uow.session, user.id, reason=PASSWORD_CHANGED)
        uow.commit()
        return ended


def set_active(uow, *, user_id: int, active: bool) -> int:
    """Activate or deactivate an account; deactivating ends every session of the user at once.
    Returns how many sessions were ended."""
    with uow:
        user = _user(uow, user_id)
        user.is_active = active
        ended = 0 if active else end_all_in(uow.session, user.id, reason=DEACTIVATED)
        uow.commit()
        return ended
