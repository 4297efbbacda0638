"""The modeller's checker speaks in its own words, also where a library says something none of its
patterns knows: what lxml's XSD, SpiffWorkflow, RestrictedPython or a failing timer expression
said goes to the server log, never into the message (English or Vietnamese)."""
from __future__ import annotations

import re

from hypothesis import assume, given, settings, strategies as st
import pytest

from engine.errors import ProcedureInvalid
from engine.procedures.checker import check_content, unreadable
from engine.procedures.rules.engine_errors import KNOWN, rewrite, sandbox_message, xsd_message
from engine.runtime.sandbox import SandboxViolation, compile_expression, compile_script
from tests.bpmn_samples import FORMS, reference_xml, script_after_check
from tests.test_bpmn_broken import BROKEN, ENGLISH_IN_VI

# What a library's English looks like: its exception names, reprs, file names and stock phrases.
LIBRARY = re.compile(r"Traceback|Error|Exception|\bline\b|[Ee]xpected|object|0x[0-9a-f]|<Element|<bpmn-|<string>"
                     r"|RestrictedPython|at statement|outside function|atomic type|xs:|content type|is not allowed\."
                     r"|validation root|[A-Z][a-z]+[A-Z]\w*(?:Def|Stmt)\b|division by zero|unsupported operand")
# A word no message of ours contains: where it shows, the library's text got through.
MARK = "Zqxwv"


def refused(xml: str) -> list:
    with pytest.raises(ProcedureInvalid) as info:
        check_content(xml.encode("utf-8"), "t.bpmn", FORMS)
    return info.value.problems


def assert_our_words(en: str, vi: str):
    assert MARK not in en and MARK not in vi, (en, vi)
    ours = re.sub(r"«[^»]*»", "", vi)  # what the modeller wrote stays as written
    assert not LIBRARY.search(ours), vi
    assert not ENGLISH_IN_VI.search(ours), vi
    assert not LIBRARY.search(re.sub(r"\bline \d+\b", "", en)), en  # our own "line N" (where in the file)


@settings(max_examples=200, deadline=None)
@given(before=st.text(max_size=30), after=st.text(max_size=30),
       kind=st.sampled_from(["task", "userTask", "intermediateCatchEvent", "element"]))
def test_an_engine_message_we_do_not_know_is_said_in_our_words(before, after, kind):
    message = f"{before}{MARK}{after}"
    assume(not any(re.search(pattern, message) for pattern, _en, _vi in KNOWN))
    en, vi = rewrite(message, kind)
    assert_our_words(en, vi)
    assert kind in en and kind in vi


@pytest.mark.parametrize("message", [
    f"KeyError('{MARK}')", f"<Element {{http://www.omg.org/spec/BPMN/20100524/MODEL}}task at 0x7f3a2b1c> {MARK}",
    f"Traceback (most recent call last):\n  File \"x.py\", line 1\nTypeError: {MARK}() got an object",
    f"Expected a Message node {MARK}", ""])
def test_spiffworkflows_wrapped_exceptions_do_not_reach_the_modeller(message):
    assert_our_words(*rewrite(message, "task"))


# Real lxml XSD messages, from files broken in ways the editor lets through.
XSD_BREAKS = {
    "an attribute BPMN does not have": ('<bpmn:startEvent id="start"', '<bpmn:startEvent foo="1" id="start"',
                                        "bpmn:startEvent", "foo"),
    "a boolean that is not one": ('isExecutable="true"', 'isExecutable="maybe"', "bpmn:process", "maybe"),
    "an id with a space": ('<bpmn:startEvent id="start"', '<bpmn:startEvent id="1 2"', "bpmn:startEvent", "1 2"),
    "a reference that is no id": ('sourceRef="start"', 'sourceRef="x y"', "bpmn:sequenceFlow", "x y"),
    "text among elements": ('<bpmn:startEvent id="start"', 'hello <bpmn:startEvent id="start"', "bpmn:process", ""),
    "an element BPMN does not have": ('<bpmn:startEvent id="start"', '<bpmn:foo/><bpmn:startEvent id="start"',
                                      "bpmn:foo", ""),
    "a misspelt root": ("bpmn:definitions", "bpmn:definition", "bpmn:definition", ""),
}


