"""validate / deploy: every broken file is refused with file, element and problem; nothing deploys."""
from __future__ import annotations

import json

import pytest

from engine import commands
from engine.commands.reception import Applicant
from engine.errors import ProcedureInvalid
from engine.models import Dossier, Procedure, ProcedureVersion
from engine.procedures.checker import check_file
from engine.procedures.registry import SPEC_CACHE, check_and_deploy
from engine.runtime.host import load_workflow
from tests.bpmn_samples import FORMS, REFERENCE, one_step_then, reference_xml, script_after_check, write


def problems_of(path, forms=FORMS):
    with pytest.raises(ProcedureInvalid) as info:
        check_file(path, forms)
    return info.value.problems


def test_reference_procedure_passes_every_check():
    checked = check_file(REFERENCE, FORMS)
    assert checked.key == "dang_ky_ket_hon"
    assert checked.manifest["national_code"] == "1.000894"
    roles = {step: s["role"] for step, s in checked.manifest["steps"].items()}
    # appraise and approve sit in one expanded sub-process but in two lanes: each keeps its own.
    assert roles == {"appraise": "specialist", "approve": "leader", "record_marriage": "specialist",
                     "return_result": "reception", "return_refusal": "reception", "wait_supplement": "reception"}
    assert set(checked.forms) == {"ket_hon_tham_dinh.json", "ket_hon_phe_duyet.json",
                                  "ket_hon_ghi_so.json", "tra_ket_qua.json", "nhan_bo_sung.json"}


@pytest.mark.parametrize("mutate, element, words", [
    (lambda x: x.replace('<spiffworkflow:property name="formJsonSchemaFilename" value="ket_hon_ghi_so.json" />', ""),
     "record_marriage", "has no form"),
    (lambda x: x.replace('value="ket_hon_ghi_so.json"', 'value="khong_co.json"'),
     "record_marriage", "does not exist"),
    (lambda x: x.replace("<bpmn:flowNodeRef>return_result</bpmn:flowNodeRef>", ""),
     "return_result", "not in a named lane"),
    (lambda x: x.replace('decision == "approve"', 'decision == = "approve"'),
     "flow_approved", "(from decision_gateway) does not compile"),
    (lambda x: x.replace('decision == "refuse"', 'decision.__class__ == "refuse"'),
     "flow_refused", "names starting with _ are not allowed (“__class__”)"),
    (lambda x: x.replace('<spiffworkflow:property name="dossierStatus" value="9" />',
                         '<spiffworkflow:property name="dossierStatus" value="42" />', 1),
     "return_result", "must be a code from 1 to 10, not “42”"),
])
def test_broken_reference_names_file_element_and_problem(tmp_path, mutate, element, words):
    path = write(tmp_path, "broken.bpmn", mutate(reference_xml()))
    found = problems_of(path)
    assert any(p.element_id == element and words in p.message and p.file == str(path) for p in found), found


def test_malformed_xml_is_reported_with_the_file(tmp_path):
    path = write(tmp_path, "cut.bpmn", reference_xml()[:500])
    [problem] = problems_of(path)
    assert problem.file == str(path) and "not valid XML" in problem.message


def test_xsd_violation_is_reported(tmp_path):
    path = write(tmp_path, "xsd.bpmn", reference_xml().replace("<bpmn:endEvent id=\"end_refused\"",
                                                                "<bpmn:notAnElement/><bpmn:endEvent id=\"end_refused\""))
    [problem] = problems_of(path)
    assert "notAnElement" in problem.message


def test_error_that_only_get_spec_finds_is_caught_at_validation(tmp_path):
    # A loop without condition or maximum parses "fine" and fails only when the spec is built.
    xml = reference_xml().replace(
        '<bpmn:loopCondition xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">supplement_requested or decision == "send_back"</bpmn:loopCondition>', "")
    found = problems_of(write(tmp_path, "lazy.bpmn", xml))
    assert any(p.element_id == "review_loop" and "loopCondition" in p.message for p in found), found


