"""The script sandbox: BPMN scripts and conditions run under RestrictedPython.

SpiffWorkflow's default engine is plain ``eval``/``exec`` with full Python (``import os`` works),
and the engine is not serialized, so every loaded workflow must get this one again
(docs/SPIFFWORKFLOW.md §3): ``engine.runtime.host`` does that in one place.

What scripts get: task data as variables, a few safe builtins, and the helpers below. What they
do not get: imports, attributes starting with ``_``, ``open``, ``exec``/``eval``, ``getattr`` on
dunders. Errors are raised as ``ValueError`` with a plain message: SpiffWorkflow turns a
``SyntaxError`` into a misleading report.
"""
from __future__ import annotations

import datetime as _dt
import decimal
import math
from functools import lru_cache

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins, utility_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.runtime import script_limits
from engine.runtime.calendar_scope import working_deadline


class SandboxViolation(ValueError):
    """A script tried something the sandbox does not allow, or does not compile."""


# Every script and expression runs on a time budget and builds no value too big
# (engine/runtime/script_limits.py says how, and why this way).
ScriptBudgetExceeded = script_limits.ScriptBudgetExceeded


def _refuse_import(name, *args, **kwargs):
    raise SandboxViolation(f"import is not allowed in BPMN scripts (tried to import '{name}')")


def _write_guard(obj):
    # Task data holds plain containers: allow writing into those and nothing else.
    if isinstance(obj, (dict, list)):
        return obj
    raise SandboxViolation(f"scripts may only modify dicts and lists, not {type(obj).__name__}")


def _inplacevar(op, x, y):
    if op not in ("+=", "-=", "*=", "/=", "//=", "%=", "**="):
        raise SandboxViolation(f"operator {op} is not allowed in BPMN scripts")
    return script_limits.inplace(op, x, y)


def _builtins() -> dict:
    allowed = dict(safe_builtins)
    allowed.update(limited_builtins)
    allowed.update(utility_builtins)
    for name in ("dict", "list", "set", "sum", "min", "max", "any", "all", "enumerate", "map",
                 "filter", "reversed", "sorted", "zip"):
        allowed[name] = __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    allowed["__import__"] = _refuse_import
    allowed.update(range=script_limits.limited_range, pow=script_limits.limited_pow,
                   bytes=script_limits.limited_bytes)
    # RestrictedPython's utility builtins include the whole `string`/`random` modules; keep math only.
    for name in ("string", "random", "whrandom", "same_type", "test", "reorder", "DateTime"):
        allowed.pop(name, None)
    return allowed


def base_globals() -> dict:
    return {
        "__builtins__": _builtins(),
        "_getattr_": script_limits.guarded_getattr(safer_getattr),
        "_op_": script_limits.op,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": _write_guard,
        "_inplacevar_": _inplacevar,
        "_print_": None,
        "math": script_limits.LimitedMath(),
    }


def default_helpers() -> dict:
    """Functions every script may call. Extend here (e.g. working-day arithmetic), nowhere else."""
    return {
        "date": _dt.date,
        "datetime": _dt.datetime,
        "timedelta": _dt.timedelta,
        "timezone": _dt.timezone,
        "Decimal": decimal.Decimal,
        # Working-time arithmetic on the dossier's calendar, e.g. a timer's
        # timeDate = working_deadline(None, "2 working days").
        "working_deadline": working_deadline,
    }


@lru_cache(maxsize=4096)
def compile_script(source: str):
    """Compile a script once per distinct text; compiling costs far more than running."""
    result = compile_restricted_exec(source, filename="<bpmn-script>", policy=script_limits.LimitedTransformer)
    if result.errors:
        raise SandboxViolation("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=4096)
def compile_expression(source: str):
    result = compile_restricted_eval(source, filename="<bpmn-expression>", policy=script_limits.LimitedTransformer)
    if result.errors:
        raise SandboxViolation("; ".join(result.errors))
    return result.code


class SandboxEnvironment(TaskDataEnvironment):
    """A TaskDataEnvironment that compiles with RestrictedPython and runs with guarded globals."""

    def __init__(self, helpers: dict | None = None):
        helpers = default_helpers() if helpers is None else helpers
        super().__init__(helpers)
        self._restricted = base_globals()

    def evaluate(self, expression, context, external_context=None):
        code = compile_expression(expression)
        scope = dict(self._restricted)
        scope.update(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        with script_limits.budget():
            return eval(code, scope)

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        code = compile_script(script)
        scope = dict(self._restricted)
        scope.update(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        before = set(scope)
        with script_limits.budget():
            exec(code, scope)
        # Write back only what the script set or changed in task data, never our globals.
        for key in list(context):
            if key not in scope:
                del context[key]
        reserved = set(self._restricted) | set(self.globals) | set(external_context or {})
        for key, value in scope.items():
            if key in reserved and key not in context:
                continue
            if key.startswith("_") or callable(value) or isinstance(value, type(math)):
                continue
            if key in context or key not in before:
                context[key] = value
        return True


def make_script_engine(helpers: dict | None = None) -> PythonScriptEngine:
    return PythonScriptEngine(environment=SandboxEnvironment(helpers))


SCRIPT_ENGINE = make_script_engine()
