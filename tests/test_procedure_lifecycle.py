"""Drafts, publishing, retiring and rolling back: what a modeller and an administrator do with a
procedure after its first deployment, and what reception then starts."""
from __future__ import annotations

import pytest

from engine import commands
from engine.commands import procedures as lifecycle
from engine.commands.reception import Applicant
from engine.errors import FormInvalid, InvalidState, NotFound, ProcedureInvalid
from engine.models import Dossier, ProcedureDraft, ProcedureEvent, ProcedureVersion
from engine.queries import procedures as pq
from engine.queries.reception import procedures_on_offer
from tests.bpmn_samples import FORMS, REFERENCE, reference_xml

RENAMED = reference_xml().replace('name="Thẩm định hồ sơ"', 'name="Thẩm định hồ sơ (mẫu mới)"')


def receive(demo, name="Nguyễn Văn An"):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="dang_ky_ket_hon", applicant=Applicant(name=name))


def version_of(demo, dossier_id):
    with demo.motcua.read_session() as s:
        return s.get(Dossier, dossier_id).procedure_version.number


def publish(demo, xml=RENAMED, user="thietke", note="Đổi tên bước thẩm định"):
    return lifecycle.publish(demo.motcua.uow(), actor_id=demo.users[user], bpmn_xml=xml, forms_dir=FORMS, note=note)


def test_only_a_modeller_publishes_and_the_new_version_is_what_reception_starts(demo):
    for user in ("admin", "chuyenvien"):
        with pytest.raises(NotFound):
            publish(demo, user=user)
    old = receive(demo)
    version, warnings = publish(demo)
    assert version.number == 2 and warnings == []
    new = receive(demo, "Trần Thị Bình")
    assert (version_of(demo, old.id), version_of(demo, new.id)) == (1, 2)
    with demo.motcua.read_session() as s:
        [event] = s.query(ProcedureEvent).filter_by(action="published").all()
        assert event.version_number == 2 and event.actor_id == demo.users["thietke"]
        note = s.query(ProcedureVersion).filter_by(number=2).one().change_note
    assert note.startswith("Đổi tên bước thẩm định — sửa 1 phần tử (Thẩm định hồ sơ (mẫu mới))")


def test_publishing_a_broken_diagram_changes_nothing(demo):
    broken = RENAMED.replace('<bpmn:userTask id="record_marriage"', '<bpmn:task id="record_marriage"').replace(
        "</bpmn:userTask>\n    <bpmn:sequenceFlow id=\"flow_record", "</bpmn:task>\n    <bpmn:sequenceFlow id=\"flow_record")
    with pytest.raises(ProcedureInvalid):
        publish(demo, xml=broken.replace('isExecutable="true"', 'isExecutable="false"'))
    with demo.motcua.read_session() as s:
        assert s.query(ProcedureVersion).join(ProcedureVersion.procedure).filter_by(key="dang_ky_ket_hon").count() == 1
        assert s.query(ProcedureEvent).count() == 0


def test_republishing_the_same_content_is_refused_with_the_way_to_roll_back(demo):
    with pytest.raises(InvalidState) as info:
        publish(demo, xml=reference_xml())
    assert "phiên bản 1" in info.value.message_vi


def test_a_draft_is_kept_until_published(demo):
    uow = demo.motcua.uow()
    lifecycle.save_draft(uow, actor_id=demo.users["thietke"], bpmn_xml=RENAMED)
    lifecycle.save_draft(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=RENAMED + "\n")
    with demo.motcua.read_session() as s:
        assert s.query(ProcedureDraft).count() == 1
        detail = pq.procedure_detail(s, demo.users["admin"], "dang_ky_ket_hon")
        assert detail.row.has_draft and detail.draft_saved_by == "Hoàng Minh Tâm"
        # A draft runs nowhere: reception still starts version 1.
        assert [c.version for c in procedures_on_offer(s) if c.key == "dang_ky_ket_hon"] == [1]
    with pytest.raises(ProcedureInvalid):  # not a diagram: why, in both languages (tests/web/test_procedures_page.py)
        lifecycle.save_draft(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml="<not-bpmn")
    with pytest.raises(NotFound):
        lifecycle.save_draft(demo.motcua.uow(), actor_id=demo.users["admin"], bpmn_xml=RENAMED)
    publish(demo)
    with demo.motcua.read_session() as s:
        assert s.query(ProcedureDraft).count() == 0


