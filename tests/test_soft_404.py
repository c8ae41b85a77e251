"""Soft 404s (``sources/soft_404.py``) against a real loopback server: a
page that answers 200 but is gone is recorded as ``soft_not_found`` and its
source as gone, for each kind (a redirect to the home page or to the page the
site sends unknown addresses to, a stub where an article was, a "not found"
page in English and Chinese, the site's answer for a random address); the
probe of a random address is made once per site; and a real page that is
merely short stays ok."""

import pytest
from django.core.cache import cache
from django.utils import translation

from sources.checking import run_checks
from sources.choices import CheckOutcome, SourceHealth
from sources.services import get_or_create_source, request_check

pytestmark = pytest.mark.django_db

ARTICLE = """<html><head><title>{title}</title></head><body><article>
<h1>{title}</h1><p>{text}</p></article></body></html>"""
STORY = (
    "At least 27 people were killed and 200 injured in the shelling of the town on Sunday, local officials said. "
    "Rescue teams worked through the night to reach people trapped under collapsed buildings, and the regional "
    "hospital asked for blood donors. The ministry of defence denied that its forces had fired on the town. "
) * 6
SITE_NOT_FOUND = """<html><head><title>Daily News</title></head><body><nav>Home World Politics</nav>
<main><p>Sorry, we could not find what you were looking for. Try our search or go back to the front page.</p>
</main><footer>Daily News, all rights reserved.</footer></body></html>"""


def html(text, title="Shelling of the town"):
    return ARTICLE.format(title=title, text=text).encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def check(source):
    """Ask for a check of ``source`` and run it as a worker would; the completed check."""
    request_check(source)
    source.refresh_from_db()
    [done] = run_checks([(source.pk, source.check_requested_at)])
    source.refresh_from_db()
    return done


def source_at(server, path):
    return get_or_create_source(server.url(path))[0]


def unknown_addresses(server, answer=None):
    """The paths under /news/ that the server was asked for and no test routed
    (the random sibling probes), in a list that fills as they come; each is
    answered by ``answer(path)`` (which routes it), else the default 404."""
    asked = []
    record_hit = server.record_hit

    def recording(path, headers):
        if path.startswith("/news/") and path not in server._routes:
            asked.append(path)
            if answer is not None:
                answer(path)
        return record_hit(path, headers)

    server.record_hit = recording
    return asked


def not_found_page_with_200(server):
    return lambda path: server.route(path, body=SITE_NOT_FOUND.encode())


def assert_gone(done, source):
    assert done.outcome == CheckOutcome.SOFT_NOT_FOUND, done.error
    with translation.override("en"):
        assert done.get_outcome_display() == "Gone (page answers but is a 'not found' page)"
    with translation.override("zh-hans"):
        assert done.get_outcome_display() == "已删除（页面仍有应答，但内容是“页面不存在”）"
    assert done.error  # the reason, in words
    assert source.health == SourceHealth.GONE
    assert source.gone_at is not None


def test_a_redirect_to_the_home_page_is_a_soft_404(loopback_server, allow_loopback):
    loopback_server.route("/news/2026/shelling", body=html(STORY))
    loopback_server.route("/", body=html("Front page. " * 50, title="Daily News"))
    source = source_at(loopback_server, "/news/2026/shelling")
    assert check(source).outcome == CheckOutcome.OK

    loopback_server.redirect("/news/2026/shelling", "/", status=301)
    done = check(source)

    assert_gone(done, source)
    assert done.went_away
    assert "home page" in done.error


def test_a_redirect_to_where_the_site_sends_unknown_addresses_is_a_soft_404(loopback_server, allow_loopback):
    # The site sends every address it does not know to /sorry: so does the random probe.
    loopback_server.route("/sorry", body=html("This is our help desk page. " * 40, title="Help"))
    source = source_at(loopback_server, "/news/2026/shelling")
    unknown_addresses(loopback_server, lambda path: loopback_server.redirect(path, "/sorry"))
    loopback_server.route("/news/2026/shelling", body=html(STORY))
    assert check(source).outcome == CheckOutcome.OK

    loopback_server.redirect("/news/2026/shelling", "/sorry")
    done = check(source)

    assert_gone(done, source)
    assert "/sorry" in done.error


