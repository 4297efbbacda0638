"""An applicant's contact data as an officer at the counter would check it: the ID number, the
phone number and the e-mail address, each in its Vietnamese form, and every field within the
length its column holds (so the database never sees an over-long value).

Each check returns ``None`` when the value is acceptable (an empty value is: these fields are
optional at reception) or a message. Messages are Vietnamese, as the engine's always are; the
web layer shows them in English through its catalogue (webapp/field_messages.py lists them).

ID numbers (docs/RULES.md, "The applicant"):
- the personal ID number (số định danh cá nhân, on the citizen identity card): 12 digits, the first
  three the code of the province where the birth was registered;
- the old identity card (chứng minh nhân dân): 9 digits, or 12 for those issued from 2012;
- a passport (hộ chiếu): a letter then 7 digits for a Vietnamese one; a foreigner's passport is
  accepted as 6 to 9 letters and digits starting with a letter.

Phone numbers: a mobile number is 10 digits starting 03, 05, 07, 08 or 09; a landline is 11
digits starting 02 (area code and subscriber). +84 or 84 may replace the leading 0; spaces, dots,
dashes and brackets between digit groups are allowed.

E-mail: exactly one address, parsed by email-validator (syntax only: no DNS lookup at the
counter), so a CR/LF, a second address, a display name or a missing domain is refused before the
address reaches the mail outbox.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email

# The columns' lengths (engine/models/dossiers.py: Dossier, SupplementRequest).
MAX_NAME = 255
MAX_ID_NUMBER = 40
MAX_ADDRESS = 500
MAX_PHONE = 40
MAX_EMAIL = 255
# A note or a reason of several lines (a refusal, a send-back, a supplement, an apology).
MAX_NOTE = 2000

# Province codes of the 12-digit personal ID number (the 63 provinces' codes before the 2025
# merger; cards keep their number when provinces merge).
PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 "
    "037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 "
    "077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split())

TOO_LONG = "Tối đa {limit} ký tự."
# Said wherever a control character is refused, multi-line texts included (where a line break and a
# tab are allowed): so it names no line break or tab as an example.
CONTROL_CHARACTERS = "Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."
# A one-line field (a name, an address): a line break or a tab has its own message.
ONE_LINE = "Chỉ được ghi trên một dòng: không xuống dòng, không dùng tab."
ID_NUMBER_INVALID = ("Số giấy tờ không hợp lệ: số định danh cá nhân (CCCD) gồm 12 chữ số, CMND gồm 9 hoặc 12 chữ số, "
                     "hộ chiếu gồm một chữ cái và 7 chữ số.")
ID_NUMBER_PROVINCE = "Số định danh cá nhân không hợp lệ: 3 chữ số đầu phải là mã tỉnh, thành phố."
PHONE_INVALID = ("Số điện thoại không hợp lệ: số di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09; "
                 "số cố định gồm 11 chữ số bắt đầu bằng 02.")
EMAIL_INVALID = "Địa chỉ email không hợp lệ: chỉ ghi một địa chỉ, dạng ten@ten-mien.vn."

# The bidirectional embedding, override and isolate controls count as control characters: typed
# nowhere, pasted in, they turn the text after them around ("Trojan source"), the page's own included.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(rf"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
# What breaks a one-line field into lines or columns: a tab, a line break (Word's \x0b included).
_LINE_BREAKS_AND_TABS = re.compile(r"[\t\n\x0b\x0c\r\x85\u2028\u2029]")
# In a text of several lines (a step form's note, a reason, a guidance): the characters no one types,
# an escape code or Word's line break (\x0b) pasted in. A line break and a tab are text there.
_CONTROL_IN_LINES = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"(?:\+84|84|0)(?:[35789]\d{8}|2\d{9})")
_PASSPORT_VN = re.compile(r"[A-Z]\d{7}")
_PASSPORT_OTHER = re.compile(r"[A-Z][A-Z0-9]{5,8}")


def too_long(value: str, limit: int) -> str | None:
    return TOO_LONG.format(limit=limit) if len(value) > limit else None


def text_problem(value: str, limit: int) -> str | None:
    """A one-line text field (name, address): within its column, no line break or tab (said as such)
    and no other control character."""
    if problem := too_long(value, limit):
        return problem
    if _LINE_BREAKS_AND_TABS.search(value):
        return ONE_LINE
    return CONTROL_CHARACTERS if _CONTROL.search(value) else None


def lines_problem(value: str) -> str | None:
    """A text of several lines (a note, a reason): line breaks and tabs allowed, no other control
    characters."""
    return CONTROL_CHARACTERS if _CONTROL_IN_LINES.search(value) else None


def note_problem(value: str, limit: int = MAX_NOTE) -> str | None:
    """A note or a reason of several lines: within ``limit`` characters, no control characters
    but line breaks and tabs."""
    return too_long(value, limit) or lines_problem(value)


def missing_lines_problem(lines: Sequence[str]) -> str | None:
    """The lines of a "missing documents" list (a guidance slip, a supplement request): each line
    is checked as a text of several lines would be (a tab in a line is spacing, folded later)."""
    return next((problem for line in lines if line and (problem := lines_problem(line))), None)


def id_number_problem(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_ID_NUMBER:
        return too_long(value, MAX_ID_NUMBER)
    if value.isascii() and value.isdigit():
        if len(value) == 9:
            return None
        if len(value) == 12:
            return None if value[:3] in PROVINCE_CODES else ID_NUMBER_PROVINCE
        return ID_NUMBER_INVALID
    passport = value.upper()
    if passport.isascii() and (_PASSPORT_VN.fullmatch(passport) or _PASSPORT_OTHER.fullmatch(passport)):
        return None
    return ID_NUMBER_INVALID


def phone_problem(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_PHONE:
        return too_long(value, MAX_PHONE)
    digits = _SEPARATORS.sub("", value)
    if digits.isascii() and _PHONE.fullmatch(digits):
        return None
    return PHONE_INVALID


def email_problem(value: str) -> str | None:
    if not value:
        return None
    if len(value) > MAX_EMAIL:
        return too_long(value, MAX_EMAIL)
    if _CONTROL.search(value):
        return EMAIL_INVALID
    try:
        validate_email(value, check_deliverability=False, allow_display_name=False, allow_quoted_local=False,
                       allow_domain_literal=False)
    except EmailNotValidError:
        return EMAIL_INVALID
    return None


def normalized_email(value: str) -> str:
    """The address as the outbox should hold it (domain lower-cased, IDN in its Unicode form)."""
    return validate_email(value, check_deliverability=False).normalized if value else ""
