"""Every form of the reviewer pages, sent wrong: the answer is 400 (200 for
the auth forms), each message sits next to the field it is about, and what
was typed comes back in the inputs. And sent right: the submit page saves
what was typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.models import Claim, ClaimSource, Event
from claims.workflow import change_status
from sources.models import Source
from tests.html_page import Page
from tests.pages import database_state, edit, submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return Event.objects.create_named("Offensive of 19 September")


def _killed(**bounds):
    return {"category": "killed", "population": "civilians", **bounds}


# (id, submission() arguments, input that carries the error, words of the message, inputs whose typed value must stay)
SUBMIT_MISTAKES = [
    (
        "low above high",
        {"figures": [_killed(qualifier="exact", low="30", high="12")]},
        "id_figures-0-high",
        "The high bound (12) is below the low bound (30).",
        {"id_figures-0-low": "30", "id_figures-0-high": "12", "id_figures-0-population": "civilians"},
    ),
    (
        "up to with a low bound",
        {"figures": [_killed(qualifier="up_to", low="5", high="20")]},
        "id_figures-0-low",
        "“Up to” takes only a high bound; leave the low bound empty.",
        {"id_figures-0-low": "5", "id_figures-0-high": "20", "id_figures-0-qualifier": "up_to"},
    ),
    (
        "missing source URL",
        {"sources": [{"url": "", "role": "repetition", "quoted_passage": "killed 12 people"}]},
        "id_sources-0-url",
        "This field is required.",
        {"id_sources-0-quoted_passage": "killed 12 people", "id_sources-0-role": "repetition"},
    ),
    (
        "invalid source URL",
        {"sources": [{"url": "not a web address", "role": "origin"}]},
        "id_sources-0-url",
        "Enter a valid URL.",
        {"id_sources-0-url": "not a web address"},
    ),
    (
        "presence ends before it starts",
        {
            "presences": [
                {
                    "force_name": "Azerbaijani army",
                    "place_name": "Lachin",
                    "presence": "present",
                    "period_start": "2023-09-20",
                    "period_end": "2023-09-19",
                }
            ]
        },
        "id_presences-0-period_end",
        "The end of the period (2023-09-19) is before its start (2023-09-20).",
        {
            "id_presences-0-force_name": "Azerbaijani army",
            "id_presences-0-period_start": "2023-09-20",
            "id_presences-0-period_end": "2023-09-19",
        },
    ),
]


@pytest.mark.parametrize(
    ("arguments", "input_id", "message", "typed"), [pytest.param(*case[1:], id=case[0]) for case in SUBMIT_MISTAKES]
)
def test_submit_mistake_is_shown_next_to_its_field(client, reviewer, arguments, input_id, message, typed):
    data = submission({"translation": "Twelve killed at the market"}, **arguments)
    client.force_login(reviewer)
    before = database_state()

    response = client.post(reverse("claims:claim_submit"), data)

    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors(input_id) == [message]
    typed = {**typed, "id_claim-text": data["claim-text"], "id_claim-translation": data["claim-translation"]}
    for typed_id, value in typed.items():
        assert page.value(typed_id) == value, typed_id
    assert database_state() == before


def test_submit_refuses_an_existing_and_a_new_event_at_once(client, reviewer, event):
    client.force_login(reviewer)
    before = database_state()

    response = client.post(
        reverse("claims:claim_submit"), submission({"event": event.pk, "new_event_name": "Another offensive"})
    )

    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors("id_claim-new_event_name") == ["Pick an existing event or name a new one, not both."]
    assert page.value("id_claim-new_event_name") == "Another offensive"
    assert page.value("id_claim-event") == str(event.pk)
    assert database_state() == before


def test_submit_saves_figures_and_links_known_sources(client, reviewer, claim_factory):
    known_url = "https://known.example.org/briefing"
    claim_factory(text="An earlier claim from the same briefing", sources=[known_url])
    known = Source.objects.get(url=known_url)
    data = submission(
        {"text": "Twelve civilians were killed and 30 injured at the market", "claimant_name": "Ministry of Health"},
        figures=[
            _killed(qualifier="at_least", low="12", high=""),
            {"category": "injured", "population": "all", "qualifier": "about", "low": "30", "high": ""},
        ],
        sources=[
            {"url": known_url, "role": "origin", "quoted_passage": "twelve civilians"},
            {"url": "https://new.example.org/market", "role": "repetition"},
        ],
    )
    client.force_login(reviewer)

    response = client.post(reverse("claims:claim_submit"), data)

    claim = Claim.objects.get(text=data["claim-text"])
    assert response.status_code == 302
    assert response["Location"] == claim.get_absolute_url()
    assert claim.submitter == reviewer
    assert claim.claimant.name == "Ministry of Health"
    figures = {(f.category, f.population, f.qualifier, f.low, f.high) for f in claim.casualty_figures.all()}
    assert figures == {("killed", "civilians", "at_least", 12, None), ("injured", "all", "about", 30, None)}
    links = {link.source.url: link for link in ClaimSource.objects.filter(claim=claim).select_related("source")}
    assert set(links) == {known_url, "https://new.example.org/market"}
    assert links[known_url].source == known, "a known URL links the existing source"
    assert links[known_url].quoted_passage == "twelve civilians"
    assert Source.objects.filter(url=known_url).count() == 1


def test_near_duplicate_is_pointed_out_and_saved_only_once_confirmed(client, reviewer, claim_factory):
    existing = claim_factory(text="Shelling of the central market in Stepanakert killed 12 people on Tuesday")
    data = submission({"text": "Shelling of the central market in Stepanakert killed 12 people on Tuesday."})
    client.force_login(reviewer)

    warned = client.post(reverse("claims:claim_submit"), data)

    assert warned.status_code == 400
    assert any("Similar claims already exist" in alert for alert in Page(warned).alerts())
    assert existing.get_absolute_url() in warned.content.decode()
    assert Page(warned).value("id_claim-text") == data["claim-text"]
    assert Claim.objects.count() == 1

    confirmed = client.post(reverse("claims:claim_submit"), {**data, "confirm_not_duplicate": "1"})

    assert confirmed.status_code == 302
    assert Claim.objects.filter(text=data["claim-text"]).exists()


def test_confirmed_submission_is_saved_without_looking_for_similar_claims_again(
    client, reviewer, claim_factory, monkeypatch
):
    """The reviewer saw the similar claims and confirmed: looking again (a
    second of the database's time on 100,000 claims) would show nothing."""
    claim_factory(text="Shelling of the central market in Stepanakert killed 12 people on Tuesday")
    data = submission({"text": "Shelling of the central market in Stepanakert killed 12 people on Tuesday."})
    client.force_login(reviewer)
    looked = []
    monkeypatch.setattr("claims.views.similar_claims", lambda text: looked.append(text) or [])

    confirmed = client.post(reverse("claims:claim_submit"), {**data, "confirm_not_duplicate": "1"})

    assert confirmed.status_code == 302
    assert looked == []


@pytest.fixture
def claim(claim_factory, other_reviewer):
    return claim_factory(submitter=other_reviewer, text="Azerbaijan shelled Stepanakert")


def test_evidence_needs_a_url_or_a_file(client, reviewer, claim):
    client.force_login(reviewer)
    before = database_state()

    response = client.post(
        reverse("claims:evidence_add", args=[claim.pk]), {"stance": "refutes", "note": "Seen on the evening news"}
    )

    assert response.status_code == 400
    page = Page(response)
    form_text = " ".join(page.enclosing("id_note", "form").text().split())
    assert "Give a source URL, a file, or both." in form_text
    assert page.value("id_note") == "Seen on the evening news"
    assert page.value("id_stance") == "refutes"
    assert database_state() == before


def test_evidence_refuses_a_disallowed_file_type(client, reviewer, claim):
    client.force_login(reviewer)
    before = database_state()
    upload = SimpleUploadedFile("payload.exe", b"MZ\x90\x00", content_type="application/octet-stream")

    response = client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"stance": "supports", "file": upload, "quoted_passage": "satellite image"},
    )

    assert response.status_code == 400
    page = Page(response)
    [error] = page.field_errors("id_file")
    assert error.startswith("payload.exe is not a type that can be attached.")
    assert page.value("id_quoted_passage") == "satellite image"
    assert page.value("id_stance") == "supports"
    assert database_state() == before


