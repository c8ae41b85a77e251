"""Sending Celery messages without making a web request wait on a broker
that hangs.

A save records its check requests in the database first; sending their
messages is a second step that a hung broker (one that takes connections and
never answers) would stretch to its socket timeouts, several seconds, inside
the reviewer's request. So messages are sent by one thread per process, and
the caller waits for them a bounded time only (``BROKER_PUBLISH_WAIT``, and
not at all while a message is stuck on its way): on a
healthy broker they are sent within it, so callers see them sent as before;
on a hung one the caller goes on and the thread keeps trying within the
broker's timeouts. Whatever is never sent is still recorded, and the sweep
sends it again. The database is the outbox; this thread is its fast path,
which is why no second outbox table is kept.

The thread logs one line when the broker stops taking messages and one when
it takes them again, instead of a traceback per message.
"""

import contextvars
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings

logger = logging.getLogger(__name__)

# Sends waiting for the thread beyond this are dropped (left to the sweep), so
# that a long outage cannot fill the memory of a web process.
MAX_WAITING_SENDS = 1000


@dataclass
class _Send:
    messages: list  # (task name, args), sent in order
    # The caller's context: the log ids it carries (a request's id) go into
    # the messages' headers as if the caller had sent them itself.
    context: contextvars.Context = field(default_factory=contextvars.copy_context)
    sent: int = 0
    done: threading.Event = field(default_factory=threading.Event)


class _Publisher:
    def __init__(self):
        self.pid = os.getpid()
        self.waiting = queue.Queue(maxsize=MAX_WAITING_SENDS)
        self.failing_since = None
        self.sending_since = None  # when the message being sent was started, if one is
        threading.Thread(target=self._run, name="broker-publisher", daemon=True).start()

    def _run(self):
        while True:
            send = self.waiting.get()
            for name, args in send.messages:
                self.sending_since = time.monotonic()
                try:
                    send.context.run(current_app.send_task, name, args=args)
                except Exception as error:  # any broker failure: the sweep sends it again
                    self._failed(error)
                    break
                finally:
                    self.sending_since = None
                self._succeeded()
                send.sent += 1
            send.done.set()

    def is_stuck(self) -> bool:
        """Whether a message has been on its way for longer than a caller
        waits (a hung broker): then callers do not wait at all, rather than
        each for the whole wait. A broker that refuses fails at once, so
        callers may wait on it."""
        started = self.sending_since
        return started is not None and time.monotonic() - started > settings.BROKER_PUBLISH_WAIT

    def _failed(self, error):
        if self.failing_since is None:
            self.failing_since = time.monotonic()
            logger.warning(
                "The broker does not take messages (%s: %s); check requests wait in the database for the sweep.",
                type(error).__name__,
                error,
            )

    def _succeeded(self):
        if self.failing_since is not None:
            logger.warning("The broker takes messages again, after %.0f s.", time.monotonic() - self.failing_since)
            self.failing_since = None


_publisher = None
_publisher_lock = threading.Lock()


def _the_publisher() -> _Publisher:
    """This process's publisher; a forked child (a worker's pool, gunicorn's
    workers) starts its own, since threads do not survive a fork."""
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher.pid != os.getpid():
            _publisher = _Publisher()
        return _publisher


def send_tasks(messages: list[tuple[str, list]]) -> int:
    """Send ``(task name, args)`` messages in order, stopping at the first
    that fails; wait for them at most ``BROKER_PUBLISH_WAIT`` seconds and
    return how many were sent by then (those after keep going in the background)."""
    if not messages:
        return 0
    send = _Send(messages)
    publisher = _the_publisher()
    try:
        publisher.waiting.put_nowait(send)
    except queue.Full:
        return 0
    if not publisher.is_stuck():
        send.done.wait(settings.BROKER_PUBLISH_WAIT)
    return send.sent
