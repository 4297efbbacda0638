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


def problems(props: dict[str, str]) -> list[tuple[str, str]]:
    """Every way the procedure's metadata is wrong or missing, as (English, Vietnamese) messages:
    the English for ``validate``, the Vietnamese for the editor's page."""
    found = []
    limit = (props.get("timeLimit") or "").strip()
    # In the words a modeller writes on the Vietnamese page (engine/calendar/working_time.py reads them).
    examples_vi = "“15 ngày làm việc”, “4 giờ làm việc”, “15 ngày theo lịch”"
    if not limit:
        found.append(("The procedure has no legal time limit: set the property timeLimit "
                      f"(e.g. “5 working days”), or “{NO_TIME_LIMIT}” where the law sets none.",
                      f"Thủ tục chưa có thời hạn giải quyết: hãy điền Thời hạn giải quyết theo dạng "
                      f"{examples_vi}, hoặc “{NO_TIME_LIMIT}” khi pháp luật không quy định thời hạn."))
    elif limit != NO_TIME_LIMIT:
        try:
            parse_time_limit(limit)
        except ValueError:
            found.append((f"The time limit (timeLimit) “{limit}” is not a time limit: write e.g. “3 working days”, "
                          f"“4 working hours”, “15 calendar days”, “0.5 working days”, or “{NO_TIME_LIMIT}” "
                          "where the law sets none.",
                          f"Thời hạn giải quyết «{limit}» không đúng dạng: hãy viết {examples_vi}, "
                          f"hoặc “{NO_TIME_LIMIT}” khi pháp luật không quy định thời hạn."))
    raw = props.get("receivedBy")
    if raw is None or not receivers(raw):
        found.append(("The procedure names no receiving agency: set the property receivedBy to agency kinds "
                      "or agency codes separated by commas (e.g. “commune_committee” or “000.31.21.H56”).",
                      "Thủ tục chưa có nơi tiếp nhận: hãy điền Nơi tiếp nhận (receivedBy) bằng loại cơ quan hoặc "
                      "mã cơ quan, cách nhau bởi dấu phẩy, ví dụ “commune_committee” hoặc “000.31.21.H56”."))
    else:
        bad = [r for r in receivers(raw) if not _RECEIVER.match(r)]
        if bad:
            listed_en, listed_vi = "”, “".join(bad), "», «".join(bad)
            found.append((f"The receiving agency (receivedBy) “{listed_en}” is not an agency kind or code: write agency "
                          "kinds such as “commune_committee” or agency codes such as “000.31.21.H56” (unaccented "
                          "letters, digits, dots, dashes, underscores), separated by commas.",
                          f"Nơi tiếp nhận (receivedBy): «{listed_vi}» không phải loại cơ quan hay mã cơ quan: "
                          "hãy viết loại cơ quan như “commune_committee” hoặc mã cơ quan như “000.31.21.H56” (chỉ chữ "
                          "không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới), cách nhau bởi dấu phẩy."))
    if "requiredDocuments" in props:
        found.extend((f"The required documents (requiredDocuments): {en}.", f"Thành phần hồ sơ (requiredDocuments): {vi}")
                     for en, vi in _documents(props["requiredDocuments"])[1])
    clock = props.get("supplementClock")
    if clock is not None and clock not in SUPPLEMENT_CLOCKS:
        found.append((f"The supplement clock (supplementClock) must be “restart” (count again from the start) or "
                      f"“pause” (pause, then go on), not “{clock}”.",
                      f"Đồng hồ khi bổ sung hồ sơ (supplementClock) phải là “restart” (tính lại từ đầu) hoặc "
                      f"“pause” (tạm dừng rồi tính tiếp), không phải «{clock}»."))
    level = props.get("onlineLevel")
    if level is not None and level.strip() not in ONLINE_LEVELS:
        found.append((f"The online level (onlineLevel) must be “full” or “partial”, not “{level}”; remove the "
                      "property if the procedure is not offered online.",
                      f"Mức cung cấp trực tuyến (onlineLevel) phải là “full” (toàn trình) hoặc “partial” (một phần), "
                      f"không phải «{level}»; bỏ thuộc tính này nếu thủ tục không cung cấp trực tuyến."))
    if len(props.get("sector") or "") > 200:
        found.append(("The sector (sector) is longer than 200 characters: shorten it.",
                      "Lĩnh vực (sector) dài quá 200 ký tự: hãy rút gọn."))
    return found


