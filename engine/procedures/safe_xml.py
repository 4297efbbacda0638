"""Reading untrusted XML (BPMN uploads, partner files) without letting it read anything else.

BPMN never needs a DTD, so any DOCTYPE is refused before parsing: that closes external entities
(file or network reads) and entity expansion bombs alike. The lxml parser is also configured
not to resolve entities or touch the network, as a second wall.
"""
from __future__ import annotations

import re

from lxml import etree

_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeXml(ValueError):
    pass


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


def parse_untrusted(content: bytes, max_bytes: int) -> etree._ElementTree:
    if len(content) > max_bytes:
        raise UnsafeXml(f"file too large: {len(content)} bytes (limit {max_bytes})")
    # Check every encoding we may be handed: UTF-16 spreads the marker over two-byte units.
    for candidate in (content, _as_utf8(content)):
        if candidate is not None and _DTD_MARKERS.search(candidate):
            raise UnsafeXml("DOCTYPE/ENTITY declarations are not allowed")
    tree = etree.ElementTree(etree.fromstring(content, parser=_parser()))
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXml("DOCTYPE/ENTITY declarations are not allowed")
    return tree


def _as_utf8(content: bytes) -> bytes | None:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return content.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
    return None
