"""The email digest: a member who asks for it (nobody gets one unless they
do) gets one email a day listing the notifications they received since the
last one that are still unread, each with its claim's id and address; a
re-run sends nothing twice; who chose none, has no address, is no longer a
member or has nothing new gets nothing; a run does a bounded share and
says where the next goes on. The choice is made on the member's
own notifications page.

Time passing is played by moving every recorded moment back a day
(``a_day_passes``), as a clock a day later would see them."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.choices import DigestFrequency, NotificationKind
from notifications.digests import MAX_LISTED, send_due_digests
from notifications.models import EmailDigest, Notification
from notifications.services import choose_digest, notify, watch
from notifications.tasks import DIGEST_TASK, send_email_digests
from tracker.celery import app

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def a_day_passes():
    EmailDigest.objects.update(covered_until=F("covered_until") - DAY)
    EmailDigest.objects.exclude(last_sent_at=None).update(last_sent_at=F("last_sent_at") - DAY)
    Notification.objects.update(created_at=F("created_at") - DAY)
    Notification.objects.exclude(read_at=None).update(read_at=F("read_at") - DAY)


@pytest.fixture
def watched(claim_factory, editor):
    """A claim, submitted by the editor, that the tests' readers watch."""
    return claim_factory(submitter=editor, text="27 killed in the shelling")


def news(claim, message):
    """A notification for every watcher of ``claim``, through the service the receivers use."""
    return notify([(claim, NotificationKind.VERDICT_CHANGED, f"Claim {claim.pk}: {message}")])


@pytest.fixture
def reader(reviewer, watched):
    """A reviewer with an address, who chose the daily digest and watches the claim."""
    reviewer.email = "reviewer@example.org"
    reviewer.save(update_fields=["email"])
    choose_digest(reviewer, DigestFrequency.DAILY)
    watch(reviewer, claim=watched)
    return reviewer


def test_a_daily_reader_gets_one_email_listing_their_unread_notifications_with_links(
    mailoutbox, reader, watched, other_reviewer
):
    watch(other_reviewer, claim=watched)  # watches, but chose no digest
    news(watched, "Under review → Refuted")
    news(watched, "The page changed: https://news.example.org/a")
    a_day_passes()

    assert send_email_digests() == 1

    [email] = mailoutbox
    assert email.to == [reader.email]
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert "2" in email.subject
    assert f"Claim {watched.pk}: Under review → Refuted" in email.body
    assert f"Claim {watched.pk}: The page changed: https://news.example.org/a" in email.body
    assert f"{settings.SITE_URL}/claims/{watched.pk}/" in email.body
    assert f"{settings.SITE_URL}{reverse('notifications:notification_list')}" in email.body
    assert EmailDigest.objects.get(user=reader).last_sent_at is not None


def test_running_the_task_again_sends_nothing_twice(mailoutbox, reader, watched):
    news(watched, "Under review → Refuted")
    a_day_passes()
    send_email_digests()
    send_email_digests()  # a redelivered message, or beat's next run
    assert len(mailoutbox) == 1

    a_day_passes()
    assert send_email_digests() == 0
    assert len(mailoutbox) == 1

    news(watched, "Refuted → Supported")
    a_day_passes()
    send_email_digests()
    assert len(mailoutbox) == 2
    assert "Refuted → Supported" in mailoutbox[1].body
    assert "Under review → Refuted" not in mailoutbox[1].body


def test_nothing_is_sent_before_a_day_has_passed(mailoutbox, reader, watched):
    news(watched, "Under review → Refuted")

    assert send_email_digests() == 0
    assert mailoutbox == []


def test_who_chose_none_has_no_address_is_no_member_or_has_nothing_new_gets_nothing(
    mailoutbox, make_user, watched, claim_factory
):
    def member(name, *, email, frequency, role="reviewer"):
        user = make_user(role, username=name)
        user.email = email
        user.save(update_fields=["email"])
        choose_digest(user, frequency)
        return user

    chose_none = member("chose_none", email="none@example.org", frequency=DigestFrequency.NONE)
    no_address = member("no_address", email="", frequency=DigestFrequency.DAILY)
    no_role = member("no_role", email="former@example.org", frequency=DigestFrequency.DAILY, role=None)
    member("nothing_new", email="quiet@example.org", frequency=DigestFrequency.DAILY)
    for user in (chose_none, no_address, no_role):
        watch(user, claim=watched)
    news(watched, "Under review → Refuted")
    a_day_passes()

    assert send_email_digests() == 0
    assert mailoutbox == []


def test_a_notification_read_before_the_digest_is_left_out(mailoutbox, reader, watched):
    [read] = [notification for notification in news(watched, "Already seen on the page") if notification.user == reader]
    news(watched, "Not seen yet")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    a_day_passes()

    send_email_digests()

    [email] = mailoutbox
    assert "Not seen yet" in email.body
    assert "Already seen on the page" not in email.body