def test_roll_back_then_forward(demo):
    publish(demo)
    lifecycle.activate(demo.motcua.uow(), actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon", number=1,
                       reason="Mẫu mới sai tên bước")
    assert version_of(demo, receive(demo).id) == 1
    with demo.motcua.read_session() as s:
        detail = pq.procedure_detail(s, demo.users["thietke"], "dang_ky_ket_hon")
        assert [(v.number, v.active, v.open_dossiers) for v in detail.versions] == [(2, False, 0), (1, True, 1)]
        assert detail.events[0].action == "rolled_back" and detail.events[0].detail["previous"] == 2
    with pytest.raises(FormInvalid):
        lifecycle.activate(demo.motcua.uow(), actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon", number=7)
    with pytest.raises(NotFound):
        lifecycle.activate(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], procedure_key="dang_ky_ket_hon", number=2)
    lifecycle.activate(demo.motcua.uow(), actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon", number=2)
    assert version_of(demo, receive(demo).id) == 2


def test_a_retired_procedure_takes_no_new_dossiers_and_open_ones_finish(demo):
    open_one = receive(demo)
    with pytest.raises(FormInvalid):
        lifecycle.retire(demo.motcua.uow(), actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon", reason=" ")
    lifecycle.retire(demo.motcua.uow(), actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon",
                     reason="Thay bằng thủ tục liên thông")
    with demo.motcua.read_session() as s:
        assert "dang_ky_ket_hon" not in {c.key for c in procedures_on_offer(s)}
    with pytest.raises(InvalidState):
        receive(demo, "Trần Thị Bình")
    # The open dossier goes on: its step can still be claimed.
    with demo.motcua.read_session() as s:
        from engine.models import WorkItem
        item = s.query(WorkItem).filter_by(dossier_id=open_one.id, state="open").one()
    commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id)
    lifecycle.reinstate(demo.motcua.uow(), actor_id=demo.users["thietke"], procedure_key="dang_ky_ket_hon")
    assert version_of(demo, receive(demo, "Lê Văn Cường").id) == 1


def test_compare_two_versions_marks_elements_and_forms(demo):
    xml = RENAMED.replace('name="Đã trả văn bản từ chối"', 'name="Kết thúc từ chối"')
    publish(demo, xml=xml)
    with demo.motcua.read_session() as s:
        diff = pq.compare_versions(s, demo.users["admin"], "dang_ky_ket_hon", 1, 2)
    assert diff.changed == {"appraise": "Thẩm định hồ sơ (mẫu mới)", "end_refused": "Kết thúc từ chối"}
    assert diff.added == {} and diff.removed == {} and diff.forms == []


def test_compare_reports_form_fields():
    from engine.procedures.compare import compare
    xml = reference_xml()
    old = {"a.json": {"type": "object", "properties": {"x": {"type": "string", "title": "X"}, "y": {"type": "string"}}}}
    new = {"a.json": {"type": "object", "properties": {"x": {"type": "string", "title": "X mới"}, "z": {"type": "string"}}},
           "b.json": {"type": "object", "properties": {}}}
    diff = compare(xml, old, xml, new)
    assert [(f.form, f.status, f.fields_added, f.fields_removed, f.fields_changed) for f in diff.forms] == [
        ("a.json", "changed", ["z"], ["y"], ["x"]), ("b.json", "added", [], [], [])]
    assert not diff.added and not diff.changed


def test_the_command_line_applies_the_same_checks(demo, tmp_path, monkeypatch):
    from click.testing import CliRunner
    from webapp.cli import main
    monkeypatch.setenv("DATABASE_URL", demo.motcua.settings.database_url)
    path = tmp_path / "dang_ky_ket_hon.bpmn"
    path.write_text(RENAMED, encoding="utf-8")
    refused = CliRunner().invoke(main, ["procedure", "publish", str(path), "--as", "admin"])
    assert refused.exit_code == 1 and "Refused: Not found or not permitted." in refused.output
    broken = tmp_path / "broken.bpmn"
    broken.write_text(RENAMED.replace('isExecutable="true"', 'isExecutable="false"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["procedure", "publish", str(broken), "--as", "thietke"])
    assert result.exit_code == 1 and 'isExecutable="true"' in result.output and "Nothing was published: correct the problems above" in result.output
    result = CliRunner().invoke(main, ["procedure", "publish", str(path), "--as", "thietke", "--note", "Tên mới"])
    assert result.exit_code == 0 and "Version 2 of dang_ky_ket_hon is published" in result.output
    result = CliRunner().invoke(main, ["procedure", "activate", "dang_ky_ket_hon", "1", "--as", "tiepnhan"])
    assert result.exit_code == 1
    result = CliRunner().invoke(main, ["procedure", "activate", "dang_ky_ket_hon", "1", "--as", "admin"])
    assert result.exit_code == 0 and version_of(demo, receive(demo).id) == 1
    result = CliRunner().invoke(main, ["procedure", "retire", "dang_ky_ket_hon", "--as", "admin", "--reason", "Hết hiệu lực"])
    assert result.exit_code == 0
    with pytest.raises(InvalidState):
        receive(demo, "Trần Thị Bình")


def test_deploying_an_older_versions_file_again_says_which_version_new_dossiers_start(demo, tmp_path, monkeypatch):
    from click.testing import CliRunner
    from webapp.cli import main
    monkeypatch.setenv("DATABASE_URL", demo.motcua.settings.database_url)
    publish(demo)
    result = CliRunner().invoke(main, ["deploy", str(REFERENCE)])
    assert result.exit_code == 0
    assert "dang_ky_ket_hon: version 1 (deployed already; new dossiers start version 2" in result.output
    assert "motcua procedure activate dang_ky_ket_hon 1" in result.output
    assert version_of(demo, receive(demo).id) == 2
