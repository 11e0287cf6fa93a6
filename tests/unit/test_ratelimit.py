"""The sliding-window limiter: never more than N in any window, bursts allowed up to N."""

import asyncio

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.ratelimit import SlidingWindow, SlidingWindowRateLimiter


def test_window_counts_a_request_until_a_period_after_its_answer():
    w = SlidingWindow(3, 1.0)
    cells = []
    for t in (0.0, 0.1, 0.2):
        assert w.delay(t) == 0
        cells.append(w.take())
    assert w.delay(0.3) == pytest.approx(0.005)  # all in flight: poll until one answers
    for cell, answered in zip(cells, (0.05, 0.4, 0.3), strict=True):
        SlidingWindow.done(cell, answered)
    assert w.delay(0.5) == pytest.approx(0.55)  # the first answer leaves the window at 1.05
    assert w.delay(1.05) == 0


def max_in_window(stamps, period):
    lo, best = 0, 0
    for hi, t in enumerate(stamps):
        while stamps[lo] <= t - period:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


async def test_limiter_keeps_group_and_global_windows():
    limiter = SlidingWindowRateLimiter(per_second=20, group_per_minute=5, margin=1.0)
    loop = asyncio.get_running_loop()
    stamps: dict[int, list[float]] = {}

    async def send(chat_id):
        stamps.setdefault(chat_id, []).append(loop.time())
        return True

    calls = [limiter.process_request(send, (c,), {}, "sendMessage", {"chat_id": c}, None)
             for c in [1000 + i for i in range(30)] + [-1] * 5]
    await asyncio.gather(*calls)
    everything = sorted(t for ts in stamps.values() for t in ts)
    assert max_in_window(everything, 1.0) <= 20
    assert everything[-1] - everything[0] >= 0.9  # 35 messages need more than one window
    assert len(stamps[-1]) == 5


async def test_retry_after_pauses_and_retries_but_outbox_calls_get_the_error():
    limiter = SlidingWindowRateLimiter(max_retries=2)
    attempts = []

    async def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RetryAfter(0)
        return True

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 5}, None)
    assert len(attempts) == 2

    async def always_429():
        raise RetryAfter(0)

    with pytest.raises(RetryAfter):  # rate_limit_args=0: straight back to the outbox
        await limiter.process_request(always_429, (), {}, "sendMessage", {"chat_id": 5}, 0)


async def test_server_errors_are_retried_bad_requests_are_not():
    limiter = SlidingWindowRateLimiter(max_retries=1)
    seen = []

    async def fails_once():
        seen.append(1)
        if len(seen) == 1:
            raise NetworkError("Internal Server Error (500)")
        return True

    assert await limiter.process_request(fails_once, (), {}, "getChatMember", {}, None)

    async def bad():
        seen.append(2)
        raise BadRequest("Bad Request: chat not found")

    with pytest.raises(BadRequest):
        await limiter.process_request(bad, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert seen.count(2) == 1


async def test_interactive_replies_overtake_a_broadcast():
    limiter = SlidingWindowRateLimiter(per_second=10, group_per_minute=20, margin=1.0)
    order: list[str] = []

    async def send(name):
        order.append(name)
        return True

    bulk = [asyncio.create_task(limiter.process_request(
        send, (f"b{i}",), {}, "sendMessage", {"chat_id": -i - 1}, 0)) for i in range(25)]
    await asyncio.sleep(0.05)  # the broadcast has filled the first window
    reply = limiter.process_request(send, ("reply",), {}, "sendMessage", {"chat_id": 7}, None)
    await asyncio.wait_for(reply, timeout=1.5)
    assert order.index("reply") <= 11  # the first slot of the next window, not the last
    await asyncio.gather(*bulk)
