"""Who gets which answer from every reviewer page and auth view.

The table covers every URL of ``claims/urls.py``, ``sources/urls.py``, ``notifications/urls.py``,
``intelligence/urls.py``, ``accounts/urls.py`` and
the auth views, each method the view takes, and each kind of visitor. A refused request (sent to
log in, forbidden, or the wrong method) must leave the database as it was.
"""

import copy
import json
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.roles import Role
from accounts.tokens import issue
from claims.choices import ClaimStatus, Stance
from claims.import_jobs import start_import
from claims.models import Actor, Claim, Event, Evidence, Job, Place, VanishedFlag
from claims.services import SourceLinkData, add_evidence, submit_claim
from claims.workflow import change_status
from intelligence.models import ContradictionFlag
from sources.models import Outlet, SourceCheck
from tests.import_pages import import_through_page
from tests.pages import database_state, edit, submission
from tests.written_once import member, written_for_the_module

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "reviewer", "editor", "admin")
LOGIN = "to login"  # a 302 to the login page, carrying where the visitor wanted to go


def members(code):
    """Anonymous visitors are sent to log in, outsiders refused, members answered ``code``."""
    return (LOGIN, 403, code, code, code)


def editors(code):
    """As ``members``, but reviewers are refused too."""
    return (LOGIN, 403, 403, code, code)


def everyone(code):
    return (code,) * len(ROLES)


@dataclass
class World:
    """The rows the pages act on. Every claim is submitted by a reviewer of
    its own, so no role in the table is its submitter."""

    event: Event
    claim: Claim
    published: Claim
    evidence: Evidence
    check: SourceCheck
    duplicate_party: Actor
    duplicate_place: Place
    flag: ContradictionFlag
    vanished: VanishedFlag
    job: Job
    token: ApiToken
    outlet: Outlet

    @property
    def link(self):
        return self.claim.source_links.get()


def _write_world() -> World:
    submitter, chief = member("world_reviewer", Role.REVIEWER), member("world_editor", Role.EDITOR)

    def submit(text, sources=(), figures=(), **fields):
        fields = {"text": text, "language": "en", "kind": "statement", **fields}
        links = [SourceLinkData(url=url) for url in sources]
        return submit_claim(submitter, fields=fields, figures=figures, sources=links)

    event = Event.objects.create_named("Shelling of Stepanakert")
    claim = submit("A claim with a source", event=event, sources=["https://news.example.org/report"])
    for count in (6, 8):  # two counts of the same day that cannot both be true: a contradiction flag
        killed = {"category": "killed", "population": "all", "qualifier": "exact", "low": count}
        submit(f"{count} killed", event=event, stated_on=date(2023, 9, 19), figures=[killed])
    published = submit("A claim whose verdict is out")
    published = change_status(published, submitter, ClaimStatus.IN_REVIEW, expected_version=1)
    published = change_status(published, chief, ClaimStatus.REFUTED, rationale="Denied.", expected_version=2)
    evidence = add_evidence(claim, submitter, stance=Stance.SUPPORTS, source_url="https://other.example.org/")
    now = timezone.now()
    check = SourceCheck.objects.create(source=claim.source_links.get().source, requested_at=now, started_at=now)
    Actor.objects.create(name="Armed Forces of Armenia")
    Place.objects.create(name="Shusha")
    duplicate_party, duplicate_place = Actor.objects.create(name="亚美尼亚军队"), Place.objects.create(name="舒沙")
    Claim.objects.filter(pk=claim.pk).update(claimant=duplicate_party, place=duplicate_place)
    return World(
        event=event,
        claim=claim,
        published=published,
        evidence=evidence,
        check=check,
        duplicate_party=duplicate_party,
        duplicate_place=duplicate_place,
        flag=ContradictionFlag.objects.get(),
        vanished=VanishedFlag.objects.create(
            link=claim.source_links.get(), what="page", before_check=check, after_check=check
        ),
        job=start_import(chief, "claims.csv", b"text,language\nQueued claim,en\n"),
        token=issue(submitter, "their script")[0],
        outlet=Outlet.objects.create(name="News Example", domain="news.example.org"),
    )


@pytest.fixture(scope="module")
def written_world(django_db_setup, django_db_blocker):
    # Written claim by claim, through the services, it took a fifth of a second, for each of 450 tests.
    with written_for_the_module(django_db_blocker):
        yield _write_world()


