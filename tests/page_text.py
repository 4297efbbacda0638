"""What a user reads on a page, and what must never be there (issue 12, point 6; docs/DESIGN.md,
"Every page walked").

``visible_texts(html)`` gives the text a reader sees, one piece per text node, plus the attributes
that are shown or read aloud (placeholder, title, aria-label, alt, button values). It leaves out
scripts, styles, hidden elements, and anything marked ``translate="no"``: a dossier code, an ID
number, a procedure key shown to its modeller are code-like on purpose and carry that mark, which
also tells translation tools to leave them alone. Text in another language than the page's
(``lang="en"`` on the "English" switch of a Vietnamese page) is checked as that language.

``problems(html)`` lists every piece a user should never see:

- Python leaking through: exception names and texts (``Traceback``, ``KeyError``, ``URLError``,
  ``[Errno 111]``, ``<urlopen error``), dict or list reprs, and on a Vietnamese page
  ``None``/``True``/``False`` printed as values;
- raw identifiers: ``snake_case`` keys (a form field, a message name, a message key such as
  ``errors.not_found``) and ``camelCase`` property names;
- on a Vietnamese page, English words of the interface (a word list: what our templates would say
  if a text were left in English);
- on an English page, Vietnamese the page's own templates hold (a text left out of ``_()``), or a
  catalogue entry shown untranslated.

Names, addresses and procedure titles are data in Vietnamese and stay so on English pages; the
check therefore looks for texts of the code, never for "any Vietnamese letter". A diagram (``svg``)
shows the modeller's words as written, in neither page language and with the keys a modeller
types (a message's name): only Python leaking through is looked for there.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import lxml.html
from babel.messages.pofile import read_po
from jinja2 import Environment

WEBAPP = Path(__file__).resolve().parents[1] / "webapp"
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SKIPPED_TAGS = {"script", "style", "template", "noscript", "head"}

PYTHON_LEAKS = re.compile(
    r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|\[Errno|<urlopen|\bErrno\b|object at 0x"
    r"|\{'|'\}|\[\]|\{\}|<built-in|\bdatetime\.|\bDecimal\(")
# Python's values printed as they are: words of English, so only a Vietnamese page shows them up.
PYTHON_VALUES = re.compile(r"\b(None|True|False)\b")
# snake_case (two words or more) and dotted message keys; camelCase property names; PascalCase
# type names (a BPMN element's type: ``UserTask``, ``SequenceFlow``).
IDENTIFIER = re.compile(r"(?<![\w./@:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])|"
                        r"(?<![\w./@:-])[a-z]+(?:\.[a-z]+_[a-z_]+)+\b|"
                        r"(?<![\w./@:-])[a-z]+[A-Z][a-z]+[A-Za-z]*\b|"
                        r"(?<![\w./@:-])(?:[A-Z][a-z]+){2,}\b")
# Words our interface would show if a text were left in English. Words that are also Vietnamese
# without their accents (to, an, do, the "con"…) are left out; so are PDF, CSV, QR, email, OK.
ENGLISH_WORDS = {
    "the", "and", "of", "with", "from", "your", "this", "that", "not", "none", "error", "failed",
    "pool", "lane", "task", "tasks", "dossier", "dossiers", "submit", "save", "cancel", "delete",
    "edit", "search", "back", "next", "previous", "login", "logout", "password", "username",
    "status", "step", "steps", "inbox", "pending", "closed", "sent", "retry", "message", "messages",
    "refused", "connection", "timeout", "timed", "unknown", "invalid", "required", "field", "value",
    "please", "click", "here", "select", "choose", "upload", "download", "name", "date", "time",
    "start", "end", "user", "users", "role", "roles", "agency", "unit", "units", "partner", "sequence",
    "flow", "gateway", "event", "undo", "redo", "zoom", "print", "close", "open", "yes", "no",
    "true", "false", "loading", "waiting", "queued", "delivered", "dead", "letter", "is", "are",
    "was", "be", "has", "have", "will", "must", "should", "can", "for", "or", "at", "by", "on",
    # The diagram editor's (bpmn-js's palette, context pad and menus).
    "activate", "create", "append", "connect", "change", "element", "elements", "tool", "add",
    "lanes", "annotation", "process", "participant", "intermediate", "boundary", "data", "object",
    "reference", "group", "space", "hand", "lasso", "into", "above", "below", "using", "association",
    "loop", "diagram", "align", "distribute", "expanded", "collapsed", "catch", "throw", "timer",
}
ADDRESS = re.compile(r"^https?://\S+$")
WORD = re.compile(r"[A-Za-z]+")
VIETNAMESE_LETTER = re.compile(
    "[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.IGNORECASE)


def visible_texts(html: str) -> list[tuple[str, str, str]]:
    """(language, text, where) for every piece of text a reader sees or hears, in page order;
    ``where`` names the element, for the failure message. Inside a diagram (``svg``) the language
    is "model": the names are the modeller's, in the procedure's language, whatever the page's."""
    root = lxml.html.document_fromstring(html)
    page_language = root.get("lang") or "vi"
    pieces: list[tuple[str, str]] = []
    title = root.find(".//title")
    if title is not None and (title.text or "").strip():
        pieces.append((page_language, title.text.strip(), "title"))

    def walk(element, language):
        if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
            return
        if _hidden(element):
            return
        language = "model" if element.tag == "svg" else element.get("lang") or language
        where = element.tag + "".join(f".{c}" for c in (element.get("class") or "").split()[:2])
        for name in SHOWN_ATTRIBUTES:
            if (element.get(name) or "").strip():
                pieces.append((language, element.get(name).strip(), f"{where}[{name}]"))
        if element.tag == "input" and element.get("type") in ("submit", "button") and element.get("value"):
            pieces.append((language, element.get("value").strip(), where))
        if (element.text or "").strip():
            pieces.append((language, element.text.strip(), where))
        for child in element:
            walk(child, language)
            if (child.tail or "").strip():
                pieces.append((language, child.tail.strip(), where))

    body = root.find("body")
    walk(body if body is not None else root, page_language)
    return pieces


