"""What a citizen reads about a procedure before applying: the catalogue entry beside its BPMN
(workflows/catalogue/<procedure key>.json). The diagram already says what the counter needs (legal
time limit, receiving agencies, required documents: engine/procedures/metadata.py); the entry adds
what only a reader needs, in Vietnamese and English:

- ``name``, ``field``, ``purpose``, ``who`` (who may apply and where): ``{"vi": …, "en": …}``;
- ``fee``: ``{"amount": <VND, whole number>, "vi": …, "en": …}`` (the amount is what an online
  payment will ask; the text explains it);
- ``online_level``: ``full`` (submitted, paid and received online) or ``partial`` (submitted
  online, the result collected at the counter);
- ``documents_en``: English names of the required documents (the diagram names them in Vietnamese);
- ``steps_en``: English names of the diagram's steps, by their Vietnamese name (an English page
  shows them wherever a step is named: the inbox, the task and dossier pages, the history, the
  citizen's tracking page);
- ``diagram_en``: English names of what else the diagram names (pools, start and end events,
  messages thrown and caught, gateways, sub-processes, the labels of sequence and message flows),
  by their Vietnamese name; only the drawn diagram reads them (a flow's label only from here);
- ``forms``: blank forms to download, ``{"id", "document", "title", "fields": [{"vi", "en"}]}``;
- ``intake`` (optional): the file name, under ``intake/``, of the JSON Schema a citizen fills in to
  submit online; a procedure without one is described but not submitted online.

A procedure that only a partner's message opens (``opened_by_partner``) has an entry too, for the
names its officers read in English, but is not offered to citizens: it is not in their catalogue
and is not submitted online (its ``who`` says where citizens apply instead).

``problems`` is what a test (and an operator editing the files) gets back; ``load`` keeps only the
entries without problems, so a broken file hides one procedure, never the catalogue.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine import contact

ONLINE_LEVELS = ("full", "partial")
# What each text says, to name it in a problem: (English, Vietnamese).
_TEXT_KEYS = {"name": ("The procedure's name", "Tên thủ tục"), "field": ("The field", "Lĩnh vực"),
              "purpose": ("The purpose", "Mục đích"), "who": ("Who may apply", "Đối tượng thực hiện")}
_FORM_ID = re.compile(r"^[a-z0-9][a-z0-9\-]{0,79}$")


def _bilingual(value) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k].strip() for k in ("vi", "en"))


def problems(entry) -> list[tuple[str, str]]:
    """Every way the entry is wrong, as (English, Vietnamese) sentences that say what to write:
    the English for the command line and the tests, the Vietnamese for whoever edits the files."""
    if not isinstance(entry, dict):
        return [("The catalogue entry must be a JSON object (in curly brackets {…}).",
                 "Mục danh mục phải là một đối tượng JSON (đặt trong ngoặc nhọn {…}).")]
    found = [(f"{en} (“{key}”) needs a text in Vietnamese and in English: write "
              f"\"{key}\": {{\"vi\": …, \"en\": …}}, neither of them empty.",
              f"{vi} (“{key}”) cần có nội dung bằng tiếng Việt và tiếng Anh: hãy ghi "
              f"\"{key}\": {{\"vi\": …, \"en\": …}}, không để trống thứ tiếng nào.")
             for key, (en, vi) in _TEXT_KEYS.items() if not _bilingual(entry.get(key))]
    fee = entry.get("fee")
    if not _bilingual(fee) or isinstance(fee.get("amount"), bool) or not isinstance(fee.get("amount"), int) \
            or fee["amount"] < 0:
        found.append(("The fee (“fee”) needs an amount in VND as a whole number (0 when the procedure is free) "
                      "and a text in Vietnamese and in English: write {\"amount\": 50000, \"vi\": …, \"en\": …}.",
                      "Phí, lệ phí (“fee”) phải có số tiền bằng đồng, là số nguyên (ghi 0 khi không thu phí) và lời "
                      "giải thích bằng tiếng Việt và tiếng Anh: hãy ghi {\"amount\": 50000, \"vi\": …, \"en\": …}."))
    if entry.get("online_level") not in ONLINE_LEVELS:
        found.append(("The online level (“online_level”) must be “full” (submitted, paid and received online) or "
                      "“partial” (submitted online, the result collected at the counter).",
                      "Mức độ dịch vụ công trực tuyến (“online_level”) phải là “full” (nộp, thanh toán và nhận kết "
                      "quả trực tuyến) hoặc “partial” (nộp trực tuyến, nhận kết quả tại Bộ phận một cửa)."))
    names = entry.get("documents_en", {})
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        found.append(("The English document names (“documents_en”) must map each Vietnamese document name to its "
                      "English name: write {\"<Vietnamese name>\": \"<English name>\"}.",
                      "Tên giấy tờ bằng tiếng Anh (“documents_en”) phải ghép mỗi tên giấy tờ tiếng Việt với tên "
                      "tiếng Anh của nó: hãy ghi {\"<tên tiếng Việt>\": \"<tên tiếng Anh>\"}."))
    for key, what_en, what_vi in (("steps_en", "step", "bước"), ("diagram_en", "element", "thành phần sơ đồ")):
        names = entry.get(key, {})
        if not isinstance(names, dict) or not all(
                isinstance(v, str) and v.strip() and not contact.text_problem(v, 255) for v in names.values()):
            found.append((f"The English names in “{key}” must map each Vietnamese {what_en} name to its English "
                          "name, on one line of at most 255 characters: correct the names that are empty, "
                          "too long or on several lines.",
                          f"Tên tiếng Anh trong “{key}” phải ghép mỗi tên {what_vi} tiếng Việt với tên tiếng Anh "
                          "của nó, viết trên một dòng, tối đa 255 ký tự: hãy sửa các tên để trống, quá dài "
                          "hoặc xuống dòng."))
    forms = entry.get("forms", [])
    if not isinstance(forms, list):
        return found + [("The blank forms (“forms”) must be a list: write [ … ], even for a single form.",
                         "Mẫu đơn, tờ khai (“forms”) phải là một danh sách: hãy ghi [ … ], kể cả khi chỉ có một "
                         "mẫu.")]
    seen = set()
    for number, form in enumerate(forms, start=1):
        if not isinstance(form, dict) or not _FORM_ID.match(str(form.get("id", ""))) or form["id"] in seen:
            found.append((f"Form {number} needs an identifier (“id”) of its own, made of lowercase letters, digits "
                          "and dashes (e.g. “to-khai-ket-hon”).",
                          f"Mẫu thứ {number} cần một mã (“id”) không trùng với mẫu khác, chỉ gồm chữ thường không "
                          "dấu, chữ số và dấu gạch ngang (ví dụ “to-khai-ket-hon”)."))
            continue
        seen.add(form["id"])
        if not _bilingual(form.get("title")):
            found.append((f"The form “{form['id']}” needs a title in Vietnamese and in English: "
                          "write \"title\": {\"vi\": …, \"en\": …}.",
                          f"Mẫu “{form['id']}” cần tên bằng tiếng Việt và tiếng Anh: "
                          "hãy ghi \"title\": {\"vi\": …, \"en\": …}."))
        fields = form.get("fields")
        if not isinstance(fields, list) or not fields or not all(_bilingual(f) for f in fields):
            found.append((f"The form “{form['id']}” needs at least one field, each labelled in Vietnamese and in "
                          "English: write \"fields\": [{\"vi\": …, \"en\": …}].",
                          f"Mẫu “{form['id']}” cần ít nhất một ô cần điền, mỗi ô có nhãn bằng tiếng Việt và tiếng "
                          "Anh: hãy ghi \"fields\": [{\"vi\": …, \"en\": …}]."))
    return found


def read_dir(directory: Path) -> dict[str, tuple[dict | None, list[tuple[str, str]]]]:
    """Every entry in ``directory`` by procedure key, with its problems as (English, Vietnamese)
    (entry None if unreadable). An entry's intake schema is read in: ``entry["intake_schema"]``."""
    result = {}
    for path in sorted(Path(directory).glob("*.json")):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
            result[path.stem] = (None, [(
                f"The file {path.name} cannot be read as JSON{' (' + where + ')' if where else ''}: "
                "correct it in a JSON editor.",
                f"Không đọc được tệp {path.name} dưới dạng JSON"
                f"{' (dòng ' + str(exc.lineno) + ')' if where else ''}: hãy sửa tệp bằng một trình soạn JSON.")])
            continue
        found = problems(entry)
        if isinstance(entry, dict) and "intake" in entry:
            found += _read_intake(Path(directory), entry)
        result[path.stem] = (entry, found)
    return result


