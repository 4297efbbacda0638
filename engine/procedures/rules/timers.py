"""Timer expressions are evaluated here, as the engine will when the timer starts waiting, so an
unquoted ISO duration or a date-time in a duration fails at validation, not at every reception."""
from __future__ import annotations

import logging
import re
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.procedures.rules.model import Model, bpmn

log = logging.getLogger("motcua.procedures")
KINDS = {"timeDate": "a date-time", "timeDuration": "a duration", "timeCycle": "a cycle"}
ISO_LIKE = re.compile(r"^(R\d*/)?P[0-9YMWDTHS.,]+$", re.IGNORECASE)
EXAMPLES = {
    "timeDate": 'working_deadline(None, "2 working days") or "2026-12-31T17:00:00+07:00"',
    "timeDuration": '"PT4H" or "P2D"',
    "timeCycle": '"R3/PT1H"',
}
EXAMPLES_VI = {
    "timeDate": 'working_deadline(None, "2 working days") hoặc "2026-12-31T17:00:00+07:00"',
    "timeDuration": '"PT4H" hoặc "P2D"',
    "timeCycle": '"R3/PT1H"',
}


def _owner(definition):
    return definition.getparent()


def check(model: Model):
    from engine.runtime.sandbox import SandboxEnvironment
    environment = SandboxEnvironment()
    for process in model.processes:
        for definition in process.iter(bpmn("timerEventDefinition")):
            owner = _owner(definition)
            eid = owner.get("id") or ""
            found = [(k, definition.find(bpmn(k))) for k in KINDS if definition.find(bpmn(k)) is not None]
            if not found:
                yield model.error(eid, "The timer has no time: give it a timeDate (e.g. "
                                       f"{EXAMPLES['timeDate']}), a timeDuration ({EXAMPLES['timeDuration']}) or a timeCycle.",
                                  "Hẹn giờ chưa có thời gian: hãy cho nó timeDate (ví dụ "
                                  f"{EXAMPLES_VI['timeDate']}), timeDuration ({EXAMPLES_VI['timeDuration']}) hoặc timeCycle.")
                continue
            kind, node = found[0]
            expression = (node.text or "").strip()
            yield from _evaluate(model, environment, eid, model.label(owner), kind, expression)


def _does_not_evaluate(model, eid, label, kind, exc):
    log.info("timer %s: its %s does not evaluate: %r", eid, kind, exc)
    yield model.error(eid, f"The {kind} of the timer “{label}” cannot be evaluated: correct the expression, e.g. "
                           f"{EXAMPLES[kind]}.",
                      f"{kind} của hẹn giờ «{label}» không tính được: hãy sửa biểu thức, ví dụ {EXAMPLES_VI[kind]}.")


def _evaluate(model, environment, eid, label, kind, expression):
    if not expression:
        yield model.error(eid, f"The timer's {kind} is empty: write an expression, e.g. {EXAMPLES[kind]}.",
                          f"{kind} của hẹn giờ đang trống: hãy viết một biểu thức, ví dụ {EXAMPLES_VI[kind]}.")
        return
    if ISO_LIKE.match(expression):
        yield model.error(eid, f"The timer's {kind} {expression} is an expression, so an ISO value must be quoted: "
                               f'write "{expression}".',
                          f'{kind} của hẹn giờ là một biểu thức, nên giá trị ISO phải đặt trong ngoặc kép: '
                          f'hãy viết "{expression}".')
        return
    try:
        value = environment.evaluate(expression, {})
    except NameError as exc:
        name = getattr(exc, "name", None)
        if name is None:
            yield from _does_not_evaluate(model, eid, label, kind, exc)
            return
        if name in model.fields:
            return  # filled in by a form before the timer starts: its value is known only then
        yield model.error(eid, f"The timer's {kind} uses “{name}”, which no form of this procedure fills in and "
                               f"motcua does not provide: write e.g. {EXAMPLES[kind]}.",
                          f"{kind} của hẹn giờ dùng «{name}», không biểu mẫu nào của thủ tục điền và motcua không "
                          f"cung cấp: ví dụ {EXAMPLES_VI[kind]}.")
        return
    except Exception as exc:  # what the engine would meet at run time: say so, the detail to the log
        yield from _does_not_evaluate(model, eid, label, kind, exc)
        return
    problem = _shape(kind, value)
    if problem:
        yield model.error(eid, f"The timer's {kind} gives “{value}”, {problem[0]}", f"{kind} của hẹn giờ cho «{value}», {problem[1]}")


def _shape(kind, value):
    if isinstance(value, datetime):
        value = value.isoformat()
    if not isinstance(value, str):
        return ("not text: it must give " + KINDS[kind] + f" as an ISO string, e.g. {EXAMPLES[kind]}.",
                f"không phải chuỗi: phải là chuỗi ISO, ví dụ {EXAMPLES_VI[kind]}.")
    try:
        if kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(value)
            return None
        parsed = TimerEventDefinition.parse_time_or_duration(value)
    except Exception:
        return (f"which is not {KINDS[kind]} in ISO 8601, e.g. {EXAMPLES[kind]}.",
                f"không phải giá trị ISO 8601 hợp lệ, ví dụ {EXAMPLES_VI[kind]}.")
    if kind == "timeDate" and not isinstance(parsed, datetime):
        return ("a duration in a timeDate: put it in a timeDuration, or give a date-time "
                f"(e.g. {EXAMPLES['timeDate']}).",
                f"là khoảng thời gian đặt trong timeDate: hãy chuyển sang timeDuration, hoặc cho một thời điểm (ví dụ {EXAMPLES_VI['timeDate']}).")
    if kind == "timeDuration" and isinstance(parsed, datetime):
        return ("a date-time in a timeDuration: put it in a timeDate, or give a duration "
                f"(e.g. {EXAMPLES['timeDuration']}).",
                f"là thời điểm đặt trong timeDuration: hãy chuyển sang timeDate, hoặc cho một khoảng thời gian (ví dụ {EXAMPLES_VI['timeDuration']}).")
    return None