def test_verdict_without_rationale_is_refused_in_the_decision_form(client, editor, claim, other_reviewer):
    claim = change_status(claim, other_reviewer, ClaimStatus.IN_REVIEW, expected_version=1)
    client.force_login(editor)
    before = database_state()

    response = client.post(
        reverse("claims:claim_transition", args=[claim.pk]),
        {"target": ClaimStatus.SUPPORTED, "version": claim.version, "rationale": "  "},
    )

    assert response.status_code == 400
    page = Page(response)
    message = "Say why: “Publish verdict: supported” needs a rationale."
    assert message in page.enclosing("rationale", "form").text()
    assert page.by_id("transition-error").text() == message
    assert database_state() == before


def test_edit_mistakes_are_shown_next_to_their_fields(client, editor, claim, event):
    client.force_login(editor)
    before = database_state()
    data = edit(claim, text="", translation="A translation being typed", event=event.pk, new_event_name="Also new")

    response = client.post(reverse("claims:claim_edit", args=[claim.pk]), data)

    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors("id_claim-text") == ["This field is required."]
    assert page.field_errors("id_claim-new_event_name") == ["Pick an existing event or name a new one, not both."]
    assert page.value("id_claim-translation") == "A translation being typed"
    assert page.value("id_claim-new_event_name") == "Also new"
    assert page.value("id_claim-version") == str(claim.version)
    assert database_state() == before


def test_login_with_a_wrong_password_keeps_the_username(client, reviewer):
    response = client.post(reverse("login"), {"username": "reviewer", "password": "not the password"})

    assert response.status_code == 200
    page = Page(response)
    assert any("Please enter a correct username and password" in alert for alert in page.alerts())
    assert page.value("id_username") == "reviewer"
    assert page.value("id_password") == "", "a password is never sent back to the browser"
    assert "_auth_user_id" not in client.session


def test_login_without_a_password_says_so_next_to_it(client, reviewer):
    response = client.post(reverse("login"), {"username": "reviewer", "password": ""})

    assert response.status_code == 200
    page = Page(response)
    assert page.field_errors("id_password") == ["This field is required."]
    assert page.value("id_username") == "reviewer"


@pytest.mark.parametrize(
    ("old", "new1", "new2", "input_id", "message"),
    [
        ("wrong old password", "a new long passphrase", "a new long passphrase", "id_old_password", "incorrectly"),
        (None, "a new long passphrase", "a different passphrase", "id_new_password2", "didn’t match"),
    ],
    ids=["wrong old password", "new passwords differ"],
)
def test_password_change_mistakes(client, reviewer, old, new1, new2, input_id, message):
    client.force_login(reviewer)
    before = database_state()
    data = {"old_password": old or reviewer.raw_password, "new_password1": new1, "new_password2": new2}

    response = client.post(reverse("password_change"), data)

    assert response.status_code == 200
    page = Page(response)
    [error] = page.field_errors(input_id)
    assert message in error
    assert all(page.value(name) == "" for name in ("id_old_password", "id_new_password1", "id_new_password2"))
    assert database_state() == before
