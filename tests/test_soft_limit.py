"""The soft time limit survives code that swallows every exception."""

import os
import signal
import threading
import time

import pytest
from billiard.pool import soft_timeout_sighandler
from celery.exceptions import SoftTimeLimitExceeded

from sources import soft_limit


@pytest.fixture
def pool_handler():
    """The soft limit's handler, as a pool process of the worker has it."""
    previous = signal.signal(soft_limit.SOFT_LIMIT_SIGNAL, soft_timeout_sighandler)
    yield
    signal.signal(soft_limit.SOFT_LIMIT_SIGNAL, previous)


def swallowing_everything():
    """What trafilatura does around readability: any exception is logged and forgotten."""
    try:
        os.kill(os.getpid(), soft_limit.SOFT_LIMIT_SIGNAL)
        time.sleep(1)  # the handler runs here, in the main thread
    except Exception:
        return "half read"
    return "read"


def test_a_soft_limit_swallowed_inside_a_library_is_raised_again(pool_handler):
    with soft_limit.watch() as limit:
        assert swallowing_everything() == "half read"
        with pytest.raises(SoftTimeLimitExceeded):
            limit.raise_if_reached()


def test_the_pools_handler_still_raises_and_is_put_back(pool_handler):
    with soft_limit.watch(), pytest.raises(SoftTimeLimitExceeded):
        os.kill(os.getpid(), soft_limit.SOFT_LIMIT_SIGNAL)
        time.sleep(1)
    assert signal.getsignal(soft_limit.SOFT_LIMIT_SIGNAL) is soft_timeout_sighandler


def test_nothing_is_raised_before_the_limit(pool_handler):
    with soft_limit.watch() as limit:
        limit.raise_if_reached()


def test_outside_the_main_thread_nothing_is_watched(pool_handler):
    raised = []

    def in_a_thread():
        with soft_limit.watch() as limit:
            limit.raise_if_reached()
            raised.append(signal.getsignal(soft_limit.SOFT_LIMIT_SIGNAL))

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert raised == [soft_timeout_sighandler]
