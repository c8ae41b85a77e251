"""The sample article, pasted into the ingest page in Debian's Chromium: the
reviewer keeps three of the claims it suggests (the local Armenians' toll,
Azerbaijan's announcement that it is expelling Armenian forces, Armenia's
word that its forces are not there) and finds them on the event page, the
toll reconciled and the two troop-presence claims flagged as contradicting
each other."""

import pytest
from django.urls import reverse

from claims.models import Claim
from intelligence.models import ContradictionFlag
from tests.browser import log_in, screenshot
from tests.samples import sample_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEPT = ("至少有27人死亡", "驱逐亚美尼亚武装部队", "并没有出现在纳卡地区")


def test_three_claims_kept_from_the_sample_are_reconciled_and_flagged(new_page, reviewer, live_server):
    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, reviewer)
    page.goto(reverse("intelligence:ingest"))
    page.get_by_label("Article text").fill(sample_article())
    # The article is never fetched here (no worker runs); its address is the loopback's all the same.
    page.get_by_label("Article URL").fill(f"{live_server.url}/articles/karabakh-2023-09-20")
    page.get_by_label("Event").fill("纳卡冲突 2023年9月")
    page.get_by_label("Published on").fill("2023-09-20")
    page.get_by_role("button", name="Suggest claims").click()

    candidates = page.locator("fieldset.candidate")
    assert candidates.count() > len(KEPT)
    for index in range(candidates.count()):
        candidate = candidates.nth(index)
        if not any(words in candidate.locator("textarea[name$='-sentence']").input_value() for words in KEPT):
            candidate.locator("input[name$='-keep']").uncheck()
    page.get_by_role("button", name="Create the ticked claims").click()

    page.wait_for_url(lambda url: "/events/" in url)
    assert Claim.objects.count() == len(KEPT)
    figures = page.locator("section.reconciliation").first
    assert "Highest lower bound: 27 (纳卡地区的亚美尼亚人)" in figures.inner_text()
    assert "至少有27人死亡" in Claim.objects.get(casualty_figures__low=27).text
    [flag] = ContradictionFlag.objects.all()
    shown = page.locator(".contradiction-flag")
    assert shown.count() == 1
    assert "亚美尼亚武装部队" in shown.inner_text()
    assert {flag.first_claim.claimant.name, flag.second_claim.claimant.name} == {"阿塞拜疆", "亚美尼亚方面"}
    screenshot(page, "ingest-sample-event")