def test_missing_end_event_and_empty_script_are_refused(tmp_path):
    xml = one_step_then("no_end", """
    <bpmn:scriptTask id="after"><bpmn:incoming>flow_2</bpmn:incoming><bpmn:outgoing>flow_3</bpmn:outgoing></bpmn:scriptTask>
    """).replace('<bpmn:endEvent id="end"><bpmn:incoming>flow_3</bpmn:incoming></bpmn:endEvent>',
                 '<bpmn:intermediateThrowEvent id="end"><bpmn:incoming>flow_3</bpmn:incoming></bpmn:intermediateThrowEvent>')
    found = {(p.element_id, p.message) for p in problems_of(write(tmp_path, "x.bpmn", xml))}
    assert ("no_end", "The process has no end event: draw an end event after the last step.") in found
    assert ("after", "The script task has no script.") in found


def test_invalid_form_schema_is_refused(tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    for f in FORMS.glob("*.json"):
        (forms / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (forms / "tra_ket_qua.json").write_text(json.dumps({"type": "object", "properties": {"x": {"type": "nope"}}}))
    found = problems_of(REFERENCE, forms)
    assert any(p.element_id == "return_result" and "not a valid JSON Schema" in p.message for p in found)
    (forms / "tra_ket_qua.json").write_text("{not json")
    found = problems_of(REFERENCE, forms)
    assert any("is not valid JSON" in p.message for p in found)


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>',
    '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    '<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">',
])
def test_hostile_xml_is_refused_without_reading_what_it_points_to(tmp_path, doctype):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xml = reference_xml().replace('<?xml version="1.0" encoding="UTF-8"?>',
                                  '<?xml version="1.0" encoding="UTF-8"?>\n' + doctype.format(secret=secret))
    xml = xml.replace('name="Đăng ký kết hôn"', 'name="&x;"' if "file" in doctype else 'name="Đăng ký kết hôn"')
    [problem] = problems_of(write(tmp_path, "evil.bpmn", xml))
    assert "refused" in problem.message and "DOCTYPE" in problem.message
    assert "TOP-SECRET" not in str(problem)


def test_hostile_xml_in_utf16_is_refused(tmp_path):
    xml = reference_xml().replace('<?xml version="1.0" encoding="UTF-8"?>',
                                  '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x "y">]>')
    path = tmp_path / "evil16.bpmn"
    path.write_bytes(xml.encode("utf-16"))
    [problem] = problems_of(path)
    assert "DOCTYPE" in problem.message


def test_oversized_file_is_refused(tmp_path):
    path = write(tmp_path, "big.bpmn", reference_xml() + "<!--" + "x" * (3 * 1024 * 1024) + "-->")
    [problem] = problems_of(path)
    assert "too large" in problem.message


def count(motcua, model):
    with motcua.read_session() as s:
        return s.query(model).count()


def test_one_broken_file_deploys_nothing(motcua, tmp_path):
    broken = write(tmp_path, "broken.bpmn", reference_xml().replace('value="ket_hon_ghi_so.json"', 'value="x.json"'))
    with pytest.raises(ProcedureInvalid):
        with motcua.uow() as uow:
            check_and_deploy(uow, [REFERENCE, broken], FORMS)
            uow.commit()
    assert count(motcua, ProcedureVersion) == 0 and count(motcua, Procedure) == 0


def deploy(motcua, *paths, forms=FORMS):
    with motcua.uow() as uow:
        versions = check_and_deploy(uow, list(paths), forms)
        numbers = [v.number for v in versions]
        uow.commit()
    return numbers


def test_same_content_is_one_version_and_new_content_a_new_one(demo, tmp_path):
    motcua = demo.motcua
    assert deploy(motcua, REFERENCE) == [1]  # the demo deployed it already: same content, same version
    changed = write(tmp_path, "dang_ky_ket_hon.bpmn", reference_xml().replace("Trả kết quả", "Trả kết quả cho công dân"))
    assert deploy(motcua, changed) == [2]
    assert deploy(motcua, changed) == [2]


