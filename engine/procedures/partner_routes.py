"""How a procedure's messages go to and come from partner pools (participants without a process:
another agency's own system), for the control slip and the history. Read from the BPMN at
deployment (``manifest["partner_routes"]``, engine/procedures/manifest.py); a version deployed
before that is read from its BPMN once per process."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from engine.procedures.manifest import build_manifest
from engine.procedures.safe_xml import parse_untrusted


@dataclass(frozen=True)
class PartnerRoute:
    """A message exchanged with a partner pool (a participant without a process), as drawn."""
    outgoing: bool  # True: we send it to the partner; False: the partner sends it to us
    pool: str  # the partner pool's name
    code: str  # its partnerCode (else its name); ANY_PARTNER stands for whoever asked
    process_id: str  # the process of our throwing or catching element
    lane: str  # that element's lane: the unit that hands over or receives
    what: str  # what the message flow says is carried
    element: str  # our element's name
    allotment: str = ""  # the partner's share (``allotment`` on the participant)
    reply: str | None = None  # outgoing: the partner's message our process waits for next, if any


def partner_routes(manifest: dict, bpmn_xml: Callable[[], str]) -> dict[str, PartnerRoute]:
    """Message name → how it goes to, or comes from, a partner pool. ``bpmn_xml`` is called
    only for a version whose manifest predates the routes."""
    stored = manifest.get("partner_routes")
    if stored is None:
        stored = _read(bpmn_xml())
    return {message: PartnerRoute(**route) for message, route in stored.items()}


@lru_cache(maxsize=64)
def _read(bpmn_xml: str) -> dict[str, dict]:
    # A deployed version passed the safe-XML checks already; the size limit is only a second wall.
    data = bpmn_xml.encode()
    return build_manifest(parse_untrusted(data, len(data)))["partner_routes"]
