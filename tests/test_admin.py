"""The Django admin cannot rewrite history.

Every domain model's admin is covered: what a claim says and what hangs on
it (figures, presences, source links, evidence, verdicts, the log) and the
check history are read-only there, and an attempt to change, add or delete
them is refused with the database unchanged; parties, places, events,
outlets and a source's details are changed there only by whoever
``claims.permissions.can`` allows, and each change is recorded in the
admin's history. Forms are submitted as a browser would: the fields the
change page shows, with one changed.
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from accounts.tokens import issue
from claims.choices import ClaimStatus, Stance
from claims.models import (
    Actor,
    ActorAlias,
    CasualtyFigure,
    Claim,
    ClaimLogEntry,
    ClaimSource,
    Event,
    Evidence,
    Place,
    PlaceAlias,
    TroopPresence,
    Verdict,
)
from claims.services import add_evidence, edit_claim
from claims.workflow import change_status
from sources.choices import CheckOutcome
from sources.models import Outlet, Source, SourceCheck

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's main form."""

    def __init__(self):
        super().__init__()
        self.values = {}
        self._select = None
        self._multiple = False
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values[name] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            # A browser sends nothing for a multiple select with no option chosen, and a list otherwise.
            self._select = name
            self._multiple = "multiple" in attrs
            if not self._multiple:
                self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            if self._multiple:
                self.values.setdefault(self._select, []).append(attrs.get("value", ""))
            else:
                self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def submit_change(client, obj, changes):
    """Open ``obj``'s change page and submit its form with ``changes``."""
    page = client.get(change_url(obj))
    assert page.status_code == 200
    fields = _FormFields()
    fields.feed(page.content.decode())
    return client.post(change_url(obj), {**fields.values, **changes})


