"""Errors the engine raises to its callers.

Every error carries a stable ``code`` (for the web layer's translations and for tests) and a
Vietnamese message, because that is what an officer reads first; ``message_en`` is the English.
"""
from __future__ import annotations


class FieldMessage(str):
    """A field message that names something people named in both languages (a unit has its
    English name): the Vietnamese text as the engine writes it, and ``english_values``, the values
    an English page puts in its place (webapp/field_messages.py), by the placeholder they fill."""
    english_values: dict[str, str]

    def __new__(cls, text: str, **english_values: str):
        message = super().__new__(cls, text)
        message.english_values = english_values
        return message


class MotcuaError(Exception):
    code = "error"

    def __init__(self, message_vi: str, message_en: str | None = None, **details):
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        self.details = details

    def message(self, locale: str = "vi") -> str:
        return self.message_en if locale.startswith("en") else self.message_vi


class NotFound(MotcuaError):
    code = "not_found"


class PermissionDenied(MotcuaError):
    code = "permission_denied"


class AlreadyClaimed(MotcuaError):
    code = "already_claimed"


class InvalidState(MotcuaError):
    """The command does not fit the dossier or work item as it is now."""
    code = "invalid_state"


class FormInvalid(MotcuaError):
    """Form data failed its JSON Schema; ``field_errors`` maps a field path to its messages."""
    code = "form_invalid"

    def __init__(self, field_errors: dict[str, list[str]]):
        super().__init__("Dữ liệu biểu mẫu không hợp lệ.", "The form data is not valid.")
        self.field_errors = field_errors


class ScriptError(MotcuaError):
    """A BPMN script or condition failed, or tried something the sandbox forbids."""
    code = "script_error"


class ProcedureInvalid(MotcuaError):
    """A BPMN file broke a rule; ``problems`` lists every one found."""
    code = "procedure_invalid"

    def __init__(self, problems):
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"Quy trình không hợp lệ:\n{lines}", f"Invalid procedure:\n{lines}")
        self.problems = list(problems)