@pytest.fixture
def world(db, written_world):
    """The module's world; a copy, so that a test changing its rows in memory leaves the next test's alone."""
    return copy.deepcopy(written_world)


@pytest.fixture
def visitor(request, client, outsider, reviewer, editor, admin_user):
    """The client logged in as the role named by the test's ``role``; the user (``None`` when anonymous)."""
    user = {"anonymous": None, "outsider": outsider, "reviewer": reviewer, "editor": editor, "admin": admin_user}[
        request.getfixturevalue("role")
    ]
    if user is not None:
        client.force_login(user)
    return user


def _claim_url(name, *extra):
    return lambda w: reverse(f"claims:{name}", args=[w.claim.pk, *(extra_arg(w) for extra_arg in extra)])


def _import_file(w, user):
    row = "text,language,kind,source1_url\nImported claim about a convoy,en,statement,https://convoy.example.org/\n"
    return {"file": SimpleUploadedFile("claims.csv", row.encode(), content_type="text/csv")}


def _new_password(w, user):
    new = "a fresh long passphrase 42"
    return {"old_password": user.raw_password if user else "", "new_password1": new, "new_password2": new}


def _nothing(w, user):
    return {}


# (id, URL from the world, method, POST data from world and user, expected per role in ROLES order)
TABLE = [
    ("dashboard", lambda w: reverse("claims:dashboard"), "get", None, members(200)),
    ("help", lambda w: reverse("claims:help"), "get", None, members(200)),
    ("claim_list", lambda w: reverse("claims:claim_list"), "get", None, members(200)),
    ("claim_submit", lambda w: reverse("claims:claim_submit"), "get", None, members(200)),
    ("claim_submit", lambda w: reverse("claims:claim_submit"), "post", lambda w, u: submission(), members(302)),
    ("export_csv", lambda w: reverse("claims:export_csv"), "get", None, members(200)),
    ("import", lambda w: reverse("claims:import"), "get", None, editors(200)),
    ("import", lambda w: reverse("claims:import"), "post", _import_file, editors(302)),
    ("job_list", lambda w: reverse("claims:job_list"), "get", None, members(200)),
    # Another editor's job: only its owner and admins follow it.
    ("job_detail", lambda w: w.job.get_absolute_url(), "get", None, (LOGIN, 403, 403, 403, 200)),
    (
        "job_progress",
        lambda w: reverse("claims:job_progress", args=[w.job.pk]),
        "get",
        None,
        (LOGIN, 403, 403, 403, 200),
    ),
    ("import_template", lambda w: reverse("claims:import_template"), "get", None, editors(200)),
    ("claimreview_feed", lambda w: reverse("claims:claimreview_feed"), "get", None, everyone(200)),
    ("verdict_feed_atom", lambda w: reverse("claims:verdict_feed_atom"), "get", None, everyone(200)),
    ("verdict_feed_json", lambda w: reverse("claims:verdict_feed_json"), "get", None, everyone(200)),
    ("claim_detail", _claim_url("claim_detail"), "get", None, members(200)),
    (
        "claim_review_json published",
        lambda w: reverse("claims:claim_review_json", args=[w.published.pk]),
        "get",
        None,
        everyone(200),
    ),
    ("claim_review_json unpublished", _claim_url("claim_review_json"), "get", None, everyone(404)),
    ("claim_edit", _claim_url("claim_edit"), "get", None, editors(200)),
    ("claim_edit", _claim_url("claim_edit"), "post", lambda w, u: edit(w.claim, text="Edited text"), editors(302)),
    ("claim_sources", _claim_url("claim_sources"), "get", None, members(200)),
    ("source_check_now", _claim_url("source_check_now", lambda w: w.link.pk), "get", None, members(405)),
    ("source_check_now", _claim_url("source_check_now", lambda w: w.link.pk), "post", _nothing, members(302)),
    ("source_withdraw", _claim_url("source_withdraw", lambda w: w.link.pk), "get", None, members(405)),
    (
        "source_withdraw",
        _claim_url("source_withdraw", lambda w: w.link.pk),
        "post",
        lambda w, u: {"reason": "A copy of another outlet's story"},
        editors(302),
    ),
    ("evidence_add", _claim_url("evidence_add"), "get", None, members(302)),
    (
        "evidence_add",
        _claim_url("evidence_add"),
        "post",
        lambda w, u: {"stance": "refutes", "source_url": "https://third.example.org/"},
        members(302),
    ),
    # The world's evidence has no file: members get past the permission check to a 404.
    ("evidence_file", _claim_url("evidence_file", lambda w: w.evidence.pk), "get", None, members(404)),
    ("evidence_withdraw", _claim_url("evidence_withdraw", lambda w: w.evidence.pk), "get", None, members(405)),
    (
        "evidence_withdraw",
        _claim_url("evidence_withdraw", lambda w: w.evidence.pk),
        "post",
        lambda w, u: {"reason": "Wrong article"},
        editors(302),
    ),
    ("claim_transition", _claim_url("claim_transition"), "get", None, members(405)),
    (
        "claim_transition",
        _claim_url("claim_transition"),
        "post",
        lambda w, u: {"target": ClaimStatus.IN_REVIEW, "version": w.claim.version},
        members(302),
    ),
    ("claim_assign", _claim_url("claim_assign"), "get", None, members(405)),
    ("claim_assign to me", _claim_url("claim_assign"), "post", lambda w, u: {"take": "on"}, members(302)),
    (
        "claim_assign to another",
        _claim_url("claim_assign"),
        "post",
        lambda w, u: {"assignee": w.claim.submitter_id},
        editors(302),
    ),
    ("event_list", lambda w: reverse("claims:event_list"), "get", None, members(200)),
    ("source_detail", lambda w: w.link.source.get_absolute_url(), "get", None, members(200)),
    # The world's check is still running: it archived nothing and has no changes to show, so members get
    # past the permission check to a 404.
    ("outlet_list", lambda w: reverse("claims:outlet_list"), "get", None, members(200)),
    ("outlet_detail", lambda w: reverse("claims:outlet_detail", args=[w.outlet.pk]), "get", None, members(200)),
    # An outlet's rating regrades every claim citing its unrated sources: editors only.
    (
        "outlet_detail",
        lambda w: reverse("claims:outlet_detail", args=[w.outlet.pk]),
        "post",
        lambda w, u: {"reliability": "B", "reason": "Reliable in the last war."},
        editors(302),
    ),
    ("check_archive", lambda w: reverse("sources:check_archive", args=[w.check.pk]), "get", None, members(404)),
    ("check_changes", lambda w: reverse("sources:check_changes", args=[w.check.pk]), "get", None, members(404)),
    ("event_detail", lambda w: w.event.get_absolute_url(), "get", None, members(200)),
    ("notification_list", lambda w: reverse("notifications:notification_list"), "get", None, members(200)),
    ("mark_read", lambda w: reverse("notifications:mark_read"), "get", None, members(405)),
    ("mark_read", lambda w: reverse("notifications:mark_read"), "post", _nothing, members(302)),
    ("watch_claim", lambda w: reverse("notifications:watch_claim", args=[w.claim.pk]), "get", None, members(405)),
    ("watch_claim", lambda w: reverse("notifications:watch_claim", args=[w.claim.pk]), "post", _nothing, members(302)),
    (
        "watch_event",
        lambda w: reverse("notifications:watch_event", args=[w.event.slug]),
        "post",
        _nothing,
        members(302),
    ),
    (
        "webhook_add",
        lambda w: reverse("notifications:webhook_add"),
        "post",
        lambda w, u: {"url": "https://hooks.example.org/tracker"},
        members(302),
    ),
    ("digest_choose", lambda w: reverse("notifications:digest_choose"), "get", None, members(405)),
    (
        "digest_choose",
        lambda w: reverse("notifications:digest_choose"),
        "post",
        lambda w, u: {"frequency": "daily"},
        members(302),
    ),
    ("feed_token_new", lambda w: reverse("notifications:feed_token_new"), "post", _nothing, members(302)),
    ("feed_token_revoke", lambda w: reverse("notifications:feed_token_revoke"), "post", _nothing, members(302)),
    # A private feed is opened by its key, not a session: an unknown key opens nothing for anyone.
    ("private_feed", lambda w: reverse("notifications:private_feed", args=["unknown"]), "get", None, everyone(404)),
    ("actor_names", lambda w: reverse("claims:actor_names"), "get", None, members(200)),
    ("place_names", lambda w: reverse("claims:place_names"), "get", None, members(200)),
    # A merge rewrites the claimant or place of every claim that names it: editors only.
    ("actor_merge", lambda w: reverse("claims:actor_merge", args=[w.duplicate_party.pk]), "get", None, editors(200)),
    (
        "actor_merge",
        lambda w: reverse("claims:actor_merge", args=[w.duplicate_party.pk]),
        "post",
        lambda w, u: {"into": "armed forces of ARMENIA"},
        editors(302),
    ),
    ("place_merge", lambda w: reverse("claims:place_merge", args=[w.duplicate_place.pk]), "get", None, editors(200)),
    (
        "place_merge",
        lambda w: reverse("claims:place_merge", args=[w.duplicate_place.pk]),
        "post",
        lambda w, u: {"into": "Shusha"},
        editors(302),
    ),
    ("flag_explain", lambda w: reverse("intelligence:flag_explain", args=[w.flag.pk]), "get", None, members(200)),
    ("ingest", lambda w: reverse("intelligence:ingest"), "get", None, members(200)),
    (
        "ingest",
        lambda w: reverse("intelligence:ingest"),
        "post",
        lambda w, u: {
            "text": "Six people were killed, officials said.",
            "article_url": "https://a.example.org/",
            "suggest": "1",
        },
        members(200),
    ),
    (
        "ingest",
        lambda w: reverse("intelligence:ingest"),
        "post",
        lambda w, u: {"text": "", "article_url": "https://a.example.org/article", "suggest": "1"},
        members(302),
    ),
    (
        "ingest_source",
        lambda w: reverse("intelligence:ingest_source", args=[w.check.source_id]),
        "get",
        None,
        members(200),
    ),
    (
        "flag_explain",
        lambda w: reverse("intelligence:flag_explain", args=[w.flag.pk]),
        "post",
        lambda w, u: {"note": "Different districts."},
        members(302),
    ),
    ("vanished_close", lambda w: reverse("claims:vanished_close", args=[w.vanished.pk]), "get", None, members(200)),
    (
        "vanished_close",
        lambda w: reverse("claims:vanished_close", args=[w.vanished.pk]),
        "post",
        lambda w, u: {"note": "The archived copy carries it; the verdict stands."},
        members(302),
    ),
    # What operators read: admins (and a scraper holding METRICS_TOKEN, tests/test_metrics.py).
    ("operations_stats", lambda w: reverse("operations:stats"), "get", None, (LOGIN, 403, 403, 403, 200)),
    ("metrics", lambda w: reverse("operations:metrics"), "get", None, (403, 403, 403, 403, 200)),
    # Each member's own API tokens; another's is not found (tests/test_api_tokens_self_service.py).
    ("token_list", lambda w: reverse("accounts:token_list"), "get", None, members(200)),
    ("token_list", lambda w: reverse("accounts:token_list"), "post", _nothing, members(405)),
    ("token_create", lambda w: reverse("accounts:token_create"), "get", None, members(405)),
    ("token_create", lambda w: reverse("accounts:token_create"), "post", lambda w, u: {"name": "ci"}, members(200)),
    ("token_revoke", lambda w: reverse("accounts:token_revoke", args=[w.token.pk]), "get", None, members(405)),
    (
        "token_revoke another's",
        lambda w: reverse("accounts:token_revoke", args=[w.token.pk]),
        "post",
        _nothing,
        members(404),
    ),
    ("login", lambda w: reverse("login"), "get", None, (200, 302, 302, 302, 302)),
    (
        "login",
        lambda w: reverse("login"),
        "post",
        lambda w, u: {"username": "nobody", "password": "wrong"},
        (200, 302, 302, 302, 302),
    ),
    ("logout", lambda w: reverse("logout"), "get", None, everyone(405)),
    ("logout", lambda w: reverse("logout"), "post", _nothing, everyone(302)),
    ("password_change", lambda w: reverse("password_change"), "get", None, (LOGIN, 200, 200, 200, 200)),
    ("password_change", lambda w: reverse("password_change"), "post", _new_password, (LOGIN, 302, 302, 302, 302)),
    ("password_change_done", lambda w: reverse("password_change_done"), "get", None, (LOGIN, 200, 200, 200, 200)),
]


