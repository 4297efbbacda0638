"""Every shipped procedure is tried by its scenarios (workflows/scenarios/), as `motcua
test-procedure` does: a procedure change that breaks what a scenario expects fails the suite,
with the step and what differed."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT
from engine.procedures.scenarios import ScenarioInvalid, run_file
from tests.conftest import BPMN_DIR, FORMS_DIR

SCENARIOS = sorted((PROJECT_ROOT / "workflows" / "scenarios").glob("*.toml"))


def test_every_shipped_procedure_has_scenarios():
    shipped = {p.stem for p in BPMN_DIR.glob("*.bpmn")}
    assert shipped == {p.stem for p in SCENARIOS}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_scenarios_of_a_shipped_procedure_pass(path):
    outcomes = run_file(path, bpmn_dir=BPMN_DIR, forms_dir=FORMS_DIR)
    assert outcomes and all(o.ok for o in outcomes), "\n".join(o.report() for o in outcomes)


def test_a_wrong_expectation_fails_at_its_step_saying_what_differed(tmp_path):
    text = (PROJECT_ROOT / "workflows" / "scenarios" / "dang_ky_ket_hon.toml").read_text(encoding="utf-8")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(text.replace('expect = { open = ["record_marriage"] }', 'expect = { open = ["return_result"] }'),
                     encoding="utf-8")
    first = run_file(wrong, bpmn_dir=BPMN_DIR, forms_dir=FORMS_DIR)[0]
    assert not first.ok
    failed = first.steps[-1]
    assert (failed.number, failed.ok) == (5, False) and len(first.steps) == 5  # stops at the failing step
    assert "bước đang mở ['record_marriage'], kịch bản chờ ['return_result']" in first.report()


def test_a_step_the_engine_refuses_is_reported_in_the_officers_words(tmp_path):
    path = tmp_path / "refused.toml"
    path.write_text('''procedure = "dang_ky_ket_hon"
start = 2026-11-23T09:00:00+07:00
[[scenario]]
name = "thiếu ý kiến thẩm định"
  [[scenario.step]]
  do = "receive"
  as = "tiepnhan"
  [[scenario.step]]
  do = "complete"
  step = "appraise"
  as = "chuyenvien"
  data = { conditions_met = true }
''', encoding="utf-8")
    [outcome] = run_file(path, bpmn_dir=BPMN_DIR, forms_dir=FORMS_DIR)
    assert not outcome.ok and "hệ thống từ chối: Dữ liệu biểu mẫu không hợp lệ." in outcome.report()


@pytest.mark.parametrize("content, message", [
    ("procedure = 'x'\n", "thiếu khóa 'start'"),
    ("procedure = 'x'\nstart = 2026-11-23T09:00:00\nscenario = []\n", "phải là thời điểm có múi giờ"),
    ("procedure = 'x'\nstart = 2026-11-23T09:00:00+07:00\n[[scenario]]\n[[scenario.step]]\ndo = 'fly'\n",
     "'do' phải là một trong"),
    ("procedure = = 'x'", "không đọc được tệp kịch bản"),
])
def test_a_broken_scenario_file_is_refused_with_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "broken.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ScenarioInvalid, match=message):
        run_file(path, bpmn_dir=BPMN_DIR, forms_dir=FORMS_DIR)


def test_the_command_line_plays_a_file_and_fails_on_a_failing_scenario(tmp_path):
    from click.testing import CliRunner
    from webapp.cli import main
    ok = CliRunner().invoke(main, ["test-procedure", str(PROJECT_ROOT / "workflows/scenarios/dang_ky_ho_kinh_doanh.toml")])
    assert ok.exit_code == 0 and "✓ dang_ky_ho_kinh_doanh" in ok.output and "Tất cả kịch bản đều đạt" in ok.output
    broken = tmp_path / "broken.toml"
    broken.write_text("procedure = 'x'\n", encoding="utf-8")
    failed = CliRunner().invoke(main, ["test-procedure", str(broken)])
    assert failed.exit_code == 1 and "thiếu khóa 'start'" in failed.output