def test_a_reader_with_nothing_unread_left_gets_nothing(mailoutbox, reader, watched):
    news(watched, "Already seen on the page")
    Notification.objects.update(read_at=timezone.now())
    a_day_passes()

    assert send_email_digests() == 0
    assert mailoutbox == []


def test_a_long_digest_lists_the_newest_and_counts_the_rest(mailoutbox, reader, watched):
    for number in range(MAX_LISTED + 3):
        news(watched, f"Change number {number:03d}")
    a_day_passes()

    send_email_digests()

    [email] = mailoutbox
    assert f"Change number {MAX_LISTED + 2:03d}" in email.body
    assert "Change number 002" not in email.body
    assert "3 more" in email.body


class RefusingBackend(BaseEmailBackend):
    """A mail server that hangs up."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_digest_the_mail_server_refused_is_sent_by_the_next_run(mailoutbox, settings, reader, watched):
    news(watched, "Under review → Refuted")
    a_day_passes()
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    assert send_email_digests() == 0
    digest = EmailDigest.objects.get(user=reader)
    assert digest.last_sent_at is None

    settings.EMAIL_BACKEND = locmem
    assert send_email_digests() == 1
    assert "Under review → Refuted" in mailoutbox[0].body


def test_a_run_stops_after_its_time_and_says_where_to_go_on(mailoutbox, reader, watched, other_reviewer):
    other_reviewer.email = "other@example.org"
    other_reviewer.save(update_fields=["email"])
    choose_digest(other_reviewer, DigestFrequency.DAILY)
    watch(other_reviewer, claim=watched)
    news(watched, "Under review → Refuted")
    a_day_passes()

    sent, cursor = send_due_digests(seconds=0)  # out of time after the first
    assert (sent, len(mailoutbox)) == (1, 1)
    assert cursor == EmailDigest.objects.get(user=reader).pk

    assert send_due_digests(cursor) == (1, None)
    assert sorted(email.to[0] for email in mailoutbox) == ["other@example.org", "reviewer@example.org"]


def test_beat_sends_the_digests_on_the_notifications_queue():
    assert DIGEST_TASK in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert app.amqp.router.route({}, DIGEST_TASK)["queue"].name == settings.NOTIFICATIONS_QUEUE


# The choice, on the member's notifications page.

DIGEST_URL = reverse("notifications:digest_choose")


def test_a_member_chooses_the_daily_digest_on_their_notifications_page(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("notifications:notification_list")).content.decode()
    assert f'action="{DIGEST_URL}"' in page
    assert not EmailDigest.objects.filter(user=reviewer).exists()  # off unless asked for

    response = client.post(DIGEST_URL, {"frequency": DigestFrequency.DAILY})

    assert response.status_code == 302
    digest = EmailDigest.objects.get(user=reviewer)
    assert digest.frequency == DigestFrequency.DAILY
    assert digest.covered_until is not None

    client.post(DIGEST_URL, {"frequency": DigestFrequency.NONE})
    assert EmailDigest.objects.get(user=reviewer).frequency == DigestFrequency.NONE


def test_the_digest_form_refuses_a_bad_value_and_keeps_the_page(client, reviewer):
    client.force_login(reviewer)

    response = client.post(DIGEST_URL, {"frequency": "hourly"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "hourly is not one of the available choices" in page
    assert 'id="webhooks-heading"' in page  # the rest of the page is still there
    assert not EmailDigest.objects.filter(user=reviewer).exists()


def test_another_member_cannot_change_someones_choice(client, reader, other_reviewer, outsider):
    client.force_login(other_reviewer)
    client.post(DIGEST_URL, {"frequency": DigestFrequency.NONE, "user": reader.pk, "user_id": reader.pk})
    assert EmailDigest.objects.get(user=reader).frequency == DigestFrequency.DAILY
    assert EmailDigest.objects.get(user=other_reviewer).frequency == DigestFrequency.NONE

    client.force_login(outsider)
    assert client.post(DIGEST_URL, {"frequency": DigestFrequency.NONE}).status_code == 403
    client.logout()
    assert client.post(DIGEST_URL, {"frequency": DigestFrequency.NONE}).status_code == 302
    assert EmailDigest.objects.get(user=reader).frequency == DigestFrequency.DAILY
    assert not EmailDigest.objects.filter(user=outsider).exists()


def test_the_digest_form_needs_its_csrf_token(reviewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)

    assert client.post(DIGEST_URL, {"frequency": DigestFrequency.DAILY}).status_code == 403
    assert not EmailDigest.objects.filter(user=reviewer).exists()
