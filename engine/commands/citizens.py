"""Citizens' accounts: signing in by a one-time code sent by mail (where no identity provider is
configured) or through the identity provider (engine side of integrations/oidc.py), and the
contact details a dossier is filed under.

A citizen is never an officer: accounts live in ``citizens``, apart from ``users``, and nothing
here reads an officer's password.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from engine import clock, contact
from engine.citizen_notices import mail_citizen
from engine.errors import FormInvalid, InvalidState
from engine.models import Citizen, CitizenSignInCode

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
# Codes one address may be sent within the window: a mailbox is not a target to flood.
MAX_CODES, CODES_WINDOW = 3, timedelta(minutes=15)


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


def _mailable(email: str) -> bool:
    """The rule the mailer applies before sending (engine/citizen_notices.py, contact.email_problem):
    an address it would refuse (a bidirectional override, a second address, no domain) would get a
    code that never arrives, so it is no address to sign in with."""
    return bool(email) and contact.email_problem(email) is None


def _check_email(email: str) -> str:
    email = normal_email(email)
    if not _mailable(email):
        raise InvalidState("Địa chỉ thư điện tử không hợp lệ.", "That is not a valid e-mail address.")
    return email


def request_sign_in_code(uow, *, email: str, locale: str = "vi") -> None:
    """Mail a six-digit code to ``email`` (through the outbox, in this transaction)."""
    email = _check_email(email)
    with uow:
        session, now = uow.session, clock.now()
        recent = session.scalar(select(func.count()).select_from(CitizenSignInCode).where(
            CitizenSignInCode.email == email, CitizenSignInCode.created_at > now - CODES_WINDOW))
        if recent >= MAX_CODES:
            raise InvalidState("Đã gửi quá nhiều mã đến địa chỉ này. Vui lòng thử lại sau 15 phút.",
                               "Too many codes were sent to this address. Please try again in 15 minutes.")
        code = f"{secrets.randbelow(10**6):06d}"
        row = CitizenSignInCode(email=email, code_hash=generate_password_hash(code), created_at=now,
                                expires_at=now + CODE_LIFETIME, attempts=0)
        session.add(row)
        session.flush()
        if locale == "en":
            subject, body = (f"[Một cửa] Your sign-in code: {code}",
                             f"Your code to sign in to the online public services is {code}.\n"
                             "It is valid for 10 minutes. If you did not ask for it, ignore this message.\n")
        else:
            subject, body = (f"[Một cửa] Mã đăng nhập: {code}",
                             f"Mã đăng nhập Dịch vụ công trực tuyến của Ông/Bà là {code}.\n"
                             "Mã có hiệu lực trong 10 phút. Nếu Ông/Bà không yêu cầu, xin bỏ qua thư này.\n")
        mail_citizen(session, key=f"citizen-sign-in-{row.id}", to=email, subject=subject, body=body)
        uow.commit()


def verify_sign_in_code(uow, *, email: str, code: str) -> int:
    """The citizen's id when ``code`` is the latest unused code mailed to ``email``; the account is
    created on first sign-in. A wrong code counts an attempt (kept even though the answer is no)."""
    email, code = normal_email(email), (code or "").strip()
    wrong = InvalidState("Mã không đúng hoặc đã hết hạn. Hãy kiểm tra lại, hoặc yêu cầu mã mới.",
                         "The code is wrong or has expired. Check it, or ask for a new one.")
    with uow:
        session, now = uow.session, clock.now()
        row = session.scalars(select(CitizenSignInCode).where(
            CitizenSignInCode.email == email, CitizenSignInCode.used_at.is_(None))
            .order_by(CitizenSignInCode.created_at.desc(), CitizenSignInCode.id.desc()).limit(1)).first()
        if row is None or row.expires_at <= now or row.attempts >= MAX_ATTEMPTS:
            raise wrong
        row.attempts += 1
        if not (code.isdigit() and len(code) == 6 and check_password_hash(row.code_hash, code)):
            uow.commit()  # the failed attempt is counted
            raise wrong
        row.used_at = now
        citizen = session.scalars(select(Citizen).where(Citizen.email == email)).first()
        if citizen is None:
            citizen = Citizen(email=email, full_name="", id_number="", phone="", address="", locale="vi",
                              created_at=now)
            session.add(citizen)
        citizen.verified_at = now
        session.flush()
        uow.commit()
        return citizen.id


def sign_in_with_identity(uow, *, issuer: str, subject: str, claims: dict) -> int:
    """The citizen's id for an identity the provider vouched for (created on first sign-in). The
    provider's name and numbers fill in what the citizen has not typed yet."""
    if not issuer or not subject:
        raise InvalidState("Nhà cung cấp định danh không trả về danh tính.", "The identity provider gave no identity.")
    with uow:
        session, now = uow.session, clock.now()
        citizen = session.scalars(select(Citizen).where(Citizen.oidc_issuer == issuer,
                                                        Citizen.oidc_subject == subject[:255])).first()
        if citizen is None:
            citizen = Citizen(oidc_issuer=issuer[:255], oidc_subject=subject[:255], full_name="", id_number="",
                              phone="", address="", locale="vi", created_at=now)
            session.add(citizen)
        email = normal_email(str(claims.get("email") or ""))
        if email and claims.get("email_verified", True) and not citizen.email and _mailable(email) and \
                session.scalars(select(Citizen.id).where(Citizen.email == email)).first() is None:
            citizen.email = email
        citizen.full_name = citizen.full_name or str(claims.get("name") or "")[:255]
        citizen.phone = citizen.phone or str(claims.get("phone_number") or "")[:40]
        citizen.id_number = citizen.id_number or str(claims.get("id_number") or "")[:40]
        citizen.verified_at = now
        session.flush()
        uow.commit()
        return citizen.id


def update_profile(uow, *, citizen_id: int, full_name: str, id_number: str, phone: str, address: str) -> None:
    """The details a dossier is filed under: the name is required; ID (9 or 12 digits) and phone
    (Vietnamese numbers) are checked when given."""
    full_name, id_number = " ".join((full_name or "").split()), re.sub(r"\s", "", id_number or "")
    phone, address = re.sub(r"[\s.\-]", "", phone or ""), " ".join((address or "").split())
    problems = {}
    if not full_name:
        problems["full_name"] = ["Trường này là bắt buộc."]
    elif len(full_name) > 255:
        problems["full_name"] = ["Tối đa 255 ký tự."]
    if id_number and not re.fullmatch(r"\d{9}|\d{12}", id_number):
        problems["id_number"] = ["Số định danh cá nhân gồm 12 chữ số (hoặc số CMND 9 chữ số)."]
    if phone and not re.fullmatch(r"(\+84|0)\d{9,10}", phone):
        problems["phone"] = ["Số điện thoại không hợp lệ (ví dụ 0912345678)."]
    if len(address) > 500:
        problems["address"] = ["Tối đa 500 ký tự."]
    if problems:
        raise FormInvalid(problems)
    with uow:
        citizen = uow.session.get(Citizen, citizen_id)
        citizen.full_name, citizen.id_number, citizen.phone, citizen.address = full_name, id_number, phone, address
        uow.commit()
