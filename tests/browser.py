"""Fixtures for browser tests: Debian's Chromium driven by Playwright (never a
downloaded browser), pages logged in as a given user, and screenshots kept as
test artifacts in ``test-artifacts/``."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Chromium's own background traffic is refused on a closed network; these
# flags keep it quiet and the run repeatable.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


VIOLATION = "securitypolicyviolation:"
REPORT_POLICY_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    console.error(`securitypolicyviolation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
        + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # database calls are still synchronous, so Django's guard is lifted here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def role_groups(transactional_db):
    """The role groups, which migration 0002 creates but a transactional
    test's flush removes."""
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def new_page(browser, live_server, role_groups):
    """Open a fresh browser context (its own cookies); ``new_page(viewport=...)``."""
    contexts = []

    pages = []

    def open_page(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(15000)
        contexts.append(context)
        # Every violation of the Content-Security-Policy, as the page's own event reports it.
        context.add_init_script(REPORT_POLICY_VIOLATIONS)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        # Errors the page reports (Chromium logs a refused script or style there too).
        page.errors = []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        # Which address failed, which the console's message does not say.
        page.on(
            "response",
            lambda response: response.status >= 400 and page.errors.append(f"{response.status} {response.url}"),
        )
        pages.append(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    # No browser test may have met a page that breaks the site's policy.
    violations = [error for page in pages for error in page.errors if error.startswith(VIOLATION)]
    assert violations == [], violations


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.raw_password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name):
    """Save a full-page screenshot as ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# A button whose text runs onto a second line is taller than two lines of its font.
WRAPPED_BUTTONS = """
() => [...document.querySelectorAll("button, .button")]
    .filter((button) => button.offsetParent !== null)
    .filter((button) => {
        const style = getComputedStyle(button);
        const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
        return button.getBoundingClientRect().height - padding > 2 * parseFloat(style.fontSize);
    })
    .map((button) => button.innerText.trim())
"""


def wrapped_buttons(page) -> list[str]:
    """The visible buttons of ``page`` whose text wraps."""
    return page.evaluate(WRAPPED_BUTTONS)
