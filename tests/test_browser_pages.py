"""Browser tests of the pages that need no background worker: hostile claim
text stays text, every main page renders (a screenshot of each is kept), and
the pages work on a phone-sized screen and in Chinese."""

import re

import pytest

from claims.demo import load_demo
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
    from accounts.roles import Role

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
    page.wait_for_function("location.search.includes('status=disputed')")  # pushed, not loaded
    page.wait_for_function(f"document.querySelectorAll('table.claims tbody tr').length < {all_rows}")
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
    assert page.locator("figure.chart svg rect").count() >= 2
    screenshot(page, "event")


def test_a_phone_sized_screen_in_chinese(new_page, demo, make_user):
    from accounts.roles import Role

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
    page.locator("table.claims a").first.click()
    page.get_by_role("link", name="此来源的全部检查记录").first.click()
    assert page.get_by_role("heading", name="检查记录").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"a source's page scrolls sideways on a phone ({width}px wide)"
    screenshot(page, "source-phone-zh")


def test_the_pages_work_from_the_keyboard(new_page, demo, make_user):
    from accounts.roles import Role

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
