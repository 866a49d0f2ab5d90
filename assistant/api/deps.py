"""Typed access to what ``create_app`` keeps on ``app.state``, and the thread offloading.

Service calls block (the embedding model, Chroma), so they run in worker threads; separate
limiters keep a long upload from starving questions and bound how many model calls run at once.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, Request

from assistant.api.auth import key_from_headers
from assistant.api.jobs import JobRegistry
from assistant.api.options import ServerOptions
from assistant.container import Container

T = TypeVar("T")


def container(request: Request) -> Container:
    return request.app.state.container


def options(request: Request) -> ServerOptions:
    return request.app.state.options


def current_user(request: Request) -> str:
    """Who is asking (see ``assistant.identity``); a route with it also requires its key first."""
    client = request.client.host if request.client else None
    return request.app.state.identities.resolve(request.headers, client, key_from_headers(request.headers))


User = Annotated[str, Depends(current_user)]


def jobs(request: Request) -> JobRegistry:
    return request.app.state.jobs


async def ask_thread(request: Request, fn: Callable[..., T], *args, **kwargs) -> T:
    limiter = request.app.state.ask_limiter
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=limiter)


async def stream_thread(request: Request, iterator: Iterator[T]) -> AsyncIterator[T]:
    """The items of a blocking iterator, each fetched in a worker thread under the ask limiter.

    A slot is held per step, not for the whole stream, so a slow reader does not block other
    questions. When the consumer stops early (the client went away and the response task was
    cancelled, or the generator is closed), the iterator is closed too, which ends e.g. a
    language-model request in flight.
    """
    limiter = request.app.state.ask_limiter
    done = object()
    try:
        while (item := await anyio.to_thread.run_sync(next, iterator, done, limiter=limiter)) is not done:
            yield item
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(close, limiter=limiter)


async def ingest_thread(request: Request, fn: Callable[..., T], *args, **kwargs) -> T:
    limiter = request.app.state.ingest_limiter
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=limiter)
