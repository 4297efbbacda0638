"""The checker's English reads as sentences on the modeller's English pages (the editor's problem
list, the trial run, publish errors): each starts with a capital letter, ends with a full stop (or a
question mark) and holds no Vietnamese, as its Vietnamese twin does."""
from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from engine.errors import ProcedureInvalid
from engine.procedures import metadata
from engine.procedures.checker import _check_steps, _check_structure, check_content, check_file
from engine.procedures.forms import check_schema
from engine.procedures.problems import Problem
from engine.procedures.rules import holders
from engine.procedures.rules.elements import UNSUPPORTED
from engine.procedures.rules.engine_errors import KNOWN, rewrite, xsd_message
from tests.bpmn_samples import FORMS, reference_xml, script_after_check
from tests.page_text import VIETNAMESE_LETTER
from tests.test_bpmn_broken import BROKEN

# Words of the Vietnamese interface that have no diacritics to give them away.
VIETNAMESE_WORDS = re.compile(r"Quản trị|Biểu mẫu|\b(hoặc|hãy|bước|thủ tục|của|không)\b", re.IGNORECASE)


def assert_sentence(en: str):
    assert en[:1].isupper(), f"starts with a capital letter: {en!r}"
    assert en.rstrip()[-1:] in ".?", f"ends with a full stop: {en!r}"
    assert not VIETNAMESE_LETTER.search(_modellers_words(en)), f"no Vietnamese: {en!r}"
    assert not VIETNAMESE_WORDS.search(_modellers_words(en)), f"no Vietnamese: {en!r}"
    assert not re.search(r"(?<![A-Za-z])'[^'\s]*'", _modellers_words(en)), f"names in “…”, not Python reprs: {en!r}"


def _modellers_words(en: str) -> str:
    """The sentence without what the modeller wrote (names, values quoted in “…”, examples)."""
    return re.sub(r"“[^”]*”", "“”", en)


def refused(xml: str, filename: str = "t.bpmn") -> list[Problem]:
    with pytest.raises(ProcedureInvalid) as info:
        check_content(xml.encode("utf-8"), filename, FORMS)
    return info.value.problems


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.bpmn")), ids=lambda p: p.stem)
def test_every_problem_of_a_broken_sample_is_an_english_sentence(path):
    with pytest.raises(ProcedureInvalid) as info:
        check_file(path, FORMS)
    for problem in info.value.problems:
        assert_sentence(problem.message)


def test_problems_about_steps_and_their_properties_are_sentences(tmp_path):
    bad = {"dossierStatus": "12", "allotment": "soon", "payment": "gold", "sendBackData": "[1]",
           "supplementRequest": "maybe"}
    manifest = {"steps": {
        "no_lane": {"role": "", "kind": "userTask", "form": "", "properties": bad, "process_id": "p"},
        "no_form_file": {"role": "r", "kind": "userTask", "form": "khong_co.json", "properties": {}, "process_id": "p"},
        "bad_json": {"role": "r", "kind": "userTask", "form": "hong.json", "properties": {}, "process_id": "p"},
        "asks": {"role": "r", "kind": "manualTask", "form": "", "process_id": "p",
                 "properties": {"supplementRequest": "true"}},
    }, "message_variables": {}}
    (tmp_path / "hong.json").write_text("{ nope", encoding="utf-8")
    problems: list[Problem] = []
    _check_steps(manifest, tmp_path, "t.bpmn", problems, {})
    assert len(problems) >= 9
    tree = etree.ElementTree(etree.fromstring(
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
        b'<bpmn:process id="p" /></bpmn:definitions>'))
    _check_structure(tree, {"key": "p", "properties": {"timeLimit": "soon", "receivedBy": "ủy ban",
                                                       "requiredDocuments": "[1, {\"name\": \"x\", \"kind\": \"k\", \"y\": 1}]",
                                                       "supplementClock": "x", "onlineLevel": "x", "sector": "x" * 201}},
                     "t.bpmn", problems)
    for problem in problems:
        assert_sentence(problem.message)


@pytest.mark.parametrize("props", [{}, {"timeLimit": "5 working days", "receivedBy": "x", "requiredDocuments": "{"},
                                   {"timeLimit": "5 working days", "receivedBy": "x", "requiredDocuments": "{}"},
                                   {"timeLimit": "5 working days", "receivedBy": "x",
                                    "requiredDocuments": '[{"name": "x", "count": 0}, {"name": "y", "optional": 1}]'}])
def test_problems_about_the_procedures_properties_are_sentences(props):
    found = metadata.problems(props)
    assert found
    for en, _vi in found:
        assert_sentence(en)


