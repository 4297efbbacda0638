"""A partner's payload is checked against the form its catching element declares (``payloadForm``)
before the message is recorded: a payload the dossier could not use (a field missing, a number
written as text, an over-long note) is refused at once with what is wrong in it, so the sender's
outbox shows it and nothing enters the dossier. A message naming no dossier of ours is checked
against the procedure it would open here (engine/partners/starts.py); one that opens nothing is
kept and retried as before, so it is not checked."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engine import clock
from engine.errors import FormInvalid
from engine.models import Agency, Dossier, Partner
from engine.partners import ANY_PARTNER
from engine.partners.starts import starting_version
from engine.procedures.forms import validate_form
from engine.runtime.host import procedure_of

_DOSSIER_BY_CODE = select(Dossier).options(joinedload(Dossier.agency, innerjoin=True))


def payload_problems(session, partner: Partner, message: str, correlation: str, payload: dict) -> dict:
    """What is wrong in ``payload`` for the dossier ``correlation`` names, or for the procedure the
    message opens when it names none (empty when it may go in): ``fields``, the messages field by
    field (Vietnamese, as for an officer's form), and ``titles``, each of those fields' title in the
    form, for the sender's people to read. Only a partner the diagram expects the message from is
    told: any other learns nothing of the dossier."""
    dossier = session.execute(_DOSSIER_BY_CODE.where(Dossier.code == correlation)).scalar_one_or_none()
    if dossier is not None:
        procedure = procedure_of(dossier)
        if procedure.manifest.get("partners", {}).get("incoming", {}).get(message) not in (partner.code, ANY_PARTNER):
            return {}  # not this partner's to send here: refused on delivery, its dossier's form not told
        form, zone = payload_form(procedure.manifest, procedure.forms, message), dossier.agency.timezone
    else:
        version = starting_version(session, partner.code, message)
        agency = session.get(Agency, partner.agency_id) if partner.agency_id else None
        if version is None or agency is None:
            return {}  # opens nothing here (yet): kept and retried, as any early message
        form, zone = payload_form(version.manifest or {}, version.forms or {}, message), agency.timezone
    return _problems(form, payload, zone) if form is not None else {}


def _problems(form: dict, payload: dict, zone: str) -> dict:
    today = clock.now().astimezone(ZoneInfo(zone)).date()
    try:
        validate_form(form, payload, today=today)
    except FormInvalid as refused:
        fields = refused.field_errors
        titles = {name: (form.get("properties") or {}).get(name, {}).get("title") for name in fields}
        return {"fields": fields, "titles": {name: title for name, title in titles.items() if title}}
    return {}


def payload_form(manifest: dict, forms: dict, message: str) -> dict | None:
    """The form schema the element catching ``message`` declares, if any. A version deployed before
    manifests named each variable's message has none to look up: its payloads go in unchecked."""
    for received in manifest.get("message_variables", {}).values():
        if received.get("message") == message and received.get("form") in forms:
            return forms[received["form"]]
    return None
