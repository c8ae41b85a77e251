"""A task's soft time limit, kept even where a library swallows it.

Celery's pool tells a task that its soft limit is reached with a signal
(SIGUSR1) whose handler raises ``SoftTimeLimitExceeded`` in the main thread,
wherever that thread happens to be. Some of what a check calls catches every
``Exception`` around its work (trafilatura around readability and jusText),
so the limit can vanish inside it: the page comes back half read, looking
whole, and the batch runs on until the hard limit kills the process. While
``watch()`` is open the signal is also noted, so that the caller can raise
the limit again, at a point of its choosing, with ``raise_if_reached``.
"""

import contextlib
import signal
import threading
from collections.abc import Iterator

from celery.exceptions import SoftTimeLimitExceeded

SOFT_LIMIT_SIGNAL = signal.SIGUSR1


class SoftLimit:
    def __init__(self) -> None:
        self._reached = threading.Event()

    def note(self) -> None:
        self._reached.set()

    def raise_if_reached(self) -> None:
        if self._reached.is_set():
            raise SoftTimeLimitExceeded()


@contextlib.contextmanager
def watch() -> Iterator[SoftLimit]:
    """Note the soft limit's signal while the block runs, then hand it on
    to the handler that was there (the pool's, which raises). Signals reach
    only the main thread, so elsewhere, and where no handler listens for the
    soft limit (no pool, or a pool without time limits), nothing is watched."""
    limit = SoftLimit()
    handler = signal.getsignal(SOFT_LIMIT_SIGNAL) if threading.current_thread() is threading.main_thread() else None
    if not callable(handler):
        yield limit
        return

    def note_then_hand_on(signum, frame):
        limit.note()
        handler(signum, frame)

    signal.signal(SOFT_LIMIT_SIGNAL, note_then_hand_on)
    try:
        yield limit
    finally:
        signal.signal(SOFT_LIMIT_SIGNAL, handler)