def receivers(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _documents(raw: str | None) -> tuple[list[RequiredDocument], list[tuple[str, str]]]:
    """The documents, and what is wrong with the entries as (English, Vietnamese) messages."""
    if raw is None or not raw.strip():
        return [], []
    example = '[{"name": "Tờ khai", "kind": "original"}]'
    example_en = '[{"name": "Application form", "kind": "original"}]'
    try:
        entries = json.loads(raw)
    except ValueError as exc:
        where_en = where_vi = ""
        if isinstance(exc, json.JSONDecodeError):
            where_en, where_vi = f" (line {exc.lineno}, column {exc.colno})", f" (lỗi ở dòng {exc.lineno}, cột {exc.colno})"
        return [], [(f"not valid JSON{where_en}: write a JSON array, e.g. {example_en}",
                     f"không phải JSON hợp lệ{where_vi}: hãy viết một danh sách JSON, ví dụ {example}.")]
    if not isinstance(entries, list):
        return [], [(f"must be a JSON array (in square brackets […]), e.g. {example_en}",
                     f"phải là một danh sách JSON (trong ngoặc vuông […]), ví dụ {example}.")]
    documents, found, names = [], [], set()
    kinds = {k.value for k in DocumentKind}
    kinds_vi = ", ".join(f"“{k.value}” ({k.label_vi.lower()})" for k in DocumentKind)
    for number, entry in enumerate(entries, start=1):
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            found.append((f"document {number} has no name: write the document's name",
                          f"giấy tờ thứ {number} chưa có tên (name): hãy ghi tên giấy tờ."))
            continue
        unknown = set(entry) - {"name", "kind", "count", "optional"}
        if unknown:
            found.append((f"document {number} has keys that cannot be used: {', '.join(sorted(unknown))}; use only "
                          "name, kind, count and optional",
                          f"giấy tờ thứ {number} có khóa không dùng được: {', '.join(sorted(unknown))}; chỉ dùng "
                          "name, kind, count và optional."))
        kind = entry.get("kind", DocumentKind.ORIGINAL.value)
        count = entry.get("count", 1)
        optional = entry.get("optional", False)
        if kind not in kinds:
            found.append((f"the kind of document {number} must be one of {', '.join(sorted(kinds))}",
                          f"loại (kind) của giấy tờ thứ {number} phải là {kinds_vi}."))
            continue
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COPIES:
            found.append((f"the count of document {number} must be a whole number from 1 to {MAX_COPIES}",
                          f"số bản (count) của giấy tờ thứ {number} phải là số nguyên từ 1 đến {MAX_COPIES}."))
            continue
        if not isinstance(optional, bool):
            found.append((f"optional of document {number} must be true (handed in only in some cases) or false "
                          "(required)",
                          f"optional của giấy tờ thứ {number} phải là true (chỉ nộp trong một số trường hợp) "
                          "hoặc false (bắt buộc)."))
            continue
        name = " ".join(entry["name"].split())
        if len(name) > 500:
            found.append((f"the name of document {number} is longer than 500 characters: shorten it",
                          f"tên giấy tờ thứ {number} dài quá 500 ký tự: hãy rút gọn."))
            continue
        if name.casefold() in names:
            found.append((f"document {number} “{name}” is listed twice: remove one",
                          f"giấy tờ thứ {number} «{name}» bị ghi hai lần: hãy bỏ một lần."))
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
