"""The reviewer's workbench in Debian's Chromium, with a real Celery worker
checking a page on a loopback server: a reviewer finds a claim waiting in
their queue, sees which of its figures the page lacks and the page's closest
passage to its quote, assigns it to themselves and finds it under "my
claims"; an editor finds it waiting for a verdict and publishes it with the
one decision form; the page then changes, and the claim tops the editor's
queue. Screenshots of the dashboard, the claim page and its timeline, in
English and Chinese, at desktop and phone size."""

import pytest

from accounts.roles import Role
from claims.choices import ClaimStatus
from claims.models import Claim
from claims.services import SourceLinkData, edit_claim
from sources.models import SourceCheck
from tests.browser import ARTIFACTS, log_in, screenshot, wrapped_buttons
from tests.celery_worker import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE = "<html><head><title>Shelling report</title></head><body><article><p>{}</p></article></body></html>"
QUOTE = "At least 27 civilians were killed in the shelling of the market, local officials said."

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}


def checks_of(source) -> int:
    return SourceCheck.objects.filter(source=source, finished_at__isnull=False).count()


def test_a_claim_from_the_queue_to_a_published_verdict(
    new_page, make_user, claim_factory, reviewer, celery_worker_process, loopback_server
):
    # The outlet has since put 32 where the quote has 27.
    loopback_server.route("/report", body=PAGE.format(QUOTE.replace("27", "32")).encode())
    submitter = make_user(Role.REVIEWER, username="submitter")
    editor = make_user(Role.EDITOR, username="editor")
    claim = claim_factory(
        submitter=submitter,
        text="At least 27 civilians killed in the shelling of the market",
        figures=[{"category": "killed", "population": "civilians", "qualifier": "at_least", "low": 27}],
        sources=[SourceLinkData(url=loopback_server.url("/report"), quoted_passage=QUOTE)],
    )
    source = claim.source_links.get().source
    assert wait_for(lambda: checks_of(source) == 1), "the worker never checked the source"
    claim = edit_claim(claim, submitter, expected_version=claim.version, fields={"translation": "A translation"})

    page = new_page(**SIZES["desktop"])
    log_in(page, reviewer)
    queue = page.locator("section", has=page.locator("#queue-unassigned"))
    queue.get_by_role("link", name=claim.text[:40]).click()
    sources = page.locator("section", has=page.locator("#sources-heading"))
    assert "Not on the page: 27" in sources.locator(".match-not_found").last.inner_text()
    closest = sources.locator(".quote-differences")
    assert (closest.locator("del").inner_text(), closest.locator("ins").inner_text()) == ("27", "32")
    page.get_by_role("button", name="Assign to me").click()
    assert page.locator("#assignee").inner_text() == "reviewer"
    page.get_by_role("button", name="Start review").click()
    assert "An editor other than its submitter publishes the verdict." in page.locator(".next-steps").inner_text()
    page.goto("/")
    mine = page.locator("section", has=page.locator("#queue-mine"))
    assert claim.text[:40] in mine.inner_text()

    editor_page = new_page(**SIZES["desktop"])
    log_in(editor_page, editor)
    waiting = editor_page.locator("section", has=editor_page.locator("#queue-awaiting-verdict"))
    waiting.get_by_role("link", name=claim.text[:40]).click()
    decision = editor_page.locator("form.decision")
    decision.get_by_label("Publish verdict: supported").check()
    decision.get_by_label("Rationale").fill("Hospital records and two outlets agree.")
    decision.get_by_role("button", name="Record the decision").click()
    assert editor_page.locator("[data-status]").get_attribute("data-status") == ClaimStatus.SUPPORTED
    assert Claim.objects.get(pk=claim.pk).assignee == reviewer

    # The page changes under the published verdict; the editor asks for a check.
    loopback_server.route("/report", body=PAGE.format(QUOTE.replace("27", "41")).encode())
    editor_page.get_by_role("button", name="Check now").click()
    assert wait_for(lambda: checks_of(source) == 2), "the worker never checked the source again"
    editor_page.goto("/")
    first_queue = editor_page.locator("section.queue").first
    assert first_queue.locator("h2").get_attribute("id") == "queue-published-troubled"
    assert claim.text[:40] in first_queue.inner_text()

    for language in ("en", "zh-hans"):
        for size, options in SIZES.items():
            shot = new_page(**options)
            log_in(shot, reviewer)
            if language != "en":
                shot.select_option("#language-select", language)
                shot.get_by_role("button", name="Switch").click()
            for name, url in (("dashboard", "/"), ("claim", claim.get_absolute_url())):
                shot.goto(url)
                screenshot(shot, f"workbench-{name}-{size}-{language}")
                if size == "desktop":
                    assert wrapped_buttons(shot) == [], f"{name} in {language}: buttons wrap"
            shot.locator("#timeline-heading").scroll_into_view_if_needed()
            shot.locator("#timeline-heading").locator("xpath=..").screenshot(
                path=str(ARTIFACTS / f"workbench-timeline-{size}-{language}.png")
            )
            width = shot.evaluate("document.documentElement.scrollWidth")
            assert width <= options["viewport"]["width"] + 1, f"{size} {language}: {width}px wide"
