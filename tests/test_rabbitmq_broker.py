"""RabbitMQ as the broker, production's other choice (README, "Which
broker"): the web app under gunicorn and a check worker, both on RabbitMQ,
with Redis kept for the per-host fetch limits. A claim submitted through
the API has its source checked, and the readiness check asks RabbitMQ."""

import socket

import httpx
import pytest
from kombu import Connection

from accounts.tokens import issue
from sources.models import SourceCheck
from tests.celery_worker import CeleryWorkerProcess, wait_for
from tests.web_process import WebProcess
from tracker.celery import app

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"
PAGE = b"<html><head><title>Report</title></head><body><article><p>Six people were killed.</p></article></body></html>"


def rabbitmq_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
        return True
    except OSError:
        return False


def _empty_rabbitmq_queues():
    with Connection(RABBITMQ) as connection:
        channel = connection.default_channel
        for queue in app.conf.task_queues:
            channel.queue_delete(queue.name)


@pytest.fixture
def on_rabbitmq(worker_environment, tmp_path):
    """The environment of a web process and a worker whose broker is RabbitMQ."""
    if not rabbitmq_answers():
        pytest.skip("RabbitMQ does not answer on 127.0.0.1:5672")
    _empty_rabbitmq_queues()
    yield {**worker_environment, "CELERY_BROKER_URL": RABBITMQ, "STATIC_ROOT": str(tmp_path / "static")}
    _empty_rabbitmq_queues()


def test_a_claims_source_is_checked_with_rabbitmq_as_the_broker(on_rabbitmq, loopback_server, reviewer, tmp_path):
    loopback_server.route("/report", body=PAGE)
    web = WebProcess(on_rabbitmq, tmp_path / "web.log")
    worker = CeleryWorkerProcess("checks-now", on_rabbitmq, tmp_path / "worker.log")
    try:
        worker.start()
        secret = issue(reviewer, "rabbitmq test")[1]
        with httpx.Client(base_url=web.url, headers={"Authorization": f"Token {secret}"}, trust_env=False) as client:
            body = {"text": "Six people were killed", "language": "en", "kind": "statement"}
            response = client.post("/api/claims/", json={**body, "sources": [{"url": loopback_server.url("/report")}]})
            assert response.status_code == 201, response.text

            check = wait_for(lambda: SourceCheck.objects.filter(finished_at__isnull=False).first())
            assert check is not None, f"no check finished:\n{worker.log()}"
            assert check.outcome == "ok"
            assert "Connected to amqp://guest:**@127.0.0.1:5672//" in worker.log()

            # The readiness check asks RabbitMQ, and finds the worker and no request waiting.
            ready = client.get("/health/ready").json()
            assert ready["status"] == "ok", ready
            assert ready["checks"]["broker"]["ok"] is True
    finally:
        worker.stop()
        web.stop()
        print(f"--- web log ---\n{web.log()}\n--- worker log ---\n{worker.log()}")