def _read_intake(directory: Path, entry: dict) -> list[tuple[str, str]]:
    from engine.procedures.forms import check_schema
    name = entry.get("intake")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]+\.json", name):
        return [("The online form (“intake”) must be the file name of a JSON Schema in the folder intake/, in "
                 "lowercase letters, digits and underscores, ending in .json (e.g. “dang_ky_ket_hon.json”).",
                 "Biểu mẫu nộp trực tuyến (“intake”) phải là tên một tệp JSON Schema trong thư mục intake/, chỉ "
                 "gồm chữ thường không dấu, chữ số và dấu gạch dưới, có đuôi .json (ví dụ "
                 "“dang_ky_ket_hon.json”).")]
    try:
        schema = json.loads((directory / "intake" / name).read_text(encoding="utf-8"))
    except OSError:
        return [(f"The online form intake/{name} is missing: add the file or correct the name in “intake”.",
                 f"Không có tệp biểu mẫu nộp trực tuyến intake/{name}: hãy thêm tệp hoặc sửa tên trong “intake”.")]
    except ValueError as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        where_vi = f" (dòng {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        return [(f"The online form intake/{name} cannot be read as JSON{where}: correct it in a JSON editor.",
                 f"Không đọc được biểu mẫu nộp trực tuyến intake/{name} dưới dạng JSON{where_vi}: hãy sửa tệp "
                 "bằng một trình soạn JSON.")]
    problem = check_schema(schema)
    if problem:
        en, vi = problem
        return [(f"The online form intake/{name} cannot be used: {en}",
                 f"Không dùng được biểu mẫu nộp trực tuyến intake/{name}: {vi}")]
    entry["intake_schema"] = schema
    return []