@pytest.mark.parametrize("schema", [
    [], {"type": 3}, {"type": "array"}, {"type": "object", "properties": {"typename": {"type": "string"}}},
    {"type": "object", "properties": {"a": {"type": "string", "pattern": "("}}},
    {"type": "object", "properties": {"a": {"type": "strin"}}},
    {"type": "object", "properties": {"a": {"type": "string", "x-default-from": "1 x"}}},
    {"type": "object", "properties": {"a": {"type": "string", "x-title-en": ""}}},
    {"type": "object", "x-description-en": "a\nb"},
    {"type": "object", "properties": {"a": {"type": "string"}}, "x-compare": {}},
    {"type": "object", "properties": {"a": {"type": "string"}}, "x-compare": [1]},
    {"type": "object", "properties": {"a": {"type": "string"}}, "x-compare": [{"field": "b", "op": "<", "to": "a"}]},
    {"type": "object", "properties": {"a": {"type": "string"}}, "x-compare": [{"field": "a", "op": "~", "to": "a"}]},
    {"type": "object", "properties": {"a": {"type": "string"}}, "x-compare": [{"field": "a", "op": "<", "to": "b"}]},
    {"type": "object", "properties": {"a": {"type": "string"}}, "x-compare": [{"field": "a", "op": "<", "to": "$today"}]},
    {"type": "object", "properties": {"a": {"type": "string"}},
     "x-compare": [{"field": "a", "op": "<", "to": "a", "message": 1}]},
    {"type": "object", "properties": {"a": {"type": "string"}},
     "x-compare": [{"field": "a", "op": "<", "to": "a", "message_en": "x"}]},
    {"type": "object", "properties": {"a": {"type": "string"}},
     "x-compare": [{"field": "a", "op": "<", "to": "a", "message": "x", "message_en": ""}]},
], ids=str)
def test_problems_about_a_form_are_sentences(schema, tmp_path):
    en, _vi = check_schema(schema)
    assert_sentence(en)
    (tmp_path / "f.json").write_text(json.dumps(schema), encoding="utf-8")
    problems: list[Problem] = []
    manifest = {"steps": {"s": {"role": "r", "kind": "userTask", "form": "f.json", "properties": {}, "process_id": "p"}}}
    _check_steps(manifest, tmp_path, "t.bpmn", problems, {})
    assert_sentence(problems[0].message)


def test_rewritten_library_messages_are_sentences():
    kinds = ["userTask", "element"]
    for _pattern, en, _vi in KNOWN + [("", *rewrite("Zqxwv", "{0}"))]:
        assert_sentence(en.format(*kinds, "x"))
    for en, _vi in UNSUPPORTED.values():
        assert_sentence(en)
    for text in ["Element 'bpmn:task': This element is not expected. Expected is ( bpmn:incoming ).",
                 "Element 'bpmn:task': Missing child element(s).",
                 "Element 'bpmn:task', attribute 'foo': The attribute 'foo' is not allowed.",
                 "Element 'bpmn:task': The attribute 'id' is required but missing.",
                 "Element 'bpmn:task', attribute 'id': '1a' is not a valid value of the atomic type 'xs:ID'.",
                 "Element 'bpmn:flow', attribute 'sourceRef': 'x' is not a valid value of the atomic type 'xs:IDREF'.",
                 "Element 'bpmn:process', attribute 'isExecutable': 'x' is not a valid value of the atomic type 'xs:boolean'.",
                 "Element 'bpmn:x', attribute 'y': 'z' is not a valid value of the union type.",
                 "Element 'bpmn:process': Character content other than whitespace is not allowed because",
                 "Element 'html': No matching global declaration available for the validation root.",
                 "Element 'bpmn:x': something else", "nothing we know"]:
        assert_sentence(xsd_message(text)[0])


@pytest.mark.parametrize("script", ["_x = 1", "x = (", "try:\n    x = 1\nexcept Exception:\n    x = 2",
                                    "exec('1')", "    "])
def test_problems_about_scripts_are_sentences(script):
    for problem in refused(script_after_check("kich_ban", script)):
        assert_sentence(problem.message)


def test_an_unreadable_or_misshapen_file_is_told_in_sentences(tmp_path):
    with pytest.raises(ProcedureInvalid) as info:
        check_file(tmp_path / "missing.bpmn", FORMS)
    for problem in info.value.problems + refused("<bpmn") + refused(
            reference_xml().replace('isExecutable="true"', 'isExecutable="false"')):
        assert_sentence(problem.message)


class _NobodySetUp:
    """A database where no agency has members and no partner is configured."""

    def execute(self, _statement):
        return self

    def all(self):
        return []


def test_warnings_about_roles_and_partners_are_sentences():
    manifest = {"steps": {"a": {"role": "specialist", "process_id": "p"}, "b": {"role": "leader", "process_id": "q"}},
                "processes": {"p": {"agency_kind": "commune_committee"}, "q": {}},
                "partner_routes": {"ho_so_bhxh": {"code": "bhxh", "pool": "BHXH"}}}
    found = holders.warnings(_NobodySetUp(), manifest, "t.bpmn")
    assert len(found) == 3
    for problem in found:
        assert_sentence(problem.message)



@pytest.mark.parametrize("xml", [
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',  # no process
    reference_xml().replace('id="dang_ky_ket_hon"', f'id="{"p" * 121}"'),
], ids=["no process", "id too long"])
def test_a_draft_that_names_no_procedure_is_told_in_a_sentence(xml):
    """Saving a draft reads its procedure's id first (engine/commands/procedures.py)."""
    from engine.commands.procedures import draft_key
    with pytest.raises(ProcedureInvalid) as info:
        draft_key(xml)
    for problem in info.value.problems:
        assert_sentence(problem.message)
