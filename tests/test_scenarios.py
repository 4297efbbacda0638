"""Every shipped procedure has a scenario that runs green: steps, form data, clock moves in working
days, partner replies, and the statuses, due dates and escalations the modeller expects."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import scenarios
from engine.config import PROJECT_ROOT

SHIPPED = sorted((PROJECT_ROOT / "workflows" / "bpmn").glob("*.bpmn"))


def test_every_shipped_procedure_has_a_scenario():
    missing = [p.stem for p in SHIPPED if not (scenarios.SCENARIOS_DIR / f"{p.stem}.toml").is_file()]
    assert missing == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_scenario_of_each_shipped_procedure_passes(demo, path):
    scenario = scenarios.load(scenarios.SCENARIOS_DIR / f"{path.stem}.toml")
    result = scenarios.run(demo.motcua, scenario)
    assert result.ok, scenarios.report(result)
    assert result.steps[-1].finished or scenario["steps"][-1].get("expect", {}).get("finished") is None


def test_a_wrong_expectation_fails_at_its_step_with_what_was_seen(demo):
    scenario = scenarios.load(scenarios.SCENARIOS_DIR / "dang_ky_ket_hon.toml")
    scenario["steps"][3]["expect"] = {"status": 9, "open": ["approve"]}
    result = scenarios.run(demo.motcua, scenario)
    assert not result.ok and len(result.steps) == 4
    assert result.steps[3].failures == ["status 4, expected 9"]
    assert "4. complete appraise: FAILED (status 4, open approve" in scenarios.report(result)


def test_a_step_the_engine_refuses_is_reported_in_words(demo):
    scenario = scenarios.load(scenarios.SCENARIOS_DIR / "dang_ky_ket_hon.toml")
    scenario["steps"][3]["data"] = {"conditions_met": "yes"}
    result = scenarios.run(demo.motcua, scenario)
    [failure] = result.steps[3].failures
    assert failure.startswith("refused: ") and "appraisal_opinion" in failure


def test_a_broken_draft_cannot_run_and_says_why(tmp_path):
    xml = (PROJECT_ROOT / "workflows" / "bpmn" / "dang_ky_ket_hon.bpmn").read_text(encoding="utf-8")
    result = scenarios.run_file(scenarios.SCENARIOS_DIR / "dang_ky_ket_hon.toml",
                                bpmn_xml=xml.replace('isExecutable="true"', 'isExecutable="false"'))
    assert not result.ok and "isExecutable" in result.error


def test_a_scenario_file_with_an_unknown_action_is_refused(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('procedure = "dang_ky_ket_hon"\n[[steps]]\naction = "fly"\n', encoding="utf-8")
    with pytest.raises(scenarios.ScenarioInvalid, match="step 1: action must be one of"):
        scenarios.load(path)


def test_motcua_test_procedure_runs_in_a_database_of_its_own(monkeypatch, tmp_path):
    from click.testing import CliRunner
    from webapp.cli import main
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/never-created.sqlite")
    result = CliRunner().invoke(main, ["test-procedure", str(scenarios.SCENARIOS_DIR / "dang_ky_ho_kinh_doanh.toml")])
    assert result.exit_code == 0, result.output
    assert "dang_ky_ho_kinh_doanh: OK" in result.output and "8. complete return_result: ok (status 10" in result.output
    assert not Path(tmp_path / "never-created.sqlite").exists()
