"""Front-end packages from npm, served straight from ``node_modules`` (the BPMN editor).

``package.json`` at the repository root declares them with exact versions and
``package-lock.json`` pins the whole tree; ``make run``, ``make test`` and ``.ci/run`` install
them with ``npm ci``. Nothing built is copied into the repository. Only the packages that
``package.json`` names are served (not their dependencies' sources or anything else in
``node_modules``), and ``send_from_directory`` refuses paths that climb out of a package.
"""
from __future__ import annotations

import json
from functools import lru_cache

from flask import Blueprint, abort, send_from_directory

from engine.config import PROJECT_ROOT

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

NODE_MODULES = PROJECT_ROOT / "node_modules"


@lru_cache(maxsize=1)
def declared_packages() -> frozenset[str]:
    manifest = json.loads((PROJECT_ROOT / "package.json").read_text(encoding="utf-8"))
    return frozenset(manifest.get("dependencies", {}))


def installed(package: str) -> bool:
    """Whether ``npm ci`` has run: pages that need a package say so instead of breaking."""
    return package in declared_packages() and (NODE_MODULES / package / "package.json").is_file()


@bp.get("/<path:path>")
def asset(path: str):
    # A package name may be scoped ("@scope/name"): its first one or two segments.
    parts = path.split("/")
    depth = 2 if parts[0].startswith("@") else 1
    package, path = "/".join(parts[:depth]), "/".join(parts[depth:])
    if package not in declared_packages() or not path:
        abort(404)
    # Versions are pinned and the URL does not change between installs: let browsers revalidate.
    return send_from_directory(NODE_MODULES / package, path, max_age=3600)
