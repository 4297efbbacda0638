"""What a counter needs to know about a procedure before any step runs, read from the procedure's
properties (on the process, or on the collaboration; docs/MODELLING.md, "Procedure properties"):

- ``timeLimit``: the legal time limit (``5 working days``…), or ``none`` where the law sets none.
  Every procedure must say one or the other: a receipt never prints an appointment by accident.
- ``receivedBy``: the agencies that may receive it, as agency kinds (``commune_committee``) or
  agency codes (``000.31.21.H56``), separated by commas. The counter offers a procedure only at
  those agencies, and reception refuses it elsewhere.
- ``requiredDocuments``: the papers the citizen must hand in, a JSON array. An entry is a name, or
  an object ``{"name": …, "kind": "original" | "certified_copy" | "copy", "count": 1,
  "optional": false}``; an optional entry is one the law asks for only in some cases ("nếu có").
  The counter ticks what it received; a required one missing blocks acceptance and goes on the
  guidance slip (form 02).
- ``supplementClock``: ``restart`` (default) or ``pause`` (engine/deadlines.py).
- ``sector``: the field (lĩnh vực) the procedure belongs to, e.g. ``Hộ tịch``: the periodic
  report's rows.
- ``onlineLevel``: ``full`` (full-process online: submission, processing, payment and result) or
  ``partial`` (something happens in person); absent when the procedure is not offered online.
  Index 3.3 counts the online share among the dossiers of procedures offered online.

``read`` is lenient (the manifest keeps what parses); ``problems`` is what ``motcua validate``
reports.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from engine.calendar import parse_time_limit
from engine.documents import MAX_COPIES, DocumentKind

NO_TIME_LIMIT = "none"
SUPPLEMENT_CLOCKS = ("restart", "pause")
ONLINE_LEVELS = ("full", "partial")
# An agency kind (snake_case) or an agency code (digits, dots and letters, e.g. 000.31.21.H56).
_RECEIVER = re.compile(r"^[A-Za-z0-9_.\-]{1,60}$")


@dataclass(frozen=True)
class RequiredDocument:
    name: str
    kind: str = DocumentKind.ORIGINAL.value
    count: int = 1
    optional: bool = False

    def as_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "count": self.count, "optional": self.optional}


def read(props: dict[str, str]) -> dict:
    """The parsed metadata kept in the manifest: ``time_limit`` (the text, ``none`` or None when
    undeclared), ``received_by`` (list) and ``required_documents`` (list of dicts)."""
    documents, _problems = _documents(props.get("requiredDocuments"))
    return {
        "time_limit": (props.get("timeLimit") or "").strip() or None,
        "received_by": receivers(props.get("receivedBy")),
        "required_documents": [d.as_dict() for d in documents],
        "sector": " ".join((props.get("sector") or "").split()),
        "online_level": (props.get("onlineLevel") or "").strip() or None,
    }


def problems(props: dict[str, str]) -> list[str]:
    """Every way the procedure's metadata is wrong or missing, as messages for ``validate``."""
    found = []
    limit = (props.get("timeLimit") or "").strip()
    if not limit:
        found.append("procedure has no legal time limit: set the property timeLimit "
                     f"(e.g. '5 working days'), or '{NO_TIME_LIMIT}' where the law sets none")
    elif limit != NO_TIME_LIMIT:
        try:
            parse_time_limit(limit)
        except ValueError as exc:
            found.append(f"timeLimit: {exc} (or '{NO_TIME_LIMIT}')")
    raw = props.get("receivedBy")
    if raw is None or not receivers(raw):
        found.append("procedure names no receiving agency: set the property receivedBy to agency kinds "
                     "or agency codes separated by commas (e.g. 'commune_committee')")
    else:
        bad = [r for r in receivers(raw) if not _RECEIVER.match(r)]
        if bad:
            found.append(f"receivedBy: not an agency kind or code: {', '.join(map(repr, bad))}")
    if "requiredDocuments" in props:
        found.extend(f"requiredDocuments: {p}" for p in _documents(props["requiredDocuments"])[1])
    clock = props.get("supplementClock")
    if clock is not None and clock not in SUPPLEMENT_CLOCKS:
        found.append(f"supplementClock must be one of {', '.join(SUPPLEMENT_CLOCKS)}, not {clock!r}")
    level = props.get("onlineLevel")
    if level is not None and level.strip() not in ONLINE_LEVELS:
        found.append(f"onlineLevel must be one of {', '.join(ONLINE_LEVELS)}, not {level!r}")
    if len(props.get("sector") or "") > 200:
        found.append("sector: longer than 200 characters")
    return found


def receivers(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _documents(raw: str | None) -> tuple[list[RequiredDocument], list[str]]:
    if raw is None or not raw.strip():
        return [], []
    try:
        entries = json.loads(raw)
    except ValueError as exc:
        return [], [f"not valid JSON: {exc}"]
    if not isinstance(entries, list):
        return [], ["must be a JSON array"]
    documents, found, names = [], [], set()
    kinds = {k.value for k in DocumentKind}
    for number, entry in enumerate(entries, start=1):
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            found.append(f"entry {number} needs a name")
            continue
        unknown = set(entry) - {"name", "kind", "count", "optional"}
        if unknown:
            found.append(f"entry {number}: unknown key(s) {', '.join(sorted(unknown))}")
        kind = entry.get("kind", DocumentKind.ORIGINAL.value)
        count = entry.get("count", 1)
        optional = entry.get("optional", False)
        if kind not in kinds:
            found.append(f"entry {number}: kind must be one of {', '.join(sorted(kinds))}")
            continue
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COPIES:
            found.append(f"entry {number}: count must be a whole number from 1 to {MAX_COPIES}")
            continue
        if not isinstance(optional, bool):
            found.append(f"entry {number}: optional must be true or false")
            continue
        name = " ".join(entry["name"].split())
        if len(name) > 500:
            found.append(f"entry {number}: name longer than 500 characters")
            continue
        if name.casefold() in names:
            found.append(f"entry {number}: {name!r} is listed twice")
            continue
        names.add(name.casefold())
        documents.append(RequiredDocument(name, kind, count, optional))
    return documents, found


def required_documents(manifest: dict) -> list[RequiredDocument]:
    return [RequiredDocument(**d) for d in (manifest.get("metadata") or {}).get("required_documents", [])]


def may_receive(manifest: dict, agency_kind: str, agency_code: str) -> bool:
    """Whether an agency may receive this procedure. A version deployed before procedures named
    their receivers names none: every counter may receive it, as before."""
    allowed = (manifest.get("metadata") or {}).get("received_by")
    if not allowed:
        return True
    return agency_kind in allowed or agency_code in allowed


def has_no_time_limit(manifest: dict) -> bool:
    return (manifest.get("properties") or {}).get("timeLimit", "").strip() == NO_TIME_LIMIT
