"""Being a polite visitor: at most ``FETCH_HOST_CONCURRENCY`` requests at
once to one host, and no more than ``FETCH_HOST_RATE`` of them, counted for
every worker together.

Both are kept by the limits library in ``FETCH_POLITENESS_STORAGE`` (the
broker's Redis; each process's memory under ``bin/run``'s filesystem
broker). The rate is a moving window per host. The concurrent requests are
the host's slots, each a window that admits one request per lease: taking a
slot is a hit on its window, giving it back clears it, and a slot whose
holder died (a worker killed mid-fetch) frees itself when its lease ends,
which outlasts any fetch.
"""

import functools
import math
import random
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from limits import RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

# How long to wait before asking again for a slot that was taken.
_POLL_SECONDS = 0.02


class HostBusy(Exception):
    """The host had no slot or no room in its rate before the fetch's deadline."""


_limiters_lock = threading.Lock()


@functools.cache
def _cached_limiters(storage_uri: str):
    storage = storage_from_string(storage_uri)
    return FixedWindowRateLimiter(storage), MovingWindowRateLimiter(storage)


def _limiters(storage_uri: str):
    """The limiters on ``storage_uri``, made once per process: the storage
    imports its client on first use, which a batch's fetch threads must not
    do at once (one would see the module half imported)."""
    with _limiters_lock:
        return _cached_limiters(storage_uri)


@functools.cache
def _rate(text: str):
    """``FETCH_HOST_RATE`` as the limits library reads it, read once (parsing it took a hundredth of a fetch)."""
    return parse(text)


def _slot_lease() -> RateLimitItemPerSecond:
    """A slot's window: one request per lease, the lease longer than any fetch."""
    return RateLimitItemPerSecond(1, math.ceil(settings.FETCH_TOTAL_TIMEOUT) + 5)


@contextmanager
def visiting(host: str, deadline: float):
    """Hold one of ``host``'s slots and a place in its rate while the block
    runs, waiting for them until ``deadline`` (a ``time.monotonic()``
    value), past which ``HostBusy`` is raised."""
    slots, rates = _limiters(settings.FETCH_POLITENESS_STORAGE)
    lease = _slot_lease()
    slot = _take_slot(slots, lease, host, deadline)
    try:
        _wait_for_rate(rates, _rate(settings.FETCH_HOST_RATE), host, deadline)
        yield
    finally:
        slots.clear(lease, "fetch-slot", host, slot)


def _take_slot(slots, lease, host: str, deadline: float) -> str:
    count = settings.FETCH_HOST_CONCURRENCY
    while True:
        first = random.randrange(count)  # waiting fetches do not all try the same slot first
        for offset in range(count):
            number = str((first + offset) % count)
            if slots.hit(lease, "fetch-slot", host, number):
                return number
        if time.monotonic() + _POLL_SECONDS > deadline:
            raise HostBusy(f"{host} had no free slot for this request in time.")
        time.sleep(_POLL_SECONDS * random.uniform(0.5, 1.5))


def _wait_for_rate(rates, rate, host: str, deadline: float) -> None:
    while not rates.hit(rate, "fetch-rate", host):
        reset_at = rates.get_window_stats(rate, "fetch-rate", host).reset_time
        wait = max(reset_at - time.time(), _POLL_SECONDS)
        if time.monotonic() + wait > deadline:
            raise HostBusy(f"{host} was asked for as often as its rate allows.")
        time.sleep(wait)
