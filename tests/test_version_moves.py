"""Moving open dossiers between versions: a dry run lists what would move and what cannot (and
why); the move continues each dossier on the target version, one transaction each, audited."""
from __future__ import annotations

import re

import pytest

from engine import commands
from engine.commands import procedures as lifecycle
from engine.commands.reception import Applicant
from engine.commands.version_moves import move_dossiers
from engine.errors import NotFound
from engine.models import AuditEvent, Dossier, ProcedureEvent, WorkItem
from tests.bpmn_samples import FORMS, reference_xml

APPRAISAL = {"conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Đủ điều kiện."}
V2 = reference_xml().replace('name="Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn"', 'name="Ghi sổ và in giấy chứng nhận kết hôn"')
# Version 3 has no step "approve" (renamed everywhere the diagram names it).
V3 = re.sub(r'(="|>)approve(["<])', r"\1approve_v3\2", reference_xml())


def publish(demo, xml):
    return lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=xml, forms_dir=FORMS)[0]


def receive(demo, name):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="dang_ky_ket_hon", applicant=Applicant(name=name))


def work(demo, dossier_id, username, data):
    with demo.motcua.read_session() as s:
        item = s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open").one()
    commands.claim(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item.id)
    commands.complete(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item.id, data=data)
    return item.step_id


def test_dry_run_then_move_and_the_dossier_finishes_on_the_target(demo):
    assert "Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn" in reference_xml()
    at_appraise = receive(demo, "Nguyễn Văn An")
    at_approve = receive(demo, "Trần Thị Bình")
    work(demo, at_approve.id, "chuyenvien", APPRAISAL)
    publish(demo, V2)
    publish(demo, V3)
    uow = demo.motcua.uow
    with pytest.raises(NotFound):
        move_dossiers(uow, actor_id=demo.users["thietke"], procedure_key="dang_ky_ket_hon", source=1, target=3)
    plan = move_dossiers(uow, actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon", source=1, target=3)
    assert plan.movable == [at_appraise.code] and plan.moved == []
    assert plan.blocked == {at_approve.code: "bước đang mở approve không có trong phiên bản 3"}
    with demo.motcua.read_session() as s:
        assert {s.get(Dossier, d.id).procedure_version.number for d in (at_appraise, at_approve)} == {1}
    plan = move_dossiers(uow, actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon", source=1, target=2,
                         dry_run=False)
    assert sorted(plan.moved) == sorted([at_appraise.code, at_approve.code]) and plan.blocked == {}
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, at_approve.id)
        assert d.procedure_version.number == 2
        moved = s.query(AuditEvent).filter_by(dossier_id=d.id, action="version_moved").one()
        assert moved.detail == {"source": 1, "target": 2}
        event = s.query(ProcedureEvent).filter_by(action="moved").one()
        assert event.version_number == 2 and sorted(event.detail["moved"]) == sorted(plan.moved)
    # The moved dossier goes on: the leader approves, and the next step is version 2's.
    assert work(demo, at_approve.id, "lanhdao", {"decision": "approve", "leader_opinion": "Đồng ý."}) == "approve"
    with demo.motcua.read_session() as s:
        [item] = s.query(WorkItem).filter_by(dossier_id=at_approve.id, state="open").all()
    assert (item.step_id, item.step_name) == ("record_marriage", "Ghi sổ và in giấy chứng nhận kết hôn")
    work(demo, at_approve.id, "chuyenvien", {"register_book": "01/2026", "register_number": 7, "registered_on": "2026-11-23"})
    work(demo, at_approve.id, "tiepnhan", {"returned_to": "Trần Thị Bình", "return_method": "counter"})
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, at_approve.id).status == 10
    from engine.invariants import check
    report = check(demo.motcua)
    assert report.ok, report.summary()


def test_the_command_line_moves_after_a_dry_run(demo, monkeypatch):
    from click.testing import CliRunner
    from webapp.cli import main
    monkeypatch.setenv("DATABASE_URL", demo.motcua.settings.database_url)
    dossier = receive(demo, "Nguyễn Văn An")
    publish(demo, V2)
    dry = CliRunner().invoke(main, ["procedure", "move", "dang_ky_ket_hon", "1", "2", "--as", "admin"])
    assert dry.exit_code == 0 and f"Dossier {dossier.code} would move to version 2." in dry.output
    assert "This was a dry run: nothing was moved. Run the command again with --apply" in dry.output
    refused = CliRunner().invoke(main, ["procedure", "move", "dang_ky_ket_hon", "1", "2", "--as", "thietke", "--apply"])
    assert refused.exit_code == 1
    done = CliRunner().invoke(main, ["procedure", "move", "dang_ky_ket_hon", "1", "2", "--as", "admin", "--apply"])
    assert done.exit_code == 0 and f"Dossier {dossier.code} was moved to version 2." in done.output
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier.id).procedure_version.number == 2