def _cases():
    for name, url, method, data, expected in TABLE:
        for role, answer in zip(ROLES, expected, strict=True):
            yield pytest.param(url, method, data, role, answer, id=f"{name}-{method}-{role}")


@pytest.mark.parametrize(("url", "method", "data", "role", "expected"), list(_cases()))
def test_page_answers_each_role(client, world, visitor, url, method, data, role, expected):
    address = url(world)
    before = database_state()
    response = client.get(address) if method == "get" else client.post(address, data(world, visitor))

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={address}"
    else:
        assert response.status_code == expected
    if expected in (LOGIN, 403, 405):
        assert database_state() == before


def test_every_url_of_the_app_is_in_the_table():
    from accounts.urls import urlpatterns as account_urls
    from claims.urls import urlpatterns as claim_urls
    from notifications.urls import urlpatterns as notification_urls
    from sources.urls import urlpatterns as source_urls

    tabled = {name.split()[0] for name, *_ in TABLE}
    assert {pattern.name for pattern in claim_urls + source_urls + notification_urls + account_urls} <= tabled
    assert {"login", "logout", "password_change", "password_change_done"} <= tabled


def test_allowed_writes_take_effect(client, world, editor):
    """The 302s of the table are real saves, not redirects that did nothing."""
    client.force_login(editor)
    client.post(reverse("claims:claim_edit", args=[world.claim.pk]), edit(world.claim, text="Edited text"))
    client.post(
        reverse("claims:evidence_withdraw", args=[world.claim.pk, world.evidence.pk]), {"reason": "Wrong article"}
    )
    world.claim.refresh_from_db()
    world.evidence.refresh_from_db()
    assert (world.claim.text, world.claim.version) == ("Edited text", 2)
    assert world.evidence.withdrawn_at is not None