def test_a_main_text_that_shrank_to_a_stub_is_a_soft_404(loopback_server, allow_loopback):
    loopback_server.route("/news/2026/shelling", body=html(STORY))
    source = source_at(loopback_server, "/news/2026/shelling")
    assert check(source).outcome == CheckOutcome.OK

    loopback_server.route("/news/2026/shelling", body=html("Subscribe to read.", title="Daily News"))
    done = check(source)

    assert_gone(done, source)
    assert "stub" in done.error


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Page not found", "The page you requested does not exist or has been removed."),
        ("页面不存在", "抱歉，您访问的页面不存在或已被删除。请返回首页。"),
    ],
)
def test_a_page_that_reads_as_not_found_is_a_soft_404(title, text, loopback_server, allow_loopback):
    loopback_server.route("/news/2026/shelling", body=html(STORY))
    source = source_at(loopback_server, "/news/2026/shelling")
    assert check(source).outcome == CheckOutcome.OK

    loopback_server.route("/news/2026/shelling", body=html(text, title=title))
    done = check(source)

    assert_gone(done, source)
    assert "not found" in done.error


def test_a_page_like_the_sites_answer_for_a_random_address_is_a_soft_404(loopback_server, allow_loopback):
    source = source_at(loopback_server, "/news/2026/shelling")
    probes = unknown_addresses(loopback_server, not_found_page_with_200(loopback_server))
    loopback_server.route("/news/2026/shelling", body=html(STORY))
    assert check(source).outcome == CheckOutcome.OK

    # Taken down: the article's address now serves the site's page for unknown addresses, with a 200.
    loopback_server.route("/news/2026/shelling", body=SITE_NOT_FOUND.encode())
    done = check(source)

    assert_gone(done, source)
    assert "random address" in done.error
    assert len(probes) == 1


def test_the_probe_is_made_once_per_site(loopback_server, allow_loopback):
    probes = unknown_addresses(loopback_server, not_found_page_with_200(loopback_server))
    loopback_server.route("/news/2026/one", body=html(STORY))
    loopback_server.route("/news/2026/two", body=html(STORY.replace("27", "30")))
    first = source_at(loopback_server, "/news/2026/one")
    second = source_at(loopback_server, "/news/2026/two")

    assert check(first).outcome == CheckOutcome.OK
    assert check(second).outcome == CheckOutcome.OK

    assert len(probes) == 1


def test_an_unchanged_page_is_neither_probed_nor_judged_again(loopback_server, allow_loopback):
    probes = unknown_addresses(loopback_server, not_found_page_with_200(loopback_server))
    loopback_server.route("/news/2026/shelling", body=html(STORY))
    source = source_at(loopback_server, "/news/2026/shelling")
    assert check(source).outcome == CheckOutcome.OK
    cache.clear()  # the site's answer forgotten: only a new probe could judge the page again

    assert check(source).outcome == CheckOutcome.OK

    assert len(probes) == 1


def test_a_real_page_that_is_merely_short_stays_ok(loopback_server, allow_loopback):
    # The site answers 404 for addresses it does not know (the loopback server's default).
    probes = unknown_addresses(loopback_server)
    brief = "Two drones were shot down over the border overnight, the ministry said."
    loopback_server.route("/news/2026/brief", body=html(brief, title="Drones shot down"))
    source = source_at(loopback_server, "/news/2026/brief")

    done = check(source)

    assert done.outcome == CheckOutcome.OK, done.error
    assert source.health == SourceHealth.OK
    assert len(probes) == 1  # asked once, answered 404: a site with real 404s
