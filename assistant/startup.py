"""Storage faults in plain words: a read-only or full data directory stops a command with one clear
message instead of a traceback, at startup (``check_storage``) and later (``explain_failure``).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings

# Exit code of a command refused because its storage cannot be written.
EXIT_STORAGE = 3
# More than a byte: on a nearly full disk a tiny probe succeeds and the first real write fails.
_PROBE_BYTES = 64 * 1024
# Less free space than this after a failed write: the write most likely failed for lack of it.
_LOW_SPACE_BYTES = 1024 * 1024

_ERRNO_KINDS = {
    errno.EROFS: "read_only",
    errno.EACCES: "permission_denied",
    errno.EPERM: "permission_denied",
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
}
# Chroma reports SQLite's errors as text (SQLITE_FULL, SQLITE_READONLY), not as OSError.
_TEXT_KINDS = {
    "database or disk is full": "disk_full",
    "no space left on device": "disk_full",
    "attempt to write a readonly database": "read_only",
    "read-only file system": "read_only",
}


@dataclass(frozen=True)
class StorageProblem:
    code: str  # "read_only" | "permission_denied" | "disk_full" | "unusable"
    message: str


class StorageError(RuntimeError):
    def __init__(self, problem: StorageProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def check_storage(settings: Settings) -> None:
    """Raises StorageError unless every directory the assistant must write to takes a real write.

    With a Chroma server the store is the server's business; the data directory still holds the
    lexical index and, by default, the model cache."""
    directories = [settings.data_dir]
    if not settings.chroma_host:
        directories.append(settings.chroma_dir)
    for directory in directories:
        try:
            _probe(directory)
        except OSError as exc:
            problem = storage_problem(exc, settings, directory)
            if problem is None:  # e.g. the path is a file: still a message, not a traceback
                place_de, place_en = _place(settings, directory)
                problem = StorageProblem(
                    "unusable",
                    f"{_capital(place_de)} ist nicht benutzbar: {exc.strerror or exc}. "
                    f"({_capital(place_en)} cannot be used.)",
                )
            raise StorageError(problem) from exc


def storage_problem(exc: BaseException, settings: Settings, directory: Path | None = None) -> StorageProblem | None:
    """The plain-words problem behind ``exc`` (or anything it was raised from), or None if ``exc`` is
    not a storage fault. Names ``directory`` if given, else the file named by the error."""
    for error in _chain(exc):
        if isinstance(error, StorageError):
            return error.problem
        kind = _ERRNO_KINDS.get(error.errno) if isinstance(error, OSError) else None
        if kind is None:
            text = str(error).lower()
            kind = next((k for fragment, k in _TEXT_KINDS.items() if fragment in text), None)
        if kind is not None:
            filename = getattr(error, "filename", None) if isinstance(error, OSError) else None
            return StorageProblem(kind, _message(kind, settings, directory or (Path(filename) if filename else None)))
    return None


def explain_failure(exc: BaseException, settings: Settings) -> StorageProblem | None:
    """``storage_problem``, or, when the error says nothing of storage, a fresh probe of the data
    directories: embedded Chroma words a full disk in its own terms ("Failed to apply logs to the
    metadata segment"). Only for the embedded store; a Chroma server's disk is not ours to probe."""
    problem = storage_problem(exc, settings)
    if problem is not None or settings.chroma_host:
        return problem
    try:
        check_storage(settings)
    except StorageError as probe:
        return probe.problem
    # A write that needed more than was left fails, and the probe after it may still fit.
    if _free_bytes(settings.chroma_dir) < _LOW_SPACE_BYTES:
        return StorageProblem("disk_full", _message("disk_full", settings, settings.data_dir))
    return None


def _free_bytes(directory: Path) -> int:
    try:
        stat = os.statvfs(directory)
    except OSError:
        return _LOW_SPACE_BYTES  # unknown counts as enough: never blame the disk without evidence
    return stat.f_bavail * stat.f_frsize


def _probe(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".write-probe-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"\0" * _PROBE_BYTES)
            fh.flush()
            os.fsync(fh.fileno())  # delayed allocation reports a full disk only here
    finally:
        os.unlink(name)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _message(kind: str, settings: Settings, path: Path | None) -> str:
    place_de, place_en = _place(settings, path)
    if settings.chroma_host and path is None:
        fix = "Bitte den Chroma-Server prüfen."
    elif kind == "disk_full":
        fix = "Bitte Platz schaffen oder über ASSISTANT_DATA_DIR ein anderes Verzeichnis angeben."
    else:
        fix = "Bitte über ASSISTANT_DATA_DIR ein beschreibbares Verzeichnis angeben."
    if kind == "disk_full":
        return (
            f"Kein Speicherplatz mehr: {place_de} liegt auf einem vollen Datenträger (disk full). {fix} "
            f"(No space left: {place_en} is on a full disk.)"
        )
    reason_de, reason_en = {
        "read_only": ("das Dateisystem ist schreibgeschützt (read-only)", "read-only file system"),
        "permission_denied": ("keine Schreibrechte (permission denied)", "permission denied"),
    }[kind]
    return f"{_capital(place_de)} ist nicht beschreibbar: {reason_de}. {fix} ({_capital(place_en)} is not writable: {reason_en}.)"


def _place(settings: Settings, path: Path | None) -> tuple[str, str]:
    """What to name, German and English: the data directory the user configured where possible."""
    if settings.chroma_host and path is None:
        where = f"{settings.chroma_host}:{settings.chroma_port}"
        return f"der Speicher des Chroma-Servers {where}", f"the storage of the Chroma server {where}"
    path = path or settings.data_dir
    if path != settings.data_dir and settings.data_dir not in path.parents:
        return f"das Verzeichnis {path}", f"the directory {path}"
    detail = "" if path == settings.data_dir else f" ({path})"
    return f"das Datenverzeichnis {settings.data_dir}{detail}", f"the data directory {settings.data_dir}{detail}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