def test_reviewer_may_edit_a_claim_they_submitted_but_not_another(client, claim_factory, reviewer, other_reviewer):
    own = claim_factory(submitter=reviewer, text="My own claim")
    theirs = claim_factory(submitter=other_reviewer, text="Somebody else's claim")
    client.force_login(reviewer)

    assert client.get(reverse("claims:claim_edit", args=[own.pk])).status_code == 200
    response = client.post(reverse("claims:claim_edit", args=[own.pk]), edit(own, text="My own claim, corrected"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.text == "My own claim, corrected"

    before = database_state()
    response = client.post(reverse("claims:claim_edit", args=[theirs.pk]), edit(theirs, text="Hijacked"))
    assert response.status_code == 403
    assert database_state() == before


def test_nobody_edits_a_claim_once_its_verdict_is_out(client, world, editor):
    client.force_login(editor)
    before = database_state()
    response = client.post(reverse("claims:claim_edit", args=[world.published.pk]), edit(world.published, text="x"))
    assert response.status_code == 403
    assert database_state() == before


def test_submitting_editor_cannot_publish_the_verdict(client, claim_factory, editor, other_editor, other_reviewer):
    """The two-person rule, through the page: refused with its reason, status unchanged."""
    claim = claim_factory(submitter=editor, text="Claim the editor filed")
    claim = change_status(claim, other_reviewer, ClaimStatus.IN_REVIEW, expected_version=1)
    verdict = {"target": ClaimStatus.SUPPORTED, "version": claim.version, "rationale": "Two sources confirm it."}
    url = reverse("claims:claim_transition", args=[claim.pk])

    client.force_login(editor)
    detail = client.get(claim.get_absolute_url()).content.decode()
    assert 'value="supported"' not in detail, "the page should not offer the submitter a verdict"
    before = database_state()
    response = client.post(url, verdict)
    assert response.status_code in (400, 403)
    assert "two-person rule" in response.content.decode()
    assert database_state() == before
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW

    client.force_login(other_editor)
    assert client.post(url, verdict).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUPPORTED


def test_import_page_creates_claims_for_editors(client, world, editor):
    client.force_login(editor)
    response = import_through_page(client, _import_file(world, editor)["file"])
    assert response.status_code == 200
    assert Claim.objects.filter(text="Imported claim about a convoy").exists()


def test_published_review_is_public_json(client, world):
    response = client.get(reverse("claims:claim_review_json", args=[world.published.pk]))
    assert json.loads(response.content)["@type"] == "ClaimReview"
