"""Settings read from the environment, with defaults for the embedded demo."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'instance' / 'motcua.sqlite'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL") or default_database_url())
    bpmn_dir: Path = field(default_factory=lambda: Path(os.environ.get("MOTCUA_BPMN_DIR", PROJECT_ROOT / "workflows" / "bpmn")))
    forms_dir: Path = field(default_factory=lambda: Path(os.environ.get("MOTCUA_FORMS_DIR", PROJECT_ROOT / "workflows" / "forms")))
    timezone: str = field(default_factory=lambda: os.environ.get("MOTCUA_TIMEZONE", "Asia/Ho_Chi_Minh"))
    smtp_host: str = field(default_factory=lambda: os.environ.get("MOTCUA_SMTP_HOST", ""))
    smtp_port: int = field(default_factory=lambda: int(os.environ.get("MOTCUA_SMTP_PORT", "25")))
    mail_from: str = field(default_factory=lambda: os.environ.get("MOTCUA_MAIL_FROM", "motcua@localhost"))
    # BPMN files are small; anything bigger is a mistake or an attack.
    max_bpmn_bytes: int = 2 * 1024 * 1024
