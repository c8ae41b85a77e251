"""End to end with a real Celery worker: a claim with a published verdict,
its source edited on the loopback server so that the quoted figure changes,
a re-check, and then the claim flagged, the dashboard listing it, the
watcher told in the app and by a webhook whose signature the receiver
checks, and the archive from before the change still linked and served."""

import gzip
import hashlib
import hmac
import json

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from claims.choices import ClaimStatus, QuoteMatch
from claims.models import VanishedFlag
from claims.services import SourceLinkData
from claims.workflow import change_status
from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.services import add_webhook
from sources.models import SourceCheck
from sources.services import request_check
from tests.celery_worker import CeleryWorkerProcess, wait_for
from tracker.celery import app

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGE = "<html><head><title>Shelling report</title></head><body><article><p>{}</p></article></body></html>"
QUOTE = "At least 27 people were killed and 200 injured in the shelling of the market, local officials said."
REVISED = "At least 32 people were killed and 200 injured in the shelling of the market, local officials said."


@pytest.fixture
def notifications_worker(worker_environment, tmp_path):
    """A worker on the notifications queue under its own name: the webhook
    deliveries are queued by the checks' worker, whose routes a test cannot
    rename. The queue is emptied before and after, so it serves this test's alone."""
    queue = settings.NOTIFICATIONS_QUEUE
    worker = CeleryWorkerProcess(queue, worker_environment, tmp_path / "notifications-worker.log")
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
        print(f"--- notifications worker log ---\n{worker.log()}")


def signed_by(secret: str, headers, body: bytes) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Tracker-Signature"], expected)


def test_a_figure_revised_under_a_published_verdict_reaches_the_desk(
    celery_worker_process, notifications_worker, client, claim_factory, loopback_server, reviewer, editor
):
    loopback_server.route("/report", body=PAGE.format(QUOTE).encode())
    loopback_server.route("/hook", status=204)
    claim = claim_factory(
        text=QUOTE,
        submitter=reviewer,
        figures=[
            {"category": "killed", "qualifier": "at_least", "low": 27},
            {"category": "injured", "qualifier": "exact", "low": 200},
        ],
        sources=[SourceLinkData(url=loopback_server.url("/report"), quoted_passage=QUOTE)],
    )
    link = claim.source_links.get()
    first = wait_for(lambda: SourceCheck.objects.filter(source=link.source, finished_at__isnull=False).first())
    assert first is not None, "the worker never checked the source"
    link.refresh_from_db()
    assert (link.quote_match, link.figures_match) == (QuoteMatch.FOUND, QuoteMatch.FOUND)
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    claim = change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Seen.", expected_version=claim.version)
    webhook = add_webhook(reviewer, loopback_server.url("/hook"))

    loopback_server.route("/report", body=PAGE.format(REVISED).encode())
    with transaction.atomic():
        request_check(link.source)

    flag = wait_for(lambda: VanishedFlag.objects.filter(link=link, what="figures", closed_at=None).first())
    assert flag is not None, "the re-check raised no flag"
    assert flag.missing == [27]
    assert flag.before_check == first and flag.after_check.pk != first.pk
    assert VanishedFlag.objects.filter(link=link, what="quote", closed_at=None).exists()

    client.force_login(editor)
    dashboard = client.get(reverse("claims:dashboard")).content.decode()
    queue = dashboard[dashboard.index('id="queue-vanished"') :]
    assert claim.get_absolute_url() in queue[: queue.index("</section>")]

    told = Notification.objects.filter(user=reviewer, claim=claim, kind=NotificationKind.VANISHED)
    assert {notification.message.split(": ", 1)[1].split(" http")[0] for notification in told} == {
        "The figure 27 is no longer on the page.",
        "The quoted passage is no longer on the page.",
    }

    def vanished_posts():
        return [
            (headers, body)
            for path, headers, body in loopback_server.posted
            if path == "/hook" and json.loads(body)["kind"] == NotificationKind.VANISHED
        ]

    assert wait_for(lambda: len(vanished_posts()) == 2), f"the webhook got {loopback_server.posted}"
    for headers, body in vanished_posts():
        assert signed_by(webhook.secret, headers, body)
        assert json.loads(body)["claim"]["id"] == claim.pk

    archive = client.get(reverse("sources:check_archive", args=[flag.before_check_id]))
    assert archive.status_code == 200
    record = gzip.decompress(b"".join(archive.streaming_content) if archive.streaming else archive.content)
    assert QUOTE.encode() in record
