"""Watching: who submits or reviews a claim watches it, a watcher hears of a
watched claim's source changing, of its verdict changing and of a claim
contradicting it (in the app,
the header's count, the private feed), and each notification is posted,
signed, to their webhooks, every attempt recorded and a failure retried."""

import hashlib
import hmac
import json
from datetime import date

import feedparser
import pytest
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.services import submit_claim
from claims.workflow import change_status
from notifications.choices import NotificationKind
from notifications.models import Notification, Watch, WebhookDelivery
from notifications.services import add_webhook, new_feed_token, revoke_feed_tokens, watch
from notifications.tasks import MAX_RETRIES, deliver_webhook
from tests import test_source_checks as checks_module
from tests.test_source_checks import QUOTE, check_now, page

linked_claim, _media = checks_module.linked_claim, checks_module._media

pytestmark = pytest.mark.django_db


def test_who_submits_or_reviews_a_claim_watches_it(claim_factory, reviewer, other_reviewer):
    claim = claim_factory(submitter=reviewer)
    change_status(claim, other_reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)

    assert set(Watch.objects.filter(claim=claim).values_list("user", flat=True)) == {reviewer.pk, other_reviewer.pk}


def test_a_watched_claims_changed_source_notifies_its_watcher(
    client, linked_claim, loopback_server, allow_loopback, reviewer
):
    loopback_server.route("/article", body=page(QUOTE))
    claim = linked_claim()
    check_now(claim.source_links.get().source)
    assert not Notification.objects.exists()

    # Changed, still carrying the quote and its figures (tests/test_vanished.py: when they go).
    loopback_server.route("/article", body=page(QUOTE + "。另据报道，救援仍在继续。"))
    check_now(claim.source_links.get().source)

    notification = Notification.objects.get()
    assert (notification.user, notification.claim, notification.kind) == (
        reviewer,
        claim,
        NotificationKind.SOURCE_CHANGED,
    )
    assert loopback_server.url("/article") in notification.message
    client.force_login(reviewer)
    page_html = client.get(reverse("notifications:notification_list")).content.decode()
    assert notification.message in page_html
    assert '<span class="count">1</span>' in page_html

    client.post(reverse("notifications:mark_read"))
    assert not Notification.objects.unread().exists()
    assert 'class="count"' not in client.get(reverse("claims:dashboard")).content.decode()


def test_a_gone_source_notifies_event_watchers(linked_claim, loopback_server, allow_loopback, editor):
    from claims.models import Event

    loopback_server.route("/article", body=page(QUOTE))
    event = Event.objects.create_named("Shelling of Stepanakert")
    claim = linked_claim()
    claim.event = event
    claim.save(update_fields=["event"])
    watch(editor, event=event)
    check_now(claim.source_links.get().source)
    loopback_server.route("/article", status=404, body=b"gone")
    check_now(claim.source_links.get().source)

    assert Notification.objects.filter(user=editor, kind=NotificationKind.SOURCE_GONE).count() == 1


def test_a_verdict_change_notifies_the_watchers_but_not_who_made_it(claim_factory, reviewer, other_reviewer, editor):
    claim = claim_factory(submitter=reviewer)
    claim = change_status(claim, other_reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    change_status(claim, editor, ClaimStatus.REFUTED, rationale="No.", expected_version=claim.version)

    told = Notification.objects.filter(kind=NotificationKind.VERDICT_CHANGED)
    assert sorted(told.values_list("user__username", flat=True)) == sorted([reviewer.username, other_reviewer.username])
    assert "Refuted" in told.first().message


@pytest.fixture
def notification(claim_factory, reviewer, other_reviewer, editor):
    claim = claim_factory(submitter=reviewer)
    claim = change_status(claim, other_reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Yes.", expected_version=claim.version)
    return Notification.objects.get(user=reviewer)


def test_a_webhook_receives_the_notification_signed_with_its_secret(
    notification, reviewer, loopback_server, allow_loopback
):
    loopback_server.route("/hook", status=204)
    subscription = add_webhook(reviewer, loopback_server.url("/hook"))

    deliver_webhook.apply(args=[subscription.pk, notification.pk])

    [(_path, headers, body)] = loopback_server.posted
    expected = "sha256=" + hmac.new(subscription.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Tracker-Signature"], expected)
    assert json.loads(body)["id"] == notification.pk
    delivery = WebhookDelivery.objects.get()
    assert (delivery.succeeded, delivery.http_status, delivery.attempt) == (True, 204, 1)

    deliver_webhook.apply(args=[subscription.pk, notification.pk])  # run twice: delivered once
    assert len(loopback_server.posted) == 1


def test_a_failed_delivery_is_retried_and_every_attempt_recorded(
    notification, reviewer, loopback_server, allow_loopback
):
    loopback_server.route("/hook", status=503)
    subscription = add_webhook(reviewer, loopback_server.url("/hook"))

    result = deliver_webhook.apply(args=[subscription.pk, notification.pk])

    assert result.failed()
    deliveries = list(WebhookDelivery.objects.values_list("attempt", "succeeded", "http_status"))
    assert deliveries == [(attempt, False, 503) for attempt in range(1, MAX_RETRIES + 2)]
    assert len(loopback_server.posted) == MAX_RETRIES + 1


def test_a_webhook_to_our_own_network_is_refused(notification, reviewer, loopback_server):
    loopback_server.route("/hook", status=204)
    subscription = add_webhook(reviewer, loopback_server.url("/hook"))

    deliver_webhook.apply(args=[subscription.pk, notification.pk])

    assert loopback_server.posted == []
    assert "not a public address" in WebhookDelivery.objects.first().error


def test_the_private_feed_needs_its_key_and_stops_after_revoking(client, notification, reviewer):
    token = new_feed_token(reviewer)
    url = reverse("notifications:private_feed", args=[token.key])

    feed = feedparser.parse(client.get(url).content)
    assert not feed.bozo and feed.version == "atom10"
    assert [entry.summary for entry in feed.entries] == [notification.message]
    assert feed.entries[0].link.startswith(f"http://testserver{notification.claim.get_absolute_url()}")
    assert client.get(reverse("notifications:private_feed", args=["not-a-key"])).status_code == 404

    revoke_feed_tokens(reviewer)
    assert client.get(url).status_code == 404


def test_a_webhook_address_that_is_not_a_url_is_shown_with_what_was_typed(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("notifications:webhook_add"), {"url": "not a url"})

    assert response.status_code == 400
    assert 'value="not a url"' in response.content.decode()
    assert not reviewer.webhooks.exists()


def test_a_contradiction_notifies_the_watchers_of_both_claims_but_not_who_caused_it(reviewer, other_reviewer):
    def counting(user, killed, party):
        figure = {"category": "killed", "population": "all", "qualifier": "exact", "low": killed}
        fields = {
            "text": f"{killed} killed",
            "language": "en",
            "claimant_name": party,
            "event_name": "Shelling of Stepanakert",
            "stated_on": date(2023, 9, 20),
        }
        return submit_claim(user, fields=fields, figures=[figure])

    first = counting(reviewer, 6, "Ministry of Defence")
    second = counting(other_reviewer, 8, "Local officials")

    notification = Notification.objects.get()
    assert (notification.user, notification.claim, notification.kind) == (
        reviewer,
        first,
        NotificationKind.CONTRADICTION,
    )
    assert f"#{second.pk}" in notification.message and "8" in notification.message
