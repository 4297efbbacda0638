"""An officer's own settings: for now, the language of the pages."""
from __future__ import annotations

from engine.errors import FormInvalid, NotFound
from engine.models import User

LOCALES = ("vi", "en")


def set_locale(uow, *, user_id: int, locale: str) -> str:
    """Remember the officer's language; it follows them to every device they log in from."""
    if locale not in LOCALES:
        raise FormInvalid({"locale": ["Ngôn ngữ không được hỗ trợ."]})
    with uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFound("Không tìm thấy người dùng.", "User not found.")
        user.locale = locale
        uow.commit()
        return locale
