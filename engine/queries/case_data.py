"""A dossier's case data as an officer reads it: what reception and earlier steps recorded and
what partner agencies sent, labelled with the titles of the procedure's forms (their English
titles for an English reader, where the forms have them).

The workflow data holds values under the forms' field names (``child_name``) and received
messages under their variable (``tax_notice``). Labels come from, in order: the title of that
field in any form of the version; for a message variable, the message flow's name; for a field
inside a message, the title in the catching element's ``payloadForm``; for what a citizen typed
when submitting online, the title in the procedure's intake form (workflows/catalogue/intake/).
Anything else shows its own name, so nothing recorded is ever hidden.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.procedures.form_language import in_language
from engine.supplements import FLAG


# What the engine adds to the data for the diagram's own use (the supplement loop's flag): never
# something a reader of the dossier needs, and it has no label.
INTERNAL = frozenset({FLAG})


@dataclass(frozen=True)
class Datum:
    label: str
    value: object  # str, int, float, bool, date, a list of values, or a list of Datum (a group)
    is_group: bool = False


class _Labels:
    def __init__(self, schemas):
        self.titles, self.options, self.dates = {}, {}, set()
        for schema in schemas:
            for name, prop in (schema or {}).get("properties", {}).items():
                self.titles.setdefault(name, prop.get("title") or name)
                choices = {c.get("const"): c.get("title") for c in prop.get("oneOf", []) if "const" in c}
                if choices:
                    self.options.setdefault(name, choices)
                if prop.get("format") == "date":
                    self.dates.add(name)

    def datum(self, name: str, value, label: str | None = None) -> Datum:
        label = label or self.titles.get(name, name)
        if isinstance(value, dict):
            return Datum(label, [self.datum(k, v) for k, v in value.items() if not str(k).startswith("_")], True)
        if name in self.options and value in self.options[name]:
            return Datum(label, self.options[name][value])
        if name in self.dates and isinstance(value, str):
            try:
                return Datum(label, date.fromisoformat(value))
            except ValueError:
                pass
        return Datum(label, value)


def case_data(manifest: dict, forms: dict, data: dict, intake: dict | None = None, language: str = "vi") -> list[Datum]:
    """The entries of ``data`` (a task's workflow data) in the order they were recorded; ``intake``
    is the procedure's online intake schema, if it has one. Labelled in ``language`` where the
    forms give their English (engine/procedures/form_language.py)."""
    forms = {name: in_language(form, language) for name, form in forms.items()}
    own = _Labels([*forms.values(), in_language(intake, language)])
    received = manifest.get("message_variables", {})
    entries = []
    for name, value in data.items():
        if name.startswith("_") or value is None or name in INTERNAL:
            continue
        if name in received:
            form = forms.get(received[name]["form"])
            inner = _Labels([form] + list(forms.values()))
            # The message's name as the diagram gives it; in English, the title of the form that
            # titles it, where that form gives its English.
            label = form["title"] if language != "vi" and form and form.get("title") else received[name]["label"]
            entries.append(inner.datum(name, _in_form_order(value, form), label=label))
        else:
            entries.append(own.datum(name, value))
    return entries


def _in_form_order(message, form: dict | None):
    """A received message's fields in the order of the form that titles them, as an officer reads
    their own forms: a partner's payload arrives in whatever order its sender wrote it. Fields the
    form does not name follow, in the order they came."""
    if not isinstance(message, dict) or not form:
        return message
    rank = {name: place for place, name in enumerate(form.get("properties", {}))}
    return dict(sorted(message.items(), key=lambda field: rank.get(field[0], len(rank))))
