"""The event page and an outlet's page in Debian's Chromium, on the demo
data, in English and Chinese, at desktop and phone size: kept as
screenshots in ``test-artifacts/``, neither scrolling sideways on a phone,
no button wrapping on a desktop, the chart's labels whole, and the outlet's
rating shown with its reason and its log."""

import pytest

from accounts.roles import Role
from claims.demo import load_demo
from claims.models import Event
from sources.choices import Reliability
from sources.models import Outlet
from sources.services import rate_outlet
from tests.browser import log_in, screenshot, wrapped_buttons

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Tables that scroll sideways inside their frame, as a wide table does on a phone.
TABLES_SCROLLING = "[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1).length"

# The chart's labels that run past the edge of their chart, and are cut there.
CHART_LABELS_CUT = """
[...document.querySelectorAll('figure.chart svg')].flatMap((svg) => {
    const frame = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')].filter((label) => {
        const box = label.getBoundingClientRect();
        return box.left < frame.left - 1 || box.right > frame.right + 1;
    }).map((label) => label.textContent);
})
"""

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}


def test_the_event_and_outlet_pages_in_both_languages_and_sizes(new_page, role_groups, make_user):
    load_demo()
    editor = make_user(Role.EDITOR, username="desk-editor")
    outlet = Outlet.objects.filter(sources__isnull=False).distinct().first()
    rate_outlet(outlet, Reliability.C, "Usually accurate on casualty figures; relays officials unchecked.", editor)
    rate_outlet(outlet, Reliability.B, "Corrected its toll within a day when hospital records differed.", editor)
    event = Event.objects.filter(claims__isnull=False).distinct().first()

    for language in ("en", "zh-hans"):
        for size, options in SIZES.items():
            page = new_page(**options)
            log_in(page, editor)
            if language != "en":
                page.select_option("#language-select", language)
                page.get_by_role("button", name="Switch").click()
            for name, url in (("event", event.get_absolute_url()), ("outlet", f"/sources/outlets/{outlet.pk}/")):
                page.goto(url)
                screenshot(page, f"{name}-{size}-{language}")
                assert page.evaluate(CHART_LABELS_CUT) == [], f"{name}, {size}, {language}: chart labels cut"
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= options["viewport"]["width"] + 1, f"{name}, {size}, {language}: {width}px wide"
                if size == "desktop":
                    assert wrapped_buttons(page) == [], f"{name} in {language}: buttons wrap"
                else:
                    assert page.evaluate(TABLES_SCROLLING) == 0, f"{name}, {language}: a table scrolls sideways"
            # The outlet's page: its rating with the reason and the log, newest first.
            text = page.locator("main").inner_text()
            assert "Corrected its toll within a day" in text
            assert text.index("Corrected its toll") < text.index("Usually accurate")
