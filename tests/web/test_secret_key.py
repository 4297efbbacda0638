"""No built-in secret: the key that signs session cookies is generated per installation (or
given by the operator), so a cookie signed with any key written in the source opens nothing."""
from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
from dataclasses import replace

import pytest
from flask.sessions import SecureCookieSessionInterface

from engine.config import PROJECT_ROOT
from webapp import create_app
from webapp.secret import SecretKeyError

OLD_DEFAULT = "dev-only-change-me"  # what every installation signed with before


def source_strings() -> set[str]:
    """Every string literal in the project's Python files: the keys an attacker could read."""
    found = set()
    for path in PROJECT_ROOT.rglob("*.py"):
        if {".venv", "node_modules"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def forged_cookie(app, key: str, user_id: int) -> str:
    """What an attacker builds: flask-login's session content, signed as Flask signs it."""
    forger = app.__class__(__name__)
    forger.secret_key = key
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    return serializer.dumps({"_user_id": str(user_id), "_fresh": True, "_id": "x"})


@pytest.fixture
def served(settings, tmp_path, monkeypatch, demo):
    """The app as `motcua serve` and wsgi.py build it: no key from a test, none in the environment."""
    monkeypatch.delenv("MOTCUA_SECRET_KEY", raising=False)
    app = create_app(replace(settings, instance_dir=tmp_path / "instance"))
    yield app
    app.extensions["motcua"].dispose()


def test_first_start_generates_a_private_random_key_and_later_starts_keep_it(served, settings, tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert served.secret_key == key_file.read_text().strip() and len(served.secret_key) >= 32
    again = create_app(replace(settings, instance_dir=tmp_path / "instance"))
    other = create_app(replace(settings, instance_dir=tmp_path / "elsewhere"))
    try:
        assert again.secret_key == served.secret_key  # a restart keeps everyone logged in
        assert other.secret_key != served.secret_key  # each installation its own
    finally:
        again.extensions["motcua"].dispose()
        other.extensions["motcua"].dispose()


def test_no_key_in_the_source_signs_a_cookie_the_app_accepts(served, demo):
    candidates = source_strings() | {OLD_DEFAULT}
    assert len(candidates) > 1000  # the scan did read the project
    assert served.secret_key not in candidates
    admin = demo.users["admin"]
    for key in (OLD_DEFAULT, "test", "browser-test"):
        client = served.test_client()
        client.set_cookie("session", forged_cookie(served, key, admin))
        response = client.get("/admin/partners")
        assert response.status_code == 302 and response.location.startswith("/login"), key


def test_a_key_from_the_environment_wins_and_a_short_one_is_refused(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_SECRET_KEY", "k" * 40)
    app = create_app(replace(settings, instance_dir=tmp_path / "instance"))
    app.extensions["motcua"].dispose()
    assert app.secret_key == "k" * 40
    assert not (tmp_path / "instance" / "secret_key").exists()
    monkeypatch.setenv("MOTCUA_SECRET_KEY", "changeme")
    with pytest.raises(SecretKeyError, match="too short"):
        create_app(replace(settings, instance_dir=tmp_path / "instance"))


def test_a_key_file_others_can_read_is_refused(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("MOTCUA_SECRET_KEY", raising=False)
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "secret_key").write_text("s" * 64)
    os.chmod(folder / "secret_key", 0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        create_app(replace(settings, instance_dir=folder))


def test_wsgi_entry_point_and_serve_build_the_app_with_the_generated_key(database_url, tmp_path):
    env = dict(os.environ, DATABASE_URL=database_url, MOTCUA_INSTANCE_DIR=str(tmp_path / "instance"))
    env.pop("MOTCUA_SECRET_KEY", None)
    script = "import wsgi, sys; sys.stdout.write(wsgi.app.secret_key)"
    printed = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True,
                             text=True, timeout=120, check=True).stdout
    assert printed == (tmp_path / "instance" / "secret_key").read_text().strip()
    env["MOTCUA_SECRET_KEY"] = "short"
    refused = subprocess.run([sys.executable, "-m", "webapp.cli", "serve", "--port", "0", "--no-scheduler"],
                             cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "MOTCUA_SECRET_KEY is too short" in refused.stderr and "Traceback" not in refused.stderr
