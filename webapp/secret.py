"""The key that signs session cookies and CSRF tokens: never one written in the source.

Where it comes from, first match wins:

1. ``MOTCUA_SECRET_KEY`` in the environment (every process of a deployment must share it);
   shorter than 32 characters is refused, so a placeholder like "changeme" cannot slip through.
2. ``<instance>/secret_key``: generated at random on the first start and kept with file mode
   0600, so `make run` works on a fresh machine and a restart keeps everyone logged in.

A key written into the source would let anyone who reads it sign a session cookie for any user.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

MIN_LENGTH = 32
FILE_NAME = "secret_key"


class SecretKeyError(RuntimeError):
    """The configured key is unusable; the message tells the operator what to do."""


def secret_key(instance_dir: Path, environ=os.environ) -> str:
    configured = environ.get("MOTCUA_SECRET_KEY")
    if configured is not None:
        if len(configured) < MIN_LENGTH:
            raise SecretKeyError(
                f"MOTCUA_SECRET_KEY is too short ({len(configured)} characters; at least {MIN_LENGTH}). "
                "Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
        return configured
    return _instance_key(Path(instance_dir))


def _instance_key(instance_dir: Path) -> str:
    path = instance_dir / FILE_NAME
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        _create(path)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SecretKeyError(f"{path} can be read by other users (mode {mode:o}); run: chmod 600 {path}")
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise SecretKeyError(f"{path} holds a key shorter than {MIN_LENGTH} characters; delete it to get a new one")
    return key


def _create(path: Path) -> None:
    """Write the key completely under a temporary name, then link it into place: several web
    workers starting at once all end up with the first one's key, never a half-written file."""
    temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race: its key is the key
    finally:
        temporary.unlink(missing_ok=True)
