"""Reading untrusted XML (BPMN uploads, partner files) without letting it read anything else.

BPMN never needs a DTD, so any DOCTYPE is refused before parsing: that closes external entities
(file or network reads) and entity expansion bombs alike. The lxml parser is also configured
not to resolve entities or touch the network, as a second wall.
"""
from __future__ import annotations

import re

from lxml import etree

_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
DTD_REFUSED_VI = ("Tệp có khai báo DOCTYPE hoặc ENTITY, không được phép trong sơ đồ BPMN (vì an toàn): "
                  "hãy xóa khai báo đó.")
DTD_REFUSED_EN = ("The file is refused: it has a DOCTYPE or ENTITY declaration, which a BPMN diagram may not have "
                  "(for safety); delete that declaration.")


class UnsafeXml(ValueError):
    """Refused before reading; ``message_vi`` says the same for a modeller's page."""

    def __init__(self, message: str, message_vi: str = ""):
        super().__init__(message)
        self.message_vi = message_vi


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


def parse_untrusted(content: bytes, max_bytes: int) -> etree._ElementTree:
    if len(content) > max_bytes:
        raise UnsafeXml(f"The file is too large: {_size(len(content), '.')}, at most {_size(max_bytes, '.')}.",
                        f"Tệp quá lớn: {_size(len(content))}, tối đa {_size(max_bytes)}.")
    # Check every encoding we may be handed: UTF-16 spreads the marker over two-byte units.
    for candidate in (content, _as_utf8(content)):
        if candidate is not None and _DTD_MARKERS.search(candidate):
            raise UnsafeXml(DTD_REFUSED_EN, DTD_REFUSED_VI)
    tree = etree.ElementTree(etree.fromstring(content, parser=_parser()))
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXml(DTD_REFUSED_EN, DTD_REFUSED_VI)
    return tree


def _as_utf8(content: bytes) -> bytes | None:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return content.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _size(n: int, decimal_mark: str = ",") -> str:
    """A size as a modeller reads it: "2 MB", "512 KB" (rounded up; a Vietnamese decimal comma, or
    the English point)."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", decimal_mark) + " MB"
    return f"{-(-n // 1024)} KB"


def syntax_message_vi(exc: etree.XMLSyntaxError) -> str:
    """lxml's syntax error (English, with its own "<string>" source) as a modeller's page says it:
    where the file stops being XML."""
    line, column = exc.position if exc.position else (exc.lineno, 0)
    return f"Tệp không phải XML hợp lệ: lỗi ở dòng {line}, cột {column}. Hãy kiểm tra tệp có đúng là sơ đồ BPMN, lưu đủ, không bị cắt."


def syntax_message_en(exc: etree.XMLSyntaxError) -> str:
    """The same in English, for the command line and an English page: the same advice, not
    libxml's own wording ("AttValue: ' expected"), which says nothing to a modeller."""
    line, column = exc.position if exc.position else (exc.lineno, 0)
    return (f"The file is not valid XML: error at line {line}, column {column}. Check that the file is a BPMN "
            "diagram, saved whole, not cut off.")
