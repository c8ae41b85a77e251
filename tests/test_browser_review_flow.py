"""The reviewer's day, end to end in Debian's Chromium: a live server, a real
Celery worker on Redis, and a loopback server standing in for the outlet.

A reviewer submits the sample's "at least 27 killed, 200 injured" claim in
Chinese with its source, watches the source check go from pending to done
without reloading, and attaches refuting evidence; an editor (not the
submitter) starts the review and publishes a verdict with a rationale; the
list filtered by that status shows the claim.
"""

import re

import pytest

from accounts.roles import Role
from claims.choices import ClaimStatus
from claims.models import Claim
from sources.choices import CheckOutcome
from tests.browser import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLAIM_TEXT = "纳卡地区的亚美尼亚人称，当地至少有27人死亡，200人受伤。"
QUOTE = "当地至少有27人死亡，200人受伤"
ARTICLE = (
    "<html><head><meta charset='utf-8'><title>阿塞拜疆总统：若亚美尼亚军队放下武器，我们就停火</title></head>"
    "<body><article><h1>阿塞拜疆总统：若亚美尼亚军队放下武器，我们就停火</h1><p>路透社报道称，阿塞拜疆国防部9月20日表示，"
    "其军事行动“继续取得成功”。而在纳卡地区的亚美尼亚人则称，战斗仍在以不同的强度继续进行，"
    "当地至少有27人死亡，200人受伤，一些村庄的居民已经被疏散。</p></article></body></html>"
)


def test_a_claim_goes_from_submission_to_a_published_verdict(
    new_page, make_user, celery_worker_process, loopback_server
):
    loopback_server.route("/news/karabakh", body=ARTICLE.encode(), delay=1.0)
    loopback_server.route("/news/denial", body=b"<html><body><p>Officials deny the toll.</p></body></html>")
    reviewer = make_user(Role.REVIEWER, username="reviewer")
    editor = make_user(Role.EDITOR, username="editor")

    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, reviewer)
    page.get_by_role("link", name="Submit a claim").click()
    page.locator("#id_claim-text").fill(CLAIM_TEXT)
    page.locator("#id_claim-language").select_option("zh")
    page.locator("#id_claim-translation").fill("Armenians in Nagorno-Karabakh say at least 27 killed, 200 injured.")
    page.locator("#id_claim-kind").select_option("casualty_figure")
    page.locator("#id_claim-claimant_name").fill("Local Armenians in Nagorno-Karabakh")
    page.locator("#id_claim-new_event_name").fill("Nagorno-Karabakh offensive, September 2023")
    page.locator("#id_sources-0-url").fill(loopback_server.url("/news/karabakh"))
    page.locator("#id_sources-0-quoted_passage").fill(QUOTE)
    page.locator("#id_figures-0-category").select_option("killed")
    page.locator("#id_figures-0-qualifier").select_option("at_least")
    page.locator("#id_figures-0-low").fill("27")
    page.locator("#id_figures-1-category").select_option("injured")
    page.locator("#id_figures-1-qualifier").select_option("exact")
    page.locator("#id_figures-1-low").fill("200")
    screenshot(page, "flow-1-submit-form")
    page.get_by_role("button", name="Submit claim").click()

    # The detail page shows the check under way, then its result, with no reload.
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    page.evaluate("window.notReloaded = true")
    pending = page.locator("[data-check-state=pending]")
    pending.wait_for()
    screenshot(page, "flow-2-check-pending")
    page.locator("[data-check-state=done]").wait_for(timeout=30000)
    assert page.evaluate("window.notReloaded") is True
    assert pending.count() == 0
    card = page.locator(".source-card").first
    assert "Available" in card.inner_text()
    assert card.locator(".match-found").count() == 2  # the quote and the figures
    assert card.get_by_role("link", name="WARC file").is_visible()
    screenshot(page, "flow-3-check-done")

    claim = Claim.objects.get(text=CLAIM_TEXT)
    check = claim.source_links.get().source.latest_check
    assert check.outcome == CheckOutcome.OK

    # Refuting evidence.
    page.get_by_label("Stance").select_option("refutes")
    page.get_by_label("Source URL").fill(loopback_server.url("/news/denial"))
    page.get_by_label("Note").fill("Officials deny the toll.")
    page.get_by_role("button", name="Attach evidence").click()
    assert "Officials deny the toll." in page.locator("ul.evidence").inner_text()
    assert claim.evidence.get().stance == "refutes"

    # The editor, who did not submit it, takes it to a verdict.
    editor_page = new_page(viewport={"width": 1280, "height": 900})
    log_in(editor_page, editor)
    editor_page.goto(claim.get_absolute_url())
    editor_page.get_by_role("button", name="Start review").click()
    assert "You can publish the verdict." in editor_page.locator(".next-steps").inner_text()
    decision = editor_page.locator("form.decision")
    decision.get_by_label("Publish verdict: refuted").check()
    decision.get_by_role("button", name="Record the decision").click()
    decision = editor_page.locator("form.decision")
    assert "needs a rationale" in editor_page.locator("#transition-error").inner_text()
    assert decision.get_by_label("Publish verdict: refuted").is_checked(), "the choice is kept"
    decision.get_by_label("Rationale").fill(
        "Officials and hospital records give lower figures; the toll is unconfirmed."
    )
    decision.get_by_role("button", name="Record the decision").click()
    assert editor_page.locator("[data-status]").get_attribute("data-status") == ClaimStatus.REFUTED
    screenshot(editor_page, "flow-4-verdict")

    editor_page.goto(f"/claims/?status={ClaimStatus.REFUTED}")
    rows = editor_page.locator("table.claims tbody tr")
    assert rows.count() == 1
    assert CLAIM_TEXT[:20] in rows.first.inner_text()
    screenshot(editor_page, "flow-5-list-refuted")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REFUTED
    assert claim.current_verdict.published_by == editor
