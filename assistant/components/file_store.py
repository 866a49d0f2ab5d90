"""Original files, stored by content (sha256) in one directory that may be a shared mount.

Content addressing makes storing idempotent and safe between processes: two writers of the same
bytes write the same file, and a file is replaced atomically (write to a temporary name, rename), so
a reader never sees half a file. Which documents still need a file is the caller's knowledge; this
component only stores, finds and deletes bytes.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import tempfile
from pathlib import Path, PurePath

_DIGEST = re.compile(r"^[0-9a-f]{64}$")

# Types the loaders accept; mimetypes does not know all of them on every system (.md, .docx).
_MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".md": "text/markdown; charset=utf-8",
    ".markdown": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
}


# Every type an original can be served as (the API documents them all).
SERVED_MEDIA_TYPES = tuple(dict.fromkeys(t.split(";")[0] for t in [*_MEDIA_TYPES.values(), "application/octet-stream"]))


def media_type(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return _MEDIA_TYPES.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def put(self, data: bytes) -> str:
        """Stores ``data`` (once per content) and returns its sha256 hex digest."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.is_file() and target.stat().st_size == len(data):
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{digest[:8]}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def path(self, digest: str) -> Path:
        if not _DIGEST.match(digest):
            raise ValueError(f"not a sha256 hex digest: {digest!r}")
        # Two levels keep directories small on a store with many thousands of files.
        return self.root / digest[:2] / digest

    def has(self, digest: str) -> bool:
        return bool(_DIGEST.match(digest or "")) and self.path(digest).is_file()

    def delete(self, digest: str) -> None:
        if _DIGEST.match(digest or ""):
            self.path(digest).unlink(missing_ok=True)
