"""Soft 404s: a page that answers 200 (or redirects to a 200) but is gone.

Many sites never answer 404: a removed article redirects to the front page,
or its address keeps answering with a "page not found" notice, a stub, or the
same page the site gives any address it does not know. A check of such a
page is recorded as ``CheckOutcome.SOFT_NOT_FOUND``, which counts as gone
wherever a 404 or 410 does. ``judge`` says why, in words, or ``""``. The rules,
in this order (the first that holds is the reason given):

1. **A redirect to the home page**: the page redirected and ended at a path
   ``/`` (or ``/index.*``, ``/default.*``, ``/home``) while the address asked
   for was not the home page itself.
2. **A redirect to a generic page**: the page redirected to where the site
   also sends a random address beside it (the probe, below, ended at the same
   address after redirecting), or to a page whose last path segment names an
   error page (``404``, ``not-found``, ``page-not-found``, ``error``, ...).
3. **The site's answer for a random address** (Bar-Yossef et al., "Sic
   transit gloria telae", 2004, found this the strongest signal): the page's
   title and main text are at least ``SIMILARITY`` (90) alike (rapidfuzz's
   ``fuzz.ratio``, an edit-distance ratio) to what the site answers with a 200
   for a random address in the same folder. 90, not 100: a site's "not found"
   page often repeats the address asked for or carries a date or a request id,
   while two real pages of one site share at most their template, which the
   main-text extraction leaves out.
4. **Reads as "not found"**: the title, or a main text under
   ``SHORT_TEXT`` (500) characters, says so in English or Chinese ("page not
   found", "no longer available", "has been removed", "页面不存在", "已被删除",
   ...). Only short texts are read this way, so an article that reports that
   something "has been removed" is not taken for a notice.
5. **Shrank to a stub**: the main text is under ``STUB_SHARE`` (10%) of the
   last good check's and under ``STUB_LENGTH`` (300) characters: an article
   that lost nine tenths of its text and is now a few lines ("Subscribe to
   read", a teaser) no longer holds what it was cited for. Both bounds, so that
   a short page that was already short, or a long article cut by half, is not
   gone.

The probe (rules 2 and 3) asks one random address beside the page (the same
folder, a random 24-hex-digit name) through ``fetch.fetch``, under the same
safety and politeness rules as every fetch, and keeps what the site answered
in Django's cache for ``SOFT_404_PROBE_TTL`` seconds, keyed by scheme and host
(and port): one probe per site, not per page. A probe that gets no page (a
404, any error) means the site answers real 404s: no page of it is judged by
rules 2 and 3 (a deferred probe is not kept, and asked again next time).
The probe is made where the page is read, in the batch's own thread
(``checking.observe``), only when a rule needs it. With no ``CACHES`` set the
cache is each process's memory, so each worker process asks a site once.

What keeps this cheap: only a page whose body is new to the source is judged
(a body with the SHA-256 of the last good check's is not read again, so it is
neither probed nor judged); and the probe is not needed for a page that was
not redirected, is long (``LONG_TEXT``, 2,000 characters or more) and kept at
least half of the last good check's length. The sources app does not know the
claims' quotes (claims use sources, never the other way), so "long and still
holding its quote" is judged by what stands for it here: a long article that
kept most of its length is the article, edited; the pages a site answers for
unknown addresses are short notices, or its home page, reached by a redirect
(rule 1). A site that serves its home page's text at a dead address with a
200 and no redirect, where a long article was, is the case this leaves to the
reviewer.
"""

import re
import secrets
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.core.cache import cache
from rapidfuzz import fuzz

from .choices import CheckOutcome
from .extract import PageText, extract
from .fetch import FetchResult, fetch

SIMILARITY = 90  # rule 3: percent alike (fuzz.ratio) to the site's answer for a random address
SHORT_TEXT = 500  # rule 4: main texts shorter than this are read for "not found" words
STUB_SHARE = 0.10  # rule 5: under this share of the last good check's text ...
STUB_LENGTH = 300  # ... and under this many characters
LONG_TEXT = 2000  # no probe for a text this long that kept half the last good check's length
PROBE_TEXT_KEPT = 20_000  # characters of the site's answer kept in the cache

