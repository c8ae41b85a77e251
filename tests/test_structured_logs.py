"""Logs are JSON lines; the request id of a web request travels into the
Celery task it queues, and every line the task writes (in the worker, also
from the threads that fetch its pages) carries the task id."""

import json

import pytest

from sources.models import SourceCheck
from sources.services import get_or_create_source
from tests.celery_worker import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGE = b"<html><head><title>Shelling report</title></head><body><article><p>27 killed.</p></article></body></html>"


def json_lines(log: str) -> list[dict]:
    """The log's JSON lines (the worker's start-up banner is printed, not logged)."""
    return [json.loads(line) for line in log.splitlines() if line.startswith("{")]


@pytest.fixture
def worker_environment(worker_environment):
    """The worker writes a line for each request a fetch sends, as one from a fetch thread."""
    return {**worker_environment, "LOG_FETCHES": "true"}


def test_the_request_id_travels_into_the_task_and_every_task_line_has_the_task_id(
    celery_worker_process, client, reviewer, loopback_server
):
    loopback_server.route("/report", body=PAGE)
    source, _ = get_or_create_source(loopback_server.url("/report"))
    client.force_login(reviewer)

    answer = client.post(f"/api/sources/{source.pk}/check/")
    assert answer.status_code == 202
    request_id = answer["X-Request-ID"]

    def task_lines():
        lines = [line for line in json_lines(celery_worker_process.log()) if line.get("request_id") == request_id]
        return lines if any(line["event"] == "task_succeeded" for line in lines) else None

    lines = wait_for(task_lines)
    assert lines, f"no line of the worker carries the request id {request_id}"
    assert SourceCheck.objects.filter(source=source, finished_at__isnull=False).exists()
    assert {line["task_id"] for line in lines} == {lines[0]["task_id"]}, "one task, one id"
    assert {"task_started", "task_succeeded"} <= {line["event"] for line in lines}
    # The page was fetched in a thread of its own, which still writes the ids.
    assert any(line["logger"] == "httpx" and "/report" in line["event"] for line in lines)

    task_writers = ("httpx", "sources", "claims", "celery.app.trace", "django_structlog.celery")
    written_by_tasks = [
        line for line in json_lines(celery_worker_process.log()) if line["logger"].startswith(task_writers)
    ]
    assert written_by_tasks
    assert all(line.get("task_id") for line in written_by_tasks), [
        line for line in written_by_tasks if not line.get("task_id")
    ]
