"""The token bucket behind the API rate limit, on a hand-driven clock."""

from __future__ import annotations

from assistant.api.rate_limit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_and_the_next_request_waits_for_one_token():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)

    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == 1.0  # one token per second at 60/min


def test_tokens_come_back_with_time_but_never_beyond_the_burst():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=2, clock=clock)
    buckets.take("a"), buckets.take("a")

    clock.now += 3600
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 1.0]


def test_refused_requests_do_not_use_up_tokens():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=1, clock=clock)
    buckets.take("a")
    for _ in range(10):
        buckets.take("a")

    clock.now += 1.0
    assert buckets.take("a") == 0.0


def test_clients_have_separate_buckets():
    buckets = TokenBuckets(per_minute=60, burst=1, clock=Clock())

    assert buckets.take("a") == 0.0
    assert buckets.take("b") == 0.0
    assert buckets.take("a") > 0.0