_HOME_PATH = re.compile(r"^/?((index|default|home)(\.\w+)?)?/?$", re.IGNORECASE)
_ERROR_SEGMENT = re.compile(
    r"^(404|410|error|errors|not[-_]?found|page[-_]?not[-_]?found|notfound|page[-_]?404|404[-_]?page)(\.\w+)?$",
    re.IGNORECASE,
)
_NOT_FOUND_WORDS = re.compile(
    r"page\s+not\s+found|404\s+not\s+found|(error|erreur)\s*404|404\s+error|file\s+not\s+found"
    r"|(page|article|story|content|post)\s+(\w+\s+){0,3}?(could\s+not|cannot|can't|can\s+not)\s+be\s+found"
    r"|(page|article|story|content|post)\s+(\w+\s+){0,3}?(does\s+not|doesn't|do\s+not|no\s+longer)\s+exists?"
    r"|(page|article|story|content|post)\s+(\w+\s+){0,3}?(has\s+been|have\s+been|was|is)\s+(removed|deleted|taken\s+down)"
    r"|no\s+longer\s+available"
    r"|页面不存在|页面未找到|找不到(该|此|您要的|您访问的)?页面|页面(已|已经)?(被)?删除"
    r"|(文章|内容|新闻|信息)(已|已经)?(被)?删除|(文章|内容|新闻|信息)不存在|您(访问|请求)的页面",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SiteAnswer:
    """What a site answered with a page for a random address: where it ended, and what it said."""

    final_url: str
    redirected: bool
    title: str
    text: str


def judge(result: FetchResult, page: PageText, previous_length: int | None) -> str:
    """Why the page ``result`` brought back (read as ``page``) is gone
    though it answered 200, in words; ``""`` if it is not judged gone.
    ``previous_length`` is the length of the last good check's text (``None``
    if there is none); the site is probed only when a rule needs it."""
    asked, final = httpx.URL(_first_url(result)), httpx.URL(result.final_url)
    redirected = bool(result.redirect_chain)
    if redirected and _HOME_PATH.match(final.path) and not _HOME_PATH.match(asked.path):
        return f"The page redirects to the site's home page ({result.final_url})."
    if redirected and _ERROR_SEGMENT.match(final.path.rstrip("/").rsplit("/", 1)[-1]):
        return f"The page redirects to an error page ({result.final_url})."
    text = page.text
    long_and_kept = len(text) >= LONG_TEXT and previous_length is not None and len(text) >= previous_length / 2
    site = None if long_and_kept and not redirected else probe(result.final_url)
    if site is not None:
        if redirected and site.redirected and _without_query(final) == _without_query(httpx.URL(site.final_url)):
            return f"The page redirects to {result.final_url}, where the site sends any address it does not know."
        alike = fuzz.ratio(_comparable(page.title, text), _comparable(site.title, site.text), score_cutoff=SIMILARITY)
        if alike:
            return f"The page reads as what the site answers for a random address beside it ({alike:.0f}% alike)."
    if _NOT_FOUND_WORDS.search(page.title) or (len(text) < SHORT_TEXT and _NOT_FOUND_WORDS.search(text)):
        return "The page reads as a 'not found' or 'removed' notice."
    if previous_length and len(text) < STUB_SHARE * previous_length and len(text) < STUB_LENGTH:
        return (
            f"The page's text shrank to a stub ({len(text)} characters, where the last good check read "
            f"{previous_length})."
        )
    return ""


def probe(url: str) -> SiteAnswer | None:
    """What the site of ``url`` answers with a page for a random address
    beside it, or ``None`` if it answers none (a real 404, or an error);
    asked once per site and kept for ``SOFT_404_PROBE_TTL`` seconds."""
    parsed = httpx.URL(url)
    key = f"soft404:{parsed.scheme}://{parsed.netloc.decode('ascii')}"
    kept = cache.get(key)
    if kept is not None:
        return SiteAnswer(**kept) if kept else None
    result = fetch(str(parsed.copy_with(query=None, fragment=None).join(secrets.token_hex(12))))
    if result.outcome == CheckOutcome.DEFERRED:
        return None  # not asked: the host had no room; ask again next time
    answer = None
    if result.outcome in (CheckOutcome.OK, CheckOutcome.REDIRECTED):
        page = extract(result.body, result.content_type)
        answer = SiteAnswer(
            final_url=result.final_url,
            redirected=bool(result.redirect_chain),
            title=page.title,
            text=page.text[:PROBE_TEXT_KEPT],
        )
    cache.set(key, answer.__dict__ if answer else {}, timeout=settings.SOFT_404_PROBE_TTL)
    return answer


def _first_url(result: FetchResult) -> str:
    return result.redirect_chain[0]["url"] if result.redirect_chain else result.final_url


def _without_query(url: httpx.URL) -> httpx.URL:
    return url.copy_with(query=None, fragment=None)


def _comparable(title: str, text: str) -> str:
    return " ".join(f"{title}\n{text}".split())
