"""`make run-partner` serves on PORT when given, and the demo's partner addresses follow the ports
used (issue 12, point 9): the main demo and its partner instances find each other on any ports."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from engine.config import PROJECT_ROOT
from webapp.cli import main


def _endpoints(url) -> dict[str, str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT code, endpoint FROM partners ORDER BY code")).all())
    engine.dispose()
    return found


def test_the_main_demo_aims_at_the_partners_ports_and_follows_them_when_they_change(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'main.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    # The demo citizen's scans and the demo signing certificate go to the test's own folder.
    monkeypatch.setenv("MOTCUA_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("MOTCUA_SIGNING_P12", str(tmp_path / "signing" / "agency.p12"))
    monkeypatch.setenv("MOTCUA_SIGNING_TRUST", str(tmp_path / "signing" / "ca.pem"))
    result = CliRunner().invoke(main, ["demo", "--main-port", "7000"])
    assert result.exit_code == 0, result.output
    assert _endpoints(url) == {"BHXH": "http://127.0.0.1:7001/api/partner/messages",
                               "THUE": "http://127.0.0.1:7002/api/partner/messages"}
    result = CliRunner().invoke(main, ["demo", "--main-port", "7000", "--thue-port", "7450"])
    assert result.exit_code == 0, result.output
    assert _endpoints(url)["THUE"] == "http://127.0.0.1:7450/api/partner/messages"


def test_a_partner_instance_answers_to_the_main_demos_port(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'thue.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(main, ["demo", "--as", "thue", "--main-port", "7000"])
    assert result.exit_code == 0, result.output
    assert list(_endpoints(url).values()) == ["http://127.0.0.1:7000/api/partner/messages"]


def _make(*args: str) -> str:
    """What make would run (dry run): the recipe lines, with the ports filled in."""
    return subprocess.run(["make", "-n", "-C", str(PROJECT_ROOT), *args], capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/bin:/bin"}).stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_partner_honours_port_and_make_run_hands_its_port_to_the_partners():
    assert "serve --host 127.0.0.1 --port 6100" in _make("run-partner", "PARTNER=thue", "PORT=6100")
    assert "serve --host 127.0.0.1 --port 5002" in _make("run-partner", "PARTNER=thue")
    main_run = _make("run", "PORT=8080")
    assert "demo --main-port 8080 --bhxh-port 8081 --thue-port 8082" in main_run
    assert "serve --host 127.0.0.1 --port 8080 --demo-stand-ins" in main_run  # the gateway and SMS stand-ins
    partner_run = _make("run-partner", "PARTNER=bhxh", "MAIN_PORT=8080")
    assert "demo --as bhxh --main-port 8080" in partner_run and "--port 8081" in partner_run