@pytest.mark.parametrize("name", XSD_BREAKS)
def test_an_xsd_error_names_the_element_and_what_is_wrong_in_our_words(name):
    old, new, element, value = XSD_BREAKS[name]
    xml = reference_xml()
    assert old in xml
    [problem, *_] = refused(xml.replace(old, new))
    assert element in problem.message and element in problem.message_vi, problem
    assert value in problem.message and value in problem.message_vi, problem
    assert_our_words(problem.message, problem.message_vi)


@settings(max_examples=200, deadline=None)
@given(element=st.sampled_from(["bpmn:task", "spiffworkflow:property", ""]),
       attribute=st.sampled_from(["", "name"]), text=st.text(max_size=40))
def test_an_xsd_message_we_do_not_know_is_said_in_our_words(element, attribute, text):
    where = (f"Element '{element}'" + (f", attribute '{attribute}'" if attribute else "") + ": ") if element else ""
    en, vi = xsd_message(f"{where}{MARK} {text}")
    assert_our_words(en, vi)
    if element:
        assert element in en and element in vi and attribute in en and attribute in vi


HOSTILE_SCRIPTS = ["yield 1", "return 1", "break", "x = 1\n\tif", "async def f(): pass", "x.y += 1",
                   "from x import *", "a.__roles__", "x = '\x00'", "(a.b) := 1", "a = 1; b =", "'''", "await x"]


@pytest.mark.parametrize("source", HOSTILE_SCRIPTS)
def test_a_refused_script_is_said_in_our_words(source):
    for compiler in (compile_script, compile_expression):
        with pytest.raises((SandboxViolation, SyntaxError)) as info:
            compiler(source)
        assert_our_words(*sandbox_message(info.value))


@settings(max_examples=300, deadline=None)
@given(source=st.lists(st.sampled_from(list("ax_1 =:.()[]'\"\\\n\t\x00*@;#") + ["yield", "async ", "def ",
                                                                                       "return", "lambda", "__"]),
                      max_size=20).map("".join))
def test_any_script_the_sandbox_refuses_is_said_in_our_words(source):
    try:
        compile_script(source)
    except (SandboxViolation, SyntaxError) as exc:
        assert_our_words(*sandbox_message(exc))


def test_a_script_task_outside_a_function_says_which_line_in_both_languages():
    [problem] = [p for p in refused(script_after_check("tra_ve", "x = 1\nyield x")) if p.element_id == "after"]
    assert "line 2: invalid Python syntax" in problem.message
    assert "dòng 2: sai cú pháp Python" in problem.message_vi
    assert_our_words(problem.message, problem.message_vi)


@pytest.mark.parametrize("expression", ["1 / 0", '"PT" + 4', "[][1]", '{"a": 1}["b"]', "int('x')"])
def test_a_timer_that_cannot_be_evaluated_is_named_with_an_example_and_without_the_exception(expression):
    xml = (BROKEN / "timer_not_iso.bpmn").read_text(encoding="utf-8").replace('"31/12/2026"', expression)
    [problem] = [p for p in refused(xml) if p.element_id == "after"]
    assert problem.message == ("The timeDate of the timer “Chờ” cannot be evaluated: correct the expression, e.g. "
                               'working_deadline(None, "2 working days") or "2026-12-31T17:00:00+07:00".')
    assert problem.message_vi == ('timeDate của hẹn giờ «Chờ» không tính được: hãy sửa biểu thức, ví dụ '
                                  'working_deadline(None, "2 working days") hoặc "2026-12-31T17:00:00+07:00".')


def test_a_file_that_is_not_xml_for_another_reason_is_said_in_our_words():
    problem = unreadable("t.bpmn", ValueError(f"Unicode strings with encoding declaration are not supported {MARK}"))
    assert_our_words(problem.message, problem.message_vi)
