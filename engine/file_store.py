"""Uploaded files on disk, named by their SHA-256 (``<root>/ab/abcdef…``): the same scan uploaded
twice is stored once, a name can never point outside the store, and nothing here is reachable
from the web root: the web app serves a file only after checking who may see it.

``sniff`` tells a file's type from its first bytes, never from its name or the browser's claim.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

# The document types accepted: PDF, JPEG and PNG, by their signatures.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_HASH = re.compile(r"^[0-9a-f]{64}$")


def sniff(content: bytes) -> str | None:
    head = content[:16]
    return next((kind for signature, kind in SIGNATURES if head.startswith(signature)), None)


class FileStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if not _HASH.match(sha256 or ""):
            raise ValueError("not a SHA-256")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        """Store ``content`` (once) and return its SHA-256. Written to a temporary file and renamed,
        so a reader never sees half a file."""
        sha256 = hashlib.sha256(content).hexdigest()
        path = self._path(sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(content)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, path)
        return sha256

    def read(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()