@lru_cache(maxsize=8)
def _load(directory: str, stamp: tuple) -> dict[str, dict]:
    return {key: entry for key, (entry, found) in read_dir(Path(directory)).items() if entry and not found}


def load(directory: Path) -> dict[str, dict]:
    """The valid entries by procedure key; re-read when a file changes (its name, size or time)."""
    return _load(str(directory), _stamp(Path(directory)))


def _stamp(directory: Path) -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(directory.glob("*.json"))) \
        if directory.is_dir() else ()


@dataclass(frozen=True)
class EnglishNames:
    """The English of what the diagrams name in Vietnamese, from every published entry: procedures
    by ``name``, steps by ``steps_en``, fields (lĩnh vực) by ``field``, required documents by
    ``documents_en`` and the diagram's other named elements by ``diagram_en``. A page names these
    by their text (a work item, the history and a received document keep the name, not the entry),
    so these map the Vietnamese name."""
    procedures: dict[str, str]
    steps: dict[str, str]
    fields: dict[str, str]
    documents: dict[str, str]
    diagram: dict[str, str]

    def step(self, name: str | None) -> str | None:
        """The step's English name, or the diagram's name when no entry gives one."""
        return self.steps.get(name, name) if name else name

    def procedure(self, name: str | None) -> str | None:
        """The procedure's English name, or the diagram's name when no entry gives one."""
        return self.procedures.get(name, name) if name else name

    def field(self, name: str | None) -> str | None:
        """The field's (sector's) English name, or its Vietnamese name when no entry gives one."""
        return self.fields.get(name, name) if name else name

    def document(self, name: str | None) -> str | None:
        """A required document's English name, or the name as written when no entry gives one
        (a document an officer named at the counter keeps the officer's words)."""
        return self.documents.get(name, name) if name else name

    def element(self, name: str | None) -> str | None:
        """A drawn shape's English name (a step's, else a pool's, event's, gateway's or
        sub-process's), or the diagram's name when no entry gives one."""
        return self.steps.get(name) or self.diagram.get(name, name) if name else name

    def flow(self, name: str | None) -> str | None:
        """A flow's label in English (``diagram_en`` only: a flow called like a step, "Phê duyệt",
        means the branch taken, "Approved", not the step), or the diagram's label."""
        return self.diagram.get(name, name) if name else name


NO_ENGLISH_NAMES = EnglishNames({}, {}, {}, {}, {})


def english_names(directory: Path | None) -> EnglishNames:
    if directory is None:
        return NO_ENGLISH_NAMES
    return _english_names(str(directory), _stamp(Path(directory)))


# ``session.info`` key: the catalogue's directory, on every session of the commands and the
# scheduler (engine/bootstrap.py), so that the English half of what the engine writes (officers'
# notifications and mails) names steps as English pages do.
SESSION_KEY = "motcua_catalogue_dir"


def english_names_for(session) -> EnglishNames:
    return english_names(session.info.get(SESSION_KEY))


@lru_cache(maxsize=8)
def _english_names(directory: str, stamp: tuple) -> EnglishNames:
    entries = _load(directory, stamp).values()
    return EnglishNames(procedures={entry["name"]["vi"]: entry["name"]["en"] for entry in entries},
                        steps={vi: en for entry in entries for vi, en in entry.get("steps_en", {}).items()},
                        fields={entry["field"]["vi"]: entry["field"]["en"] for entry in entries},
                        documents={vi: en for entry in entries for vi, en in entry.get("documents_en", {}).items()},
                        diagram={vi: en for entry in entries for vi, en in entry.get("diagram_en", {}).items()})


def intake_schema(directory: Path | None, procedure_key: str) -> dict | None:
    """The schema a citizen filled in to submit this procedure online (None without one): the
    titles of what an online dossier carries from its submission."""
    if directory is None:
        return None
    return (load(directory).get(procedure_key) or {}).get("intake_schema")


def opened_by_partner(manifest: dict | None) -> bool:
    """Whether the procedure's dossiers are opened by a partner's message, not by a citizen: its
    diagram goes from a plain start event straight to catching a partner's message (``starts_on``,
    engine/procedures/manifest.py). A dossier a citizen opened would wait there for a message that
    no partner sends it, since the partner's own message opens a dossier of its own."""
    return bool(((manifest or {}).get("partners") or {}).get("starts_on"))


def fold(text: str) -> str:
    """Text for accent-insensitive search: "Đăng ký kết hôn" and "dang ky ket hon" fold alike."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())