def _hidden(element) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return (element.get("hidden") is not None or element.get("translate") == "no"
            or (element.tag == "input" and element.get("type") == "hidden")
            or "display:none" in style)


def problems(html: str) -> list[str]:
    """Every piece of the page a user should never read, with the reason."""
    found = []
    for lang, text, where in visible_texts(html):
        for reason in _reasons(text, lang):
            found.append(f"{reason}: {text!r} in <{where}>")
    return found


def _reasons(text: str, language: str):
    if ADDRESS.match(text):
        return  # a web address is the same in every language (the partner's endpoint, its example)
    if PYTHON_LEAKS.search(text):
        yield "Python text"
    # In a diagram the words are the modeller's, as written: a message's name is the key the engine
    # and the partner agree on (``thong_tin_nghia_vu_tai_chinh``), which bpmn-js draws on its flow.
    if IDENTIFIER.search(text) and language != "model":
        yield f"raw identifier {IDENTIFIER.search(text).group(0)!r}"
    if language == "vi":
        if PYTHON_VALUES.search(text):
            yield "Python value"
        english = [w for w in WORD.findall(text) if w.lower() in ENGLISH_WORDS]
        # One stray word in a Vietnamese sentence is usually a loan ("email", a name); two or a
        # whole piece in English is a text left untranslated.
        if english and (len(english) >= 2 or not VIETNAMESE_LETTER.search(text) and len(WORD.findall(text)) <= 3):
            yield f"English {english!r} on a Vietnamese page"
    elif language == "en" and VIETNAMESE_LETTER.search(text):
        if text in _catalogue_ids():
            yield "untranslated catalogue text"
        elif any(literal in text for literal in _template_literals()):
            yield "Vietnamese text of a template on an English page"


@lru_cache(maxsize=1)
def _catalogue_ids() -> frozenset[str]:
    ids = set()
    for folder in ("translations", "translations_citizen"):
        with open(WEBAPP / folder / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
            ids |= {m.id for m in read_po(f, locale="en") if m.id and isinstance(m.id, str)}
    return frozenset(ids)


@lru_cache(maxsize=1)
def _template_literals() -> tuple[str, ...]:
    """Vietnamese text written straight into the templates (outside ``_()``): what an English page
    would show untranslated."""
    environment = Environment(extensions=["jinja2.ext.i18n"])
    literals = set()
    for path in (WEBAPP / "templates").rglob("*.html"):
        for _line, kind, value in environment.lex(path.read_text(encoding="utf-8")):
            if kind != "data":
                continue
            for line in re.sub(r"<[^>]*>", "\n", value).splitlines():
                line = line.strip()
                if len(line) >= 4 and VIETNAMESE_LETTER.search(line):
                    literals.add(line)
    return tuple(sorted(literals))


def table_rows(html: str, section: str | None = None, *, table_class: str | None = None) -> list[list[str]]:
    """The body rows of the table in the section a heading of id ``section`` names (``history-title``,
    ``documents-title``), or of the table of class ``table_class`` on a page without sections (a
    printed slip), each as the texts a reader sees in its cells, in order."""
    root = lxml.html.fromstring(html)
    where = f'//section[@aria-labelledby="{section}"]//table' if section else \
        f'//table[contains(concat(" ", @class, " "), " {table_class} ")]'
    tables = root.xpath(where)
    assert tables, f"no table in {section or table_class}"
    for line_break in tables[0].iter("br"):  # a new line reads as a space
        line_break.tail = " " + (line_break.tail or "")
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
            for row in tables[0].xpath("./tbody/tr")]


def shown_notices(html: str) -> str:
    """The notifications page's messages as a reader sees them (a dossier code inside one is marked
    up to stay whole), one a line."""
    root = lxml.html.fromstring(html)
    return "\n".join(" ".join(m.text_content().split())
                     for m in root.xpath('//li[contains(@class, "notification")]/span[@class="message"]'))


def body_text(html: str) -> str:
    """The page's body as one line of text, so that a sentence with a link inside reads whole."""
    return " ".join(lxml.html.document_fromstring(html).body.text_content().split())
