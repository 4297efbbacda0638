"""The BPMN editor's packages come from npm (package.json, package-lock.json, `npm ci` in the
Makefile) and are served from node_modules: only the packages package.json declares."""
from __future__ import annotations

import json

from engine.config import PROJECT_ROOT


def test_declared_package_is_served_from_node_modules(client):
    response = client.get("/vendor/bpmn-js/dist/bpmn-modeler.production.min.js")
    assert response.status_code == 200
    assert "javascript" in response.content_type
    installed = json.loads((PROJECT_ROOT / "node_modules" / "bpmn-js" / "package.json").read_text())
    locked = json.loads((PROJECT_ROOT / "package-lock.json").read_text())
    # What is served is what the lockfile pins (npm ci, not whatever happened to be installed).
    assert installed["version"] == locked["packages"]["node_modules/bpmn-js"]["version"]
    css = client.get("/vendor/bpmn-js/dist/assets/bpmn-js.css")
    assert css.status_code == 200 and "text/css" in css.content_type


def test_only_declared_packages_and_no_path_escape(client):
    # A dependency of a dependency is installed but not declared: not served.
    assert (PROJECT_ROOT / "node_modules" / "min-dash").is_dir()
    assert client.get("/vendor/min-dash/package.json").status_code == 404
    assert client.get("/vendor/bpmn-js/../../package.json").status_code == 404
    assert client.get("/vendor/bpmn-js/%2e%2e/%2e%2e/pyproject.toml").status_code == 404
    assert client.get("/vendor/bpmn-js/").status_code == 404
    assert client.get("/vendor/bpmn-js/no-such-file.js").status_code == 404


def test_package_versions_are_exact():
    manifest = json.loads((PROJECT_ROOT / "package.json").read_text())
    for name, version in {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}.items():
        assert version[0].isdigit(), f"{name} must be pinned exactly, not {version!r}"
