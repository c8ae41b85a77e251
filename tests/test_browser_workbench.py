"""The reviewer's workbench in Debian's Chromium: a reviewer finds a claim
waiting in their queue, assigns it to themselves and finds it under "my
claims"; an editor finds it waiting for a verdict and publishes it with the
one decision form. Screenshots of the dashboard, the claim page and its
timeline, in English and Chinese, at desktop and phone size."""

import pytest

from accounts.roles import Role
from claims.choices import ClaimStatus
from claims.models import Claim
from claims.services import edit_claim
from tests.browser import ARTIFACTS, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}


def test_a_claim_from_the_queue_to_a_published_verdict(new_page, make_user, claim_factory, reviewer):
    submitter = make_user(Role.REVIEWER, username="submitter")
    editor = make_user(Role.EDITOR, username="editor")
    claim = claim_factory(
        submitter=submitter,
        text="At least 27 civilians killed in the shelling of the market",
        figures=[{"category": "killed", "population": "civilians", "qualifier": "at_least", "low": 27}],
    )
    edit_claim(claim, submitter, expected_version=claim.version, fields={"translation": "A translation"})

    page = new_page(**SIZES["desktop"])
    log_in(page, reviewer)
    queue = page.locator("section", has=page.locator("#queue-unassigned"))
    queue.get_by_role("link", name=claim.text[:40]).click()
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

    for language in ("en", "zh-hans"):
        for size, options in SIZES.items():
            shot = new_page(**options)
            log_in(shot, reviewer)
            if language != "en":
                shot.select_option("#language-select", language)
                shot.get_by_role("button", name="Switch").click()
            shot.goto("/")
            screenshot(shot, f"workbench-dashboard-{size}-{language}")
            shot.goto(claim.get_absolute_url())
            screenshot(shot, f"workbench-claim-{size}-{language}")
            shot.locator("#timeline-heading").scroll_into_view_if_needed()
            shot.locator("#timeline-heading").locator("xpath=..").screenshot(
                path=str(ARTIFACTS / f"workbench-timeline-{size}-{language}.png")
            )
            width = shot.evaluate("document.documentElement.scrollWidth")
            assert width <= options["viewport"]["width"] + 1, f"{size} {language}: {width}px wide"
