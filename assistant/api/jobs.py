"""Background ingestion of large upload batches, with progress that clients can poll.

One worker thread: jobs run one after another, so a big batch never competes with another for
the model. Finished jobs are kept (the newest ``keep`` of them) so their results can be fetched.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from assistant.api.errors import STORE_UNAVAILABLE
from assistant.components.vector_store import StoreUnavailable
from assistant.models import FileResult
from assistant.services.page_progress import PageCallback, Stage

log = logging.getLogger(__name__)

JobStatus = Literal["queued", "running", "done", "failed"]


class Job(BaseModel):
    job_id: str
    status: JobStatus = "queued"
    total: int = Field(description="Number of files in the batch.")
    processed: int = 0
    current_file: str | None = None
    stage: Stage | None = Field(
        default=None, description="What happens to the current file's pages: read, then embedded (paged files only)."
    )
    page: int | None = Field(default=None, description="Pages of the current file done in this stage.")
    pages: int | None = Field(default=None, description="Pages of the current file (PDF), else absent.")
    results: list[FileResult] = Field(default_factory=list)
    error: str | None = None
    created_at: str
    finished_at: str | None = None


JobWork = Callable[[Callable[[int, str], None], PageCallback], list[FileResult]]


class JobRegistry:
    def __init__(self, keep: int = 200) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-job")

    def submit(self, total: int, work: JobWork) -> Job:
        job = Job(job_id=uuid.uuid4().hex, total=total, created_at=_now())
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
        self._executor.submit(self._run, job.job_id, work)
        return job.model_copy(deep=True)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.model_copy(deep=True) if job else None

    def shutdown(self) -> None:
        # The running file finishes (a document is never left half-indexed); queued jobs are dropped.
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _run(self, job_id: str, work: JobWork) -> None:
        self._update(job_id, status="running")

        def progress(index: int, filename: str) -> None:
            self._update(job_id, processed=index, current_file=filename, stage=None, page=None, pages=None)

        def page_progress(stage: Stage, page: int, pages: int) -> None:
            self._update(job_id, stage=stage, page=page, pages=pages)

        try:
            results = work(progress, page_progress)
        except StoreUnavailable as exc:
            log.error("ingestion job %s stopped: %s", job_id, exc)
            self._update(job_id, status="failed", error=STORE_UNAVAILABLE, finished_at=_now())
            return
        except Exception as exc:  # the job reports it; the worker thread must survive
            log.exception("ingestion job %s failed", job_id)
            self._update(job_id, status="failed", error=f"Interner Fehler (internal error): {exc}", finished_at=_now())
            return
        self._update(
            job_id,
            status="done",
            processed=len(results),
            current_file=None,
            stage=None,
            page=None,
            pages=None,
            results=results,
            finished_at=_now(),
        )

    def _update(self, job_id: str, **changes) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._jobs[job_id] = job.model_copy(update=changes)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