def snapshot(obj):
    """Every stored field of ``obj``, read back from the database."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {field.attname: getattr(fresh, field.attname) for field in obj._meta.concrete_fields}


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password="correct horse battery staple")


@pytest.fixture
def admin_role(make_user):
    """An admin as ``create_user --role admin`` makes one: staff, in the admin role."""
    call_command("create_user", "site_admin", role=Role.ADMIN, password="correct horse battery staple")
    return User.objects.get(username="site_admin")


@pytest.fixture(params=["superuser", "admin_role"])
def admin_client(request, client):
    client.force_login(request.getfixturevalue(request.param))
    return client


@pytest.fixture
def published(claim_factory, reviewer, editor):
    """A published claim with a figure, a presence, a source and evidence."""
    claim = claim_factory(
        text="6 killed by mines, 4 soldiers and 2 civilians",
        figures=[{"category": "killed", "qualifier": "exact", "low": 6}],
        sources=["https://mfa.example/statement"],
    )
    claim = edit_claim(
        claim,
        reviewer,
        expected_version=claim.version,
        fields={},
        presences=[
            {
                "force": Actor.objects.create(name="Armed forces"),
                "place": Place.objects.create(name="Hadrut"),
                "presence": "present",
            }
        ],
    )
    add_evidence(claim, reviewer, stance=Stance.SUPPORTS, source_url="https://news.example/mines", note="Footage.")
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    return change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Confirmed.", expected_version=claim.version)


def test_a_superusers_admin_edit_of_a_published_claims_text_is_refused(client, superuser, published):
    """The outside review's case: the edit went through and left the status,
    the version and the log as they were, so the published verdict stood on
    a text nobody had reviewed and nothing said it had changed."""
    before, log_before = snapshot(published), ClaimLogEntry.objects.filter(claim=published).count()
    client.force_login(superuser)

    response = submit_change(client, published, {"text": "600 killed by shelling"})

    assert response.status_code == 403
    assert snapshot(published) == before
    assert ClaimLogEntry.objects.filter(claim=published).count() == log_before


def _read_only_rows(claim):
    source = claim.source_links.get().source
    return {
        Claim: (claim, {"text": "600 killed by shelling", "translation": "rewritten"}),
        ClaimSource: (claim.source_links.get(), {"quoted_passage": "600 killed", "withdrawn_at_0": "2020-10-01"}),
        Evidence: (claim.evidence.get(), {"stance": Stance.REFUTES, "withdrawn_at_0": "2020-10-01"}),
        Verdict: (claim.verdicts.get(), {"rating": ClaimStatus.REFUTED, "rationale": "Rewritten."}),
        ClaimLogEntry: (claim.log.first(), {"rationale": "Rewritten.", "to_status": ClaimStatus.REFUTED}),
        SourceCheck: (
            SourceCheck.objects.create(
                source=source, requested_at=claim.created_at, started_at=claim.created_at, outcome=CheckOutcome.OK
            ),
            {"outcome": CheckOutcome.GONE, "http_status": "404"},
        ),
    }


READ_ONLY_MODELS = [Claim, ClaimSource, Evidence, Verdict, ClaimLogEntry, SourceCheck]


@pytest.mark.parametrize("model", READ_ONLY_MODELS)
def test_records_are_read_only_in_the_admin(admin_client, published, model):
    row, changes = _read_only_rows(published)[model]
    before, log_before = snapshot(row), ClaimLogEntry.objects.count()

    page = admin_client.get(change_url(row))
    response = admin_client.post(change_url(row), changes)

    assert page.status_code == 200  # shown, to read
    assert response.status_code == 403
    assert snapshot(row) == before
    assert ClaimLogEntry.objects.count() == log_before


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [(CasualtyFigure, "low", "600"), (TroopPresence, "presence", "absent")],
)
def test_figures_and_presences_are_shown_on_their_claim_and_not_editable(admin_client, published, model, field, value):
    row = model.objects.get(claim=published)
    prefix = {CasualtyFigure: "casualty_figures", TroopPresence: "troop_presences"}[model]
    before, version = snapshot(row), published.version

    page = admin_client.get(change_url(published))
    response = admin_client.post(
        change_url(published),
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(row.pk),
            f"{prefix}-0-claim": str(published.pk),
            f"{prefix}-0-{field}": value,
        },
    )

    assert f'name="{prefix}-0-{field}"' not in page.content.decode()
    assert response.status_code == 403
    assert snapshot(row) == before
    published.refresh_from_db()
    assert published.version == version


@pytest.mark.parametrize("model", READ_ONLY_MODELS)
def test_records_cannot_be_added_in_the_admin(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    rows = model.objects.count()

    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {}).status_code == 403
    assert model.objects.count() == rows


def _reference_rows(claim):
    return {
        Actor: (Actor.objects.get(name="Armed forces"), {"name": "Armed Forces of Armenia"}),
        Place: (Place.objects.get(name="Hadrut"), {"name": "Hadrut (Hadrut district)"}),
        Event: (Event.objects.create_named("Mine blast"), {"name": "Mine blast near Hadrut", "slug": "hadrut-mine"}),
        Outlet: (Outlet.objects.create(name="Ministry", domain="mfa.example"), {"country": "AZ"}),
        Source: (claim.source_links.get().source, {"title": "Statement of the ministry", "reliability": "B"}),
    }


REFERENCE_MODELS = [Actor, Place, Event, Outlet, Source]


@pytest.mark.parametrize("model", REFERENCE_MODELS)
def test_admins_edit_reference_data_and_the_admin_records_it(admin_client, published, model):
    row, changes = _reference_rows(published)[model]
    log_before = ClaimLogEntry.objects.count()

    response = admin_client.post(change_url(row), {**_form_values(admin_client, row), **changes})

    assert response.status_code == 302, response.content.decode()[:2000]
    stored = snapshot(row)
    assert {name: str(stored[name]) for name in changes} == changes
    entry = LogEntry.objects.get(object_id=str(row.pk), content_type__model=model._meta.model_name)
    assert entry.action_flag == CHANGE
    assert entry.user.username in ("root", "site_admin")
    assert ClaimLogEntry.objects.count() == log_before  # no claim changed


def _form_values(client, obj):
    fields = _FormFields()
    fields.feed(client.get(change_url(obj)).content.decode())
    return fields.values


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.EDITOR])
@pytest.mark.parametrize("model", [Actor, Place, Outlet, Source])
def test_staff_without_the_admin_role_cannot_edit_reference_data(client, make_user, published, model, role):
    staff = make_user(role)
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    client.force_login(staff)
    row, changes = _reference_rows(published)[model]
    before = snapshot(row)

    assert client.get(change_url(row)).status_code == 200  # members may look
    response = client.post(change_url(row), {**changes})

    assert response.status_code == 403
    assert snapshot(row) == before
    assert not LogEntry.objects.exists()


def test_a_source_keeps_its_address_in_the_admin(admin_client, published):
    """Claims cite a source by its address, and checks fetch it: the admin
    does not change it."""
    source = published.source_links.get().source
    response = submit_change(admin_client, source, {"url": "https://elsewhere.example/600-killed"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.url == "https://mfa.example/statement"


def test_a_reviewer_on_the_staff_cannot_change_an_events_slug_in_the_admin(client, make_user):
    event = Event.objects.create_named("Mine blast")
    staff_reviewer = make_user(Role.REVIEWER)
    User.objects.filter(pk=staff_reviewer.pk).update(is_staff=True)
    client.force_login(staff_reviewer)

    response = submit_change(client, event, {"name": "Mine blast near Hadrut", "slug": "elsewhere"})

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name, event.slug) == ("Mine blast near Hadrut", "mine-blast")


@pytest.mark.parametrize("model", [*READ_ONLY_MODELS, *REFERENCE_MODELS])
def test_nothing_is_deleted_in_the_admin(admin_client, published, model):
    row = {**_reference_rows(published), **_read_only_rows(published)}[model][0]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[row.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_staff_without_a_role_of_the_tracker_see_none_of_its_records(client, make_user, published):
    staff = make_user(None)
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:claims_claim_changelist")).status_code == 403
    assert client.get(change_url(published)).status_code == 403


@pytest.mark.parametrize("model", [*READ_ONLY_MODELS, *REFERENCE_MODELS])
def test_every_list_and_search_of_the_admin_answers(admin_client, published, model):
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "mines"}).status_code == 200


# Other names of parties and places: added through claims.services (which
# refuses a name that finds another row), never changed nor deleted.
ALIAS_MODELS = [ActorAlias, PlaceAlias]


@pytest.mark.parametrize("model", ALIAS_MODELS)
def test_other_names_are_added_through_the_service_and_never_changed(admin_client, model):
    owner_field = "actor" if model is ActorAlias else "place"
    owner_model = Actor if model is ActorAlias else Place
    owner = owner_model.objects.create(name="Armed Forces of Armenia")
    other = owner_model.objects.create(name="Government of Armenia")
    add = reverse(f"admin:claims_{model._meta.model_name}_add")

    response = admin_client.post(add, {owner_field: owner.pk, "name": "亚美尼亚武装部队"})
    assert response.status_code == 302, response.content.decode()[:2000]
    alias = model.objects.get()
    assert (getattr(alias, owner_field), alias.name) == (owner, "亚美尼亚武装部队")

    taken = admin_client.post(add, {owner_field: other.pk, "name": "ARMED FORCES of armenia"})
    assert taken.status_code == 200
    assert "merge the two" in taken.content.decode()
    assert model.objects.count() == 1

    change = reverse(f"admin:claims_{model._meta.model_name}_change", args=[alias.pk])
    admin_client.post(change, {owner_field: other.pk, "name": "Renamed"})
    alias.refresh_from_db()
    assert (getattr(alias, owner_field), alias.name) == (owner, "亚美尼亚武装部队")
    assert (
        admin_client.post(reverse(f"admin:claims_{model._meta.model_name}_delete", args=[alias.pk])).status_code == 403
    )
    assert model.objects.count() == 1


@pytest.mark.parametrize("model", ALIAS_MODELS)
def test_the_lists_of_other_names_answer(admin_client, model):
    changelist = reverse(f"admin:claims_{model._meta.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "armenia"}).status_code == 200


def test_every_domain_models_admin_is_covered_here():
    """A model admin added later must say here how it keeps the record."""
    covered = {*READ_ONLY_MODELS, *REFERENCE_MODELS, *ALIAS_MODELS}
    registered = {model for model in admin.site._registry if model._meta.app_label in ("claims", "sources")}
    assert registered == covered


def test_an_admin_made_by_create_user_can_use_the_admin(client, admin_role, published):
    """``create_user --role admin`` gave staff status and no model
    permission: every admin page answered 403."""
    client.force_login(admin_role)
    for url in (
        reverse("admin:index"),
        reverse("admin:claims_claim_changelist"),
        change_url(published),
        reverse("admin:claims_actor_changelist"),
        reverse("admin:sources_source_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:accounts_apitoken_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    # Accounts are made inactive, never deleted: claims and their log refer to them.
    delete = reverse("admin:auth_user_delete", args=[published.submitter.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=published.submitter.pk).exists()


@pytest.mark.parametrize("model", [Actor, Place])
def test_renaming_a_party_or_place_to_a_name_taken_says_so(admin_client, model):
    """Names are compared ignoring case and width (``claims.names``): the
    admin's form shows the clash instead of failing on the database's
    constraint."""
    model.objects.create(name="Armed Forces")
    row = model.objects.create(name="Army")
    before = snapshot(row)

    response = submit_change(admin_client, row, {"name": "ARMED forces"})

    assert response.status_code == 200
    assert "already" in response.content.decode()
    assert snapshot(row) == before


def test_an_admin_manages_accounts_and_roles_but_grants_no_superuser_status(client, admin_role, reviewer):
    """Superuser status and one-by-one permissions would lift an account out
    of the roles (and let it delete what is never deleted): only a superuser
    grants them."""
    client.force_login(admin_role)
    editors = Group.objects.get(name=Role.EDITOR)

    response = submit_change(
        client, reviewer, {"is_superuser": "on", "groups": [str(editors.pk)], "user_permissions": ["1"]}
    )

    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_superuser
    assert not reviewer.user_permissions.exists()
    assert set(reviewer.groups.values_list("name", flat=True)) == {Role.EDITOR}


def test_api_tokens_are_shown_to_admins_read_only_and_without_a_secret(admin_client, reviewer):
    token, secret = issue(reviewer, "nightly export")
    before = snapshot(token)

    listing = admin_client.get(reverse("admin:accounts_apitoken_changelist"), {"q": "nightly"}).content.decode()
    page = admin_client.get(change_url(token))
    admin_client.post(change_url(token), {"name": "renamed", "revoked_at": ""})

    assert "nightly export" in listing and token.prefix in listing
    assert page.status_code == 200
    assert secret not in page.content.decode() and token.digest not in page.content.decode()
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    assert snapshot(token) == before
