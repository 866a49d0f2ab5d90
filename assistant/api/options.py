"""Server options read from Settings.

The fields are read with ``getattr`` and a default so that the server works before (and after) they
are declared in ``assistant.settings.Settings``; this module is the only place that knows the names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.settings import Settings

MB = 1024 * 1024


@dataclass(frozen=True)
class ServerOptions:
    reader_keys: tuple[str, ...] = ()
    editor_keys: tuple[str, ...] = ()
    allow_unauthenticated_remote: bool = False
    cors_origins: tuple[str, ...] = ()
    max_file_mb: float = 50.0
    max_upload_files: int = 50
    # A batch with more files or more megabytes than this becomes a background job (202 + job id).
    job_threshold_files: int = 5
    job_threshold_mb: float = 20.0
    ask_concurrency: int = 4
    web_login: bool = False
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 60

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerOptions:
        def get(name: str, default: Any) -> Any:
            value = getattr(settings, name, None)
            return default if value is None else value

        reader_keys = _keys(get("api_keys_reader", ()))
        editor_keys = _keys(get("api_keys_editor", ()))
        return cls(
            reader_keys=reader_keys,
            editor_keys=editor_keys,
            # A login nobody could pass is worse than none: without keys there is nothing to log in with.
            web_login=bool(get("web_login", True)) and bool(reader_keys or editor_keys),
            allow_unauthenticated_remote=bool(get("allow_unauthenticated_remote", False)),
            cors_origins=_keys(get("cors_origins", ())),
            max_file_mb=float(settings.max_file_mb),
            max_upload_files=int(get("max_upload_files", cls.max_upload_files)),
            job_threshold_files=int(get("upload_job_files", cls.job_threshold_files)),
            job_threshold_mb=float(get("upload_job_mb", cls.job_threshold_mb)),
            ask_concurrency=int(get("ask_concurrency", cls.ask_concurrency)),
            rate_limit_per_minute=int(get("rate_limit_per_minute", cls.rate_limit_per_minute)),
            rate_limit_burst=int(get("rate_limit_burst", cls.rate_limit_burst)),
        )

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_upload_request_bytes(self) -> int:
        # Room for every allowed file at full size plus multipart headers and form fields.
        return self.max_file_bytes * self.max_upload_files + MB

    @property
    def keys_configured(self) -> bool:
        return bool(self.reader_keys or self.editor_keys)


def _keys(value: Any) -> tuple[str, ...]:
    """Accepts a list or a comma-separated string (handy in environment variables)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
