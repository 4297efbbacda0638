"""What a check finds in a procedure file: the file, the element it concerns and what to do.

``severity`` is ``error`` (the file is refused) or ``warning`` (it deploys, but something around
it needs attention first, e.g. a lane's role that nobody holds). ``message`` is English, the
command line's language; ``message_vi`` the Vietnamese for pages, when the rule gives one.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    element_id: str
    message: str
    severity: str = "error"
    message_vi: str = ""

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}: {self.element_id or '-'}: {prefix}{self.message}"

    def text(self, locale: str = "vi") -> str:
        return self.message_vi if locale == "vi" and self.message_vi else self.message

    def as_dict(self, locale: str = "vi") -> dict:
        return {"element": self.element_id, "severity": self.severity, "message": self.text(locale)}
