"""The rules a procedure file must keep so that a procedure that deploys can run.

Each module checks one idea on the parsed diagram and yields ``Problem``s naming the element and
what to do: ``shape`` (one executable process or collaboration), ``elements`` (what the engine
cannot run), ``events`` (waits nobody can end), ``timers`` (expressions evaluated now), ``expressions`` (conditions on their flows),
``lengths`` (what the database columns hold). ``engine_errors`` rewrites what the BPMN library
says; ``holders`` warns, against a database, about roles and partners nobody set up.
"""
from __future__ import annotations

from engine.procedures.problems import Problem
from engine.procedures.rules import elements, events, expressions, lengths, shape, timers
from engine.procedures.rules.model import Model

RULES = (shape, elements, events, timers, expressions, lengths)


def check_tree(tree, filename: str, fields=(), forms=None) -> list[Problem]:
    """Every problem the rules find. ``fields``: names forms fill in (a timer may use them);
    ``forms``: the procedure's form schemas by file name."""
    model = Model(tree, filename)
    model.fields = set(fields)
    model.forms = dict(forms or {})
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule.check(model))
    return problems
