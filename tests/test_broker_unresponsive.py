"""A broker that accepts connections but never answers (a hung Redis, a
half-open network path) must not hang the request that saves a claim: the
publish gives up within its timeouts and the sweep sends the check later."""

import socket
import time

import pytest
from django.utils import timezone

from sources.services import publish_checks
from tests.celery_worker import use_broker

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def silent_broker(settings):
    """A local port whose listener takes connections and never says a word."""
    real_url = settings.CELERY_BROKER_URL
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        use_broker(settings, f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
        yield
    use_broker(settings, real_url)


def test_publishing_to_a_silent_broker_gives_up_quickly(silent_broker):
    started = time.monotonic()
    assert publish_checks([(source_id, timezone.now()) for source_id in range(100)]) == 0
    assert time.monotonic() - started < 15
