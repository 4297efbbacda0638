"""Settings read from the environment, with defaults for the embedded demo."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'instance' / 'motcua.sqlite'}"


def _seconds(name: str) -> float | None:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else None


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL") or default_database_url())
    bpmn_dir: Path = field(default_factory=lambda: Path(os.environ.get("MOTCUA_BPMN_DIR", PROJECT_ROOT / "workflows" / "bpmn")))
    forms_dir: Path = field(default_factory=lambda: Path(os.environ.get("MOTCUA_FORMS_DIR", PROJECT_ROOT / "workflows" / "forms")))
    # What citizens read about each procedure (engine/procedures/catalogue.py).
    catalogue_dir: Path = field(default_factory=lambda: Path(os.environ.get("MOTCUA_CATALOGUE_DIR", PROJECT_ROOT / "workflows" / "catalogue")))
    # The SMS operator's gateway (integrations/sms.py); without a URL texts wait in the outbox.
    sms_url: str = field(default_factory=lambda: os.environ.get("MOTCUA_SMS_URL", ""))
    sms_key: str = field(default_factory=lambda: os.environ.get("MOTCUA_SMS_KEY", ""))
    sms_sender: str = field(default_factory=lambda: os.environ.get("MOTCUA_SMS_SENDER", "MOTCUA"))
    # The payment gateway (integrations/payment.py): its payment page, our merchant code and the
    # shared hash secret; with one missing, online payment is refused with the missing names.
    payment_url: str = field(default_factory=lambda: os.environ.get("MOTCUA_PAYMENT_URL", ""))
    payment_tmn_code: str = field(default_factory=lambda: os.environ.get("MOTCUA_PAYMENT_TMN_CODE", ""))
    payment_hash_secret: str = field(default_factory=lambda: os.environ.get("MOTCUA_PAYMENT_HASH_SECRET", ""), repr=False)
    # Files citizens upload, stored by content hash; outside the web root, served only through checks.
    upload_dir: Path = field(default_factory=lambda: Path(os.environ.get("MOTCUA_UPLOAD_DIR", PROJECT_ROOT / "instance" / "uploads")))
    timezone: str = field(default_factory=lambda: os.environ.get("MOTCUA_TIMEZONE", "Asia/Ho_Chi_Minh"))
    smtp_host: str = field(default_factory=lambda: os.environ.get("MOTCUA_SMTP_HOST", ""))
    smtp_port: int = field(default_factory=lambda: int(os.environ.get("MOTCUA_SMTP_PORT", "25")))
    # The national portal's dossier sync API and the session token it issued to us; empty: the
    # records wait in the outbox (`motcua serve` then starts a local stand-in, docs/OPERATIONS.md).
    portal_url: str = field(default_factory=lambda: os.environ.get("MOTCUA_PORTAL_URL", ""))
    portal_session: str = field(default_factory=lambda: os.environ.get("MOTCUA_PORTAL_SESSION", ""))
    # The agency's signing certificate for electronic results (PKCS#12) and the trust roots the
    # verification page accepts; `motcua demo` makes a demo pair here when they are missing.
    signing_p12: Path = field(default_factory=lambda: Path(os.environ.get(
        "MOTCUA_SIGNING_P12", PROJECT_ROOT / "instance" / "signing" / "agency.p12")))
    signing_passphrase: str = field(default_factory=lambda: os.environ.get("MOTCUA_SIGNING_PASSPHRASE", ""))
    signing_trust: Path = field(default_factory=lambda: Path(os.environ.get(
        "MOTCUA_SIGNING_TRUST", PROJECT_ROOT / "instance" / "signing" / "ca.pem")))
    mail_from: str = field(default_factory=lambda: os.environ.get("MOTCUA_MAIL_FROM", "motcua@localhost"))
    # Connections per process (PostgreSQL): a gunicorn worker needs about one per thread; the
    # server's max_connections must cover every process (docs/OPERATIONS.md).
    db_pool_size: int = field(default_factory=lambda: int(os.environ.get("MOTCUA_DB_POOL_SIZE", "10")))
    db_max_overflow: int = field(default_factory=lambda: int(os.environ.get("MOTCUA_DB_MAX_OVERFLOW", "30")))
    # Seconds to wait for a new connection: an unreachable server fails a request quickly (503).
    db_connect_timeout: int = field(default_factory=lambda: int(os.environ.get("MOTCUA_DB_CONNECT_TIMEOUT", "5")))
    # Files the deployment keeps beside the database: the generated secret key (webapp/secret.py).
    instance_dir: Path = field(default_factory=lambda: Path(os.environ.get("MOTCUA_INSTANCE_DIR", PROJECT_ROOT / "instance")))
    # Logins (engine/commands/sessions.py): ended after this long without a request, and this long
    # after the login whatever happens.
    session_idle_minutes: int = field(default_factory=lambda: int(os.environ.get("MOTCUA_SESSION_IDLE_MINUTES", "30")))
    session_lifetime_minutes: int = field(default_factory=lambda: int(os.environ.get("MOTCUA_SESSION_LIFETIME_MINUTES", "600")))
    # Seconds a statement waits for a lock (PostgreSQL lock_timeout, SQLite busy timeout; default
    # 10 on PostgreSQL, 30 on SQLite where a writer waits for the whole database), and at most runs
    # (PostgreSQL statement_timeout). Past them the request answers "busy, try again" (503).
    db_lock_timeout: float | None = field(default_factory=lambda: _seconds("MOTCUA_DB_LOCK_TIMEOUT"))
    db_statement_timeout: float = field(default_factory=lambda: _seconds("MOTCUA_DB_STATEMENT_TIMEOUT") or 60)
    # Time budget of one BPMN script, condition or expression (engine/runtime/script_limits.py).
    script_seconds: float = field(default_factory=lambda: _seconds("MOTCUA_SCRIPT_SECONDS") or 3)
    # BPMN files are small; anything bigger is a mistake or an attack.
    max_bpmn_bytes: int = 2 * 1024 * 1024
