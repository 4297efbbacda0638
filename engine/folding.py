"""Text folded for searching: no accents, no case, single spaces ("Nguyễn  Văn Ân" → "nguyen van an").

Officers type names without diacritics as often as with them; the folded form is stored beside the
name (``dossiers.search_name``, ``dossier_search_keys``) so a search is an index lookup, the same on
SQLite and PostgreSQL, instead of a function over every row.
"""
from __future__ import annotations

import unicodedata

# Letters that are not a base letter plus a combining mark, so NFD leaves them alone.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


def name_keys(name: str | None, *, limit: int = 12) -> list[str]:
    """Every tail of the folded name that starts a word: a search for "van an" or "an" finds
    "Nguyễn Văn An" by an index range over these keys. At most ``limit`` keys (long names)."""
    words = fold(name).split()
    return list(dict.fromkeys(" ".join(words[i:]) for i in range(len(words))))[:limit]


def code_keys(code: str | None) -> list[str]:
    """A dossier code as officers type it: whole ("000.31.21.h56-261204-0004"), or what they read
    off the receipt after the agency's identifier, the day and the number ("261204-0004"), or the
    number alone ("0004"). A code of another shape (a partner's) is found whole only."""
    folded = fold(code)
    if not folded:
        return []
    _agency, day, number = (["", "", ""] + folded.rsplit("-", 2))[-3:]
    if not (day.isdigit() and number.isdigit()):
        return [folded]
    return [folded, f"{day}-{number}", number]


def search_keys(name: str | None, code: str | None = "", id_number: str | None = "") -> list[str]:
    """What a dossier is found by from the start of a key: its name from any word on, its code (and
    its day and number), and the applicant's ID number (lower case, as typed)."""
    extra = code_keys(code) + ([fold(id_number)] if fold(id_number) else [])
    return list(dict.fromkeys(name_keys(name) + extra))


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """The half-open range [low, high) holding every string that starts with ``prefix`` under a
    byte-wise (C) collation: the last character incremented."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


# Đ is a letter of its own, right after D; a mark on a vowel only breaks a tie.
_LETTER_AFTER_D = str.maketrans({"đ": "d\U0010ffff", "Đ": "d\U0010ffff"})


def vietnamese_order(text: str | None) -> tuple[str, str, str]:
    """A key that sorts as a Vietnamese reader expects: by letters, Đ after D (Dương, Đỗ, Hoa),
    then by the marks (An before Ân), then by case; not by code point, which puts Đ after Z."""
    text = text or ""
    letters = unicodedata.normalize("NFD", text.translate(_LETTER_AFTER_D).lower())
    bare = " ".join("".join(ch for ch in letters if not unicodedata.combining(ch)).split())
    return bare, unicodedata.normalize("NFD", text.lower()), text
