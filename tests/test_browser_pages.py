"""Browser tests of the pages that need no background worker: hostile claim
text stays text, every main page renders (a screenshot of each is kept) under
a Content-Security-Policy that it does not break, and the pages work on a
phone-sized screen and in Chinese."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from claims.choices import ClaimStatus
from claims.demo import load_demo
from claims.models import Claim, ClaimSource
from claims.workflow import change_status
from tests.browser import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOSTILE = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"


def test_hostile_claim_text_is_shown_as_text(new_page, role_groups, claim_factory, reviewer):
    claim = claim_factory(text=HOSTILE, translation=HOSTILE)
    page = new_page()
    log_in(page, reviewer)

    page.goto(claim.get_absolute_url())
    assert page.locator("#claim-heading").inner_text() == HOSTILE
    page.goto("/claims/")
    assert HOSTILE in page.locator("table.claims").inner_text()
    page.goto("/")
    page.wait_for_load_state("networkidle")

    assert page.dialogs == []
    assert page.locator("img[src=x]").count() == 0


@pytest.fixture
def demo(role_groups):
    return load_demo()


def test_main_pages_render_and_are_kept_as_screenshots(new_page, demo, make_user):
    reviewer = make_user(Role.REVIEWER)
    page = new_page(viewport={"width": 1280, "height": 900})
    screenshot(page.goto("/accounts/login/") and page, "login")
    log_in(page, reviewer)
    pages = {
        "dashboard": ("/", "Dashboard"),
        "claim-list": ("/claims/?q=%E5%9C%B0%E9%9B%B7", "Claims"),
        "claim-submit": ("/claims/new/", "Submit a claim"),
        "events": ("/events/", "Events"),
    }
    for name, (url, heading) in pages.items():
        page.goto(url)
        assert page.get_by_role("heading", level=1).inner_text() == heading
        screenshot(page, name)
    # Filters apply as they change, without reloading the page.
    page.goto("/claims/")
    page.evaluate("window.notReloaded = true")
    all_rows = page.locator("table.claims tbody tr").count()
    page.locator("#id_status").select_option("disputed")
    # Waited for with Playwright's own locators and URL matching: wait_for_function evaluates
    # its predicate as a string, which the site's Content-Security-Policy refuses.
    page.wait_for_url(lambda url: "status=disputed" in url)  # pushed, not loaded
    expect(page.locator("table.claims tbody tr")).not_to_have_count(all_rows)
    assert page.evaluate("window.notReloaded") is True
    assert all("Disputed" in row for row in page.locator("table.claims tbody tr").all_inner_texts())

    page.goto("/claims/?q=%E5%9C%B0%E9%9B%B7")
    page.locator("table.claims a").first.click()
    assert page.locator("#claim-heading").is_visible()
    screenshot(page, "claim-detail")
    page.get_by_role("link", name="Every check of this source").first.click()
    assert page.get_by_role("heading", name="Checks").is_visible()
    screenshot(page, "source")
    page.go_back()
    page.get_by_role("link", name="Nagorno", exact=False).first.click()
    assert page.locator("figure.chart svg polyline").count() >= 1
    screenshot(page, "event")


def test_on_a_desktop_the_filters_are_shown_without_a_fold(new_page, demo, make_user):
    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, make_user(Role.REVIEWER))
    page.goto("/claims/?status=unverified")
    assert page.get_by_role("search").is_visible()
    assert not page.locator(".filter-panel > summary").is_visible()


def test_a_phone_sized_screen_in_chinese(new_page, demo, make_user):
    reviewer = make_user(Role.REVIEWER)
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(page, reviewer)
    page.select_option("#language-select", "zh-hans")
    page.get_by_role("button", name="Switch").click()
    page.goto("/claims/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text() == "声明"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways on a phone ({width}px wide)"
    screenshot(page, "claim-list-phone-zh")
    # The filters start folded, so that the first claims are on the first screen.
    filters = page.get_by_role("search")
    assert not filters.is_visible()
    assert page.locator("table.claims a").first.bounding_box()["y"] < 844
    page.locator(".filter-panel > summary").click()
    assert filters.is_visible()
    page.locator("table.claims a").first.click()
    page.get_by_role("link", name="此来源的全部检查记录").first.click()
    assert page.get_by_role("heading", name="检查记录").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"a source's page scrolls sideways on a phone ({width}px wide)"
    screenshot(page, "source-phone-zh")


def test_the_pages_work_from_the_keyboard(new_page, demo, make_user):
    reviewer = make_user(Role.REVIEWER)
    page = new_page()
    page.goto("/accounts/login/")
    # The user name field has the focus on arrival.
    page.keyboard.type(reviewer.username)
    page.keyboard.press("Tab")
    page.keyboard.type(reviewer.raw_password)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Dashboard").wait_for()

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto("/claims/")
    page.locator("table.claims a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    assert page.locator("#claim-heading").is_visible()


def _visit_under_the_policy(page, url):
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, f"{url} has no strict policy: {policy!r}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    page.wait_for_load_state("networkidle")
    assert page.errors == [], f"{url}: {page.errors}"


def test_no_main_page_breaks_the_content_security_policy(new_page, demo, make_user):
    editor, other_editor = make_user(Role.EDITOR), make_user(Role.EDITOR)
    editor.is_staff = editor.is_superuser = True  # the admin's pages too
    editor.save()
    link = ClaimSource.objects.select_related("claim", "source").filter(claim__event__isnull=False).first()
    claim, source = link.claim, link.source
    published = Claim.objects.exclude(pk=claim.pk).filter(status=ClaimStatus.UNVERIFIED).first()
    published = change_status(published, editor, ClaimStatus.IN_REVIEW, expected_version=published.version)
    change_status(published, other_editor, ClaimStatus.REFUTED, rationale="No.", expected_version=published.version)

    visitor = new_page()
    for url in ("/accounts/login/", published.get_absolute_url(), "/api/docs/"):
        _visit_under_the_policy(visitor, url)
    visitor.locator(".swagger-ui .info").wait_for()  # the API's documentation ran its scripts
    assert visitor.errors == []

    page = new_page()
    log_in(page, editor)
    for url in (
        "/",
        "/claims/",
        "/claims/new/",
        claim.get_absolute_url(),
        f"/claims/{claim.pk}/edit/",
        "/events/",
        f"/events/{claim.event.slug}/",
        f"/sources/{source.pk}/",
        "/claims/import/",
        "/accounts/password/",
        "/admin/",
        "/admin/claims/claim/",
        f"/admin/claims/claim/{claim.pk}/change/",
        "/api/docs/",
    ):
        _visit_under_the_policy(page, url)
    page.locator(".swagger-ui .info").wait_for()
    assert page.errors == []
