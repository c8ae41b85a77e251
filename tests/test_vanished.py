"""A quote or figure that vanishes from a page that carried it flags the
claim for review, most of all under a published verdict: the flag names
what vanished (the quote, which figures, or the whole page), links the
archived copies from before and after, shows on the claim page and the
dashboard (published verdicts first), tells the claim's watchers, and
closes when a check finds it again or a reviewer has looked."""

import pytest
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.models import VanishedFlag
from claims.workflow import change_status
from notifications.choices import NotificationKind
from notifications.models import Notification
from tests import test_source_checks as checks_module
from tests.test_source_checks import QUOTE, check_now, page

linked_claim, _media = checks_module.linked_claim, checks_module._media

pytestmark = pytest.mark.django_db

REVISED = "据当地亚美尼亚人说，至少32人死亡，200人受伤"


@pytest.fixture
def published(linked_claim, loopback_server, allow_loopback, reviewer, editor):
    """A claim whose page carried its quote and figures when its verdict was published."""
    loopback_server.route("/article", body=page(QUOTE))
    claim = linked_claim()
    first = check_now(claim.source_links.get().source)
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    claim = change_status(claim, editor, ClaimStatus.DISPUTED, rationale="Two counts.", expected_version=claim.version)
    return claim, first


def test_a_figure_revised_on_the_page_flags_the_published_claim_naming_it(client, published, loopback_server, reviewer):
    claim, first = published
    loopback_server.route("/article", body=page(REVISED))
    second = check_now(claim.source_links.get().source)

    flags = {flag.what: flag for flag in VanishedFlag.objects.filter(link__claim=claim, closed_at=None)}
    assert set(flags) == {"quote", "figures"}
    assert flags["figures"].missing == [27]  # 200 is still there
    for flag in flags.values():
        assert (flag.before_check, flag.after_check) == (first, second)
    assert "27" in flags["figures"].describe() and "quote" in flags["quote"].describe().lower()

    client.force_login(reviewer)
    claim_page = client.get(claim.get_absolute_url()).content.decode()
    for check in (first, second):
        assert reverse("sources:check_archive", args=[check.pk]) in claim_page
    assert reverse("sources:check_changes", args=[second.pk]) in claim_page
    dashboard = client.get(reverse("claims:dashboard")).content.decode()
    section = dashboard[dashboard.index('id="queue-vanished"') :]
    assert claim.get_absolute_url() in section[: section.index("</section>")]
    assert dashboard.index("queue-vanished") < dashboard.index("queue-unassigned")
    assert Notification.objects.filter(user=reviewer, claim=claim, kind=NotificationKind.VANISHED).count() == 2


def test_a_page_that_went_away_flags_the_claim_and_keeps_the_archive_from_before(published, loopback_server):
    claim, first = published
    loopback_server.route("/article", status=404, body=b"gone")
    check_now(claim.source_links.get().source)
    [flag] = VanishedFlag.objects.filter(closed_at=None)
    assert flag.what == "page" and flag.before_check == first
    assert "went away" in flag.describe()


def test_a_page_that_failed_to_answer_once_raises_no_flag_until_it_is_read_without_the_quote(
    published, loopback_server
):
    claim, first = published
    loopback_server.route("/article", status=503, body=b"busy")
    check_now(claim.source_links.get().source)
    assert not VanishedFlag.objects.exists()
    loopback_server.route("/article", body=page(REVISED))
    check_now(claim.source_links.get().source)
    assert VanishedFlag.objects.filter(what="quote", before_check=first).exists()


def test_the_quote_found_again_closes_the_flag_and_a_second_loss_raises_a_new_one(published, loopback_server):
    claim, _first = published
    source = claim.source_links.get().source
    loopback_server.route("/article", body=page(REVISED))
    check_now(source)
    loopback_server.route("/article", body=page(QUOTE))
    check_now(source)
    assert not VanishedFlag.objects.filter(closed_at=None).exists()
    assert all(flag.closed_by is None for flag in VanishedFlag.objects.all())  # closed by the check
    loopback_server.route("/article", body=page(REVISED))
    check_now(source)
    assert VanishedFlag.objects.filter(closed_at=None).count() == 2


def test_a_reviewer_closes_the_flag_after_looking_and_an_outsider_may_not(
    client, published, loopback_server, reviewer, outsider
):
    claim, _first = published
    loopback_server.route("/article", status=404, body=b"gone")
    check_now(claim.source_links.get().source)
    flag = VanishedFlag.objects.get()
    address = reverse("claims:vanished_close", args=[flag.pk])

    client.force_login(outsider)
    assert client.post(address, {"note": "Seen."}).status_code == 403
    client.force_login(reviewer)
    assert client.post(address, {"note": ""}).status_code == 400  # a note says what was found
    assert client.post(address, {"note": "Archived copy checked; the verdict stands."}).status_code == 302
    flag.refresh_from_db()
    assert (flag.closed_by, flag.note) == (reviewer, "Archived copy checked; the verdict stands.")
