"""A GGUF model run in-process by llama.cpp (the ``xllamacpp`` wheel, optional extra ``.[gguf]``).

It offers the two calls the answerer and the follow-up rewriter make of a LangChain chat model:
``stream(messages)`` (chunks with ``.text``) and ``invoke(messages)``. Messages are the
``(role, text)`` pairs of ``answerer/prompts.py``. Failures raise, as an unreachable server would,
so the answerer's fallback to the extractive answer and its citation checks apply unchanged.

One engine per model file and settings, shared by the answer and rewrite configurations: the file
is loaded once. One slot (``n_parallel = 1``): llama.cpp splits the context among slots, and a
prompt with six passages needs the whole window; concurrent requests wait their turn.
"""

from __future__ import annotations

import importlib
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ROLES = {"system": "system", "human": "user", "user": "user", "ai": "assistant", "assistant": "assistant"}
_END = object()
_engines: dict[tuple[str, int | None, int], Any] = {}
_engines_lock = threading.Lock()


class GGUFError(RuntimeError):
    """llama.cpp refused or failed the request (e.g. the prompt exceeds the context)."""


@dataclass(frozen=True)
class Chunk:
    text: str


class GGUFChatModel:
    def __init__(
        self,
        path: Path,
        *,
        threads: int | None = None,
        context: int = 4096,
        temperature: float = 0.1,
        max_tokens: int = 600,
        timeout: float = 30.0,
    ) -> None:
        self.path = Path(path)
        self.threads = threads
        self.context = context
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.timeout = timeout  # seconds until the first and between two pieces, as for a server

    def invoke(self, messages: Sequence[tuple[str, str]]) -> Chunk:
        return Chunk("".join(chunk.text for chunk in self.stream(messages)))

    def stream(self, messages: Sequence[tuple[str, str]]) -> Iterator[Chunk]:
        engine = self._engine()
        request = {
            "messages": [{"role": _ROLES.get(role, role), "content": text} for role, text in messages],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "stream": True,
        }
        pieces: queue.Queue = queue.Queue()
        stop = threading.Event()

        def on_chunk(chunk: dict) -> bool:
            pieces.put(chunk)
            return stop.is_set()  # True ends the generation: the reader went away or timed out

        def generate() -> None:
            try:
                engine.handle_chat_completions(request, on_chunk)
            except Exception as error:  # reported to the reader, which raises it
                pieces.put(error)
            finally:
                pieces.put(_END)

        # llama.cpp calls back from its own loop until the reply is complete; a thread turns that
        # into an iterator the answerer can stop early (a closed HTTP stream) and time out.
        threading.Thread(target=generate, name="gguf-generate", daemon=True).start()
        try:
            while True:
                try:
                    item = pieces.get(timeout=self.timeout)
                except queue.Empty:
                    raise TimeoutError(f"no token from the GGUF model within {self.timeout:g} s") from None
                if item is _END:
                    return
                if isinstance(item, Exception):
                    raise item
                if "error" in item:
                    raise GGUFError(str(item["error"].get("message", item["error"])))
                for choice in item.get("choices", ()):
                    if text := (choice.get("delta") or {}).get("content"):
                        yield Chunk(text)
        finally:
            stop.set()

    def _engine(self) -> Any:
        key = (str(self.path), self.threads, self.context)
        with _engines_lock:
            if key not in _engines:
                _engines[key] = _load(self.path, self.threads, self.context)
            return _engines[key]


def _load(path: Path, threads: int | None, context: int) -> Any:
    xllamacpp = importlib.import_module("xllamacpp")
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = context
    params.n_parallel = 1
    params.warmup = False  # the first question pays instead of every start, tests included
    # llama.cpp's default logs every slot and task to stderr; errors reach us in the reply anyway.
    params.verbosity = 1
    if threads:
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
    return xllamacpp.Server(params)