def test_a_changed_form_alone_makes_a_new_version(demo, tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    for f in FORMS.glob("*.json"):
        (forms / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    schema = json.loads((forms / "tra_ket_qua.json").read_text(encoding="utf-8"))
    schema["properties"]["note"]["maxLength"] = 500
    (forms / "tra_ket_qua.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    assert deploy(demo.motcua, REFERENCE, forms=forms) == [2]


def receive(demo, name="Nguyễn Văn An"):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="dang_ky_ket_hon", applicant=Applicant(name=name))


def test_running_dossiers_keep_their_version_and_new_ones_take_the_latest(demo, tmp_path):
    old = receive(demo)
    v2 = write(tmp_path, "dang_ky_ket_hon.bpmn", reference_xml().replace('name="Thẩm định hồ sơ"', 'name="Thẩm định hồ sơ (mẫu mới)"'))
    deploy(demo.motcua, v2)
    new = receive(demo, "Trần Thị Bình")
    with demo.motcua.read_session() as s:
        old_d, new_d = s.get(Dossier, old.id), s.get(Dossier, new.id)
        assert (old_d.procedure_version.number, new_d.procedure_version.number) == (1, 2)
        from engine.models import WorkItem
        names = {w.dossier_id: w.step_name for w in s.query(WorkItem).filter_by(state="open")}
    assert names == {old.id: "Thẩm định hồ sơ", new.id: "Thẩm định hồ sơ (mẫu mới)"}


def test_stored_state_does_not_carry_the_spec_and_specs_are_cached(demo):
    dossier = receive(demo)
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        state = json.loads(d.workflow_state)
        assert "spec" not in state and "subprocess_specs" not in state
        assert len(d.workflow_state) < len(d.procedure_version.spec_json)
        first = load_workflow(d)
        second = load_workflow(d)
        assert first.spec is second.spec  # one parsed spec per version, shared
        assert SPEC_CACHE.get(d.procedure_version)[0] is first.spec


def test_two_databases_in_one_process_never_share_a_cached_spec_by_version_id(tmp_path):
    """Version 1 of one database is not version 1 of another: two instances served by one
    process (partner tests, tools) each run their own procedure."""
    from engine import migrate
    from engine.bootstrap import Motcua
    from engine.config import Settings
    from engine.procedures.registry import database_of
    names = {}
    for label, path in (("first", REFERENCE), ("second", write(tmp_path, "other.bpmn", script_after_check("p_other", "x = 1")))):
        m = Motcua(Settings(database_url=f"sqlite:///{tmp_path / label}.sqlite"))
        migrate.upgrade(m.db)
        with m.uow() as uow:
            check_and_deploy(uow, [path], FORMS, deployed_by="test")
            uow.commit()
        with m.read_session() as s:
            version = s.query(ProcedureVersion).one()
            assert version.id == 1
            names[label] = (database_of(version), SPEC_CACHE.get(version)[0].name)
        m.dispose()
    assert names["first"][0] != names["second"][0]
    assert names["first"][1] != names["second"][1]


def test_validate_command_reports_and_exits_nonzero(tmp_path):
    from click.testing import CliRunner
    from webapp.cli import main
    broken = write(tmp_path, "broken.bpmn", reference_xml().replace('value="ket_hon_ghi_so.json"', 'value="x.json"'))
    result = CliRunner().invoke(main, ["validate", str(REFERENCE), str(broken)])
    assert result.exit_code == 1
    assert f"{broken}: record_marriage: The form “x.json” does not exist" in result.output
    assert f"{REFERENCE}: OK" in result.output
    ok = CliRunner().invoke(main, ["validate", str(REFERENCE)])
    assert ok.exit_code == 0


def test_deploy_command_is_all_or_nothing(motcua, tmp_path, monkeypatch):
    from click.testing import CliRunner
    from webapp.cli import main
    monkeypatch.setenv("DATABASE_URL", motcua.settings.database_url)
    broken = write(tmp_path, "broken.bpmn", script_after_check("p_bad", "x = ().__class__"))
    result = CliRunner().invoke(main, ["deploy", str(REFERENCE), str(broken)])
    assert result.exit_code == 1 and "nothing deployed" in result.output
    assert count(motcua, ProcedureVersion) == 0
    result = CliRunner().invoke(main, ["deploy", str(REFERENCE)])
    assert result.exit_code == 0 and "dang_ky_ket_hon: version 1" in result.output
    assert count(motcua, ProcedureVersion) == 1
