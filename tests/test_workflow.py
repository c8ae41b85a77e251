"""The verification workflow: every allowed move, and a refusal per rule."""

import datetime as dt

import pytest

from claims.choices import ClaimKind, ClaimStatus, LogAction
from claims.exceptions import StaleVersion, TransitionRefused
from claims.models import Actor, ClaimLogEntry, Event, Place, Verdict
from claims.services import SourceLinkData, edit_claim, link_source
from claims.workflow import TRANSITIONS, allowed_transitions, change_status

pytestmark = pytest.mark.django_db

VERDICTS = list(ClaimStatus.verdicts())


def move(claim, user, target, rationale="Checked against two independent sources."):
    return change_status(claim, user, target, rationale=rationale, expected_version=claim.version)


def test_reviewer_starts_review(claim_factory, reviewer):
    claim = claim_factory()
    claim = move(claim, reviewer, ClaimStatus.IN_REVIEW, rationale="")
    assert claim.status == ClaimStatus.IN_REVIEW
    assert claim.version == 2


@pytest.mark.parametrize("verdict", VERDICTS)
def test_editor_who_did_not_submit_publishes_each_verdict(claim_factory, reviewer, editor, verdict):
    claim = move(claim_factory(), reviewer, ClaimStatus.IN_REVIEW, rationale="")
    claim = move(claim, editor, verdict)
    assert claim.status == verdict
    published = Verdict.objects.get(claim=claim)
    assert (published.rating, published.published_by, published.superseded_at) == (verdict, editor, None)


def test_admin_publishes_a_verdict(claim_factory, reviewer, admin_user):
    claim = move(claim_factory(), reviewer, ClaimStatus.IN_REVIEW, rationale="")
    assert move(claim, admin_user, ClaimStatus.REFUTED).status == ClaimStatus.REFUTED


def test_reopening_supersedes_the_verdict_and_keeps_it(claim_factory, reviewer, editor, other_editor):
    claim = move(claim_factory(), reviewer, ClaimStatus.IN_REVIEW, rationale="")
    claim = move(claim, editor, ClaimStatus.SUPPORTED)
    claim = move(claim, other_editor, ClaimStatus.IN_REVIEW, rationale="New footage contradicts it.")
    claim = move(claim, editor, ClaimStatus.REFUTED)
    ratings = list(Verdict.objects.filter(claim=claim).order_by("published_at").values_list("rating", flat=True))
    assert ratings == [ClaimStatus.SUPPORTED, ClaimStatus.REFUTED]
    assert claim.current_verdict.rating == ClaimStatus.REFUTED
    assert Verdict.objects.get(rating=ClaimStatus.SUPPORTED).superseded_at is not None


def test_submitter_withdraws_own_claim_and_editor_restores_it(claim_factory, reviewer, editor):
    claim = move(claim_factory(), reviewer, ClaimStatus.WITHDRAWN, rationale="Duplicate of another claim.")
    assert claim.status == ClaimStatus.WITHDRAWN
    claim = move(claim, editor, ClaimStatus.UNVERIFIED, rationale="Not a duplicate after all.")
    assert claim.status == ClaimStatus.UNVERIFIED


def test_every_transition_is_logged_with_who_from_to_and_why(claim_factory, reviewer, editor):
    claim = move(claim_factory(), reviewer, ClaimStatus.IN_REVIEW, rationale="")
    claim = move(claim, editor, ClaimStatus.DISPUTED, rationale="Figures differ by party.")
    entries = ClaimLogEntry.objects.filter(claim=claim, action=LogAction.STATUS_CHANGED)
    assert [(e.actor, e.from_status, e.to_status, e.rationale, e.claim_version) for e in entries] == [
        (reviewer, ClaimStatus.UNVERIFIED, ClaimStatus.IN_REVIEW, "", 2),
        (editor, ClaimStatus.IN_REVIEW, ClaimStatus.DISPUTED, "Figures differ by party.", 3),
    ]


def test_reviewer_may_not_publish_a_verdict(claim_factory, reviewer, other_reviewer):
    claim = move(claim_factory(submitter=other_reviewer), reviewer, ClaimStatus.IN_REVIEW, rationale="")
    with pytest.raises(TransitionRefused) as refused:
        move(claim, reviewer, ClaimStatus.SUPPORTED)
    assert refused.value.code == "role"


def test_submitter_cannot_publish_own_verdict(claim_factory, editor):
    claim = move(claim_factory(submitter=editor), editor, ClaimStatus.IN_REVIEW, rationale="")
    with pytest.raises(TransitionRefused) as refused:
        move(claim, editor, ClaimStatus.SUPPORTED)
    assert refused.value.code == "two_person"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


@pytest.mark.parametrize("rationale", ["", "   "])
def test_verdict_needs_a_rationale(claim_factory, reviewer, editor, rationale):
    claim = move(claim_factory(), reviewer, ClaimStatus.IN_REVIEW, rationale="")
    with pytest.raises(TransitionRefused) as refused:
        move(claim, editor, ClaimStatus.REFUTED, rationale=rationale)
    assert (refused.value.code, refused.value.field) == ("rationale_required", "rationale")
    assert not Verdict.objects.exists()


def test_stale_version_is_refused(claim_factory, reviewer, editor):
    claim = claim_factory()
    stale_version = claim.version
    move(claim, reviewer, ClaimStatus.IN_REVIEW, rationale="")
    with pytest.raises(StaleVersion) as stale:
        change_status(claim, editor, ClaimStatus.REFUTED, rationale="Late.", expected_version=stale_version)
    assert (stale.value.expected, stale.value.current) == (1, 2)


def test_a_move_outside_the_table_is_refused(claim_factory, editor):
    claim = claim_factory()
    with pytest.raises(TransitionRefused) as refused:
        move(claim, editor, ClaimStatus.SUPPORTED)
    assert refused.value.code == "not_allowed"


def test_a_user_without_a_role_may_do_nothing(claim_factory, outsider):
    claim = claim_factory()
    assert allowed_transitions(claim, outsider) == []
    with pytest.raises(TransitionRefused):
        move(claim, outsider, ClaimStatus.IN_REVIEW, rationale="")


def test_reviewer_may_not_withdraw_someone_elses_claim(claim_factory, reviewer, other_reviewer):
    claim = claim_factory(submitter=other_reviewer)
    with pytest.raises(TransitionRefused):
        move(claim, reviewer, ClaimStatus.WITHDRAWN, rationale="Looks wrong.")


def test_reviewer_may_not_reopen_a_verdict(claim_factory, reviewer, editor):
    claim = move(claim_factory(), reviewer, ClaimStatus.IN_REVIEW, rationale="")
    claim = move(claim, editor, ClaimStatus.SUPPORTED)
    with pytest.raises(TransitionRefused):
        move(claim, reviewer, ClaimStatus.IN_REVIEW, rationale="I disagree.")


def test_allowed_transitions_lists_what_the_table_allows(claim_factory, reviewer, editor):
    claim = move(claim_factory(), reviewer, ClaimStatus.IN_REVIEW, rationale="")
    editor_moves = {rule.target for rule in allowed_transitions(claim, editor)}
    assert editor_moves == {*VERDICTS, ClaimStatus.WITHDRAWN}
    assert {rule.target for rule in allowed_transitions(claim, reviewer)} == {ClaimStatus.WITHDRAWN}


def test_table_names_are_unique():
    names = [rule.name for rule in TRANSITIONS]
    assert len(names) == len(set(names))


# The two-person rule reaches whoever wrote what is published: an editor who
# changed a claim's substance cannot publish its verdict alone.


def _mines_claim(claim_factory, reviewer):
    claim = claim_factory(
        text="6 killed by mines, 4 soldiers and 2 civilians",
        kind=ClaimKind.CASUALTY_FIGURE,
        figures=[{"category": "killed", "qualifier": "exact", "low": 6}],
    )
    return move(claim, reviewer, ClaimStatus.IN_REVIEW, rationale="")


def test_editor_who_rewrote_the_text_in_review_cannot_publish(claim_factory, reviewer, editor, other_editor):
    claim = _mines_claim(claim_factory, reviewer)
    claim = edit_claim(claim, editor, expected_version=claim.version, fields={"text": "600 killed by shelling"})
    assert ClaimStatus.SUPPORTED not in {rule.target for rule in allowed_transitions(claim, editor)}
    with pytest.raises(TransitionRefused) as refused:
        move(claim, editor, ClaimStatus.SUPPORTED)
    assert refused.value.code == "two_person"
    claim.refresh_from_db()
    assert (claim.status, Verdict.objects.count()) == (ClaimStatus.IN_REVIEW, 0)
    assert move(claim, other_editor, ClaimStatus.REFUTED).status == ClaimStatus.REFUTED


def _army_on_the_hill():
    return {
        "force": Actor.objects.create(name="Army"),
        "place": Place.objects.create(name="Hill"),
        "presence": "present",
    }


@pytest.mark.parametrize(
    "change",
    [
        lambda: {"figures": [{"category": "killed", "qualifier": "exact", "low": 600}]},
        lambda: {"presences": [_army_on_the_hill()]},
        lambda: {"fields": {"translation": "600 killed by shelling"}},
        lambda: {"fields": {"stated_on": dt.date(2020, 10, 1)}},
    ],
    ids=["figures", "presences", "translation", "stated_on"],
)
def test_editor_who_changed_any_substance_in_review_cannot_publish(claim_factory, reviewer, editor, change):
    claim = _mines_claim(claim_factory, reviewer)
    claim = edit_claim(claim, editor, expected_version=claim.version, **{"fields": {}, **change()})
    with pytest.raises(TransitionRefused) as refused:
        move(claim, editor, ClaimStatus.SUPPORTED)
    assert refused.value.code == "two_person"


def test_editor_who_linked_a_source_in_review_cannot_publish(claim_factory, reviewer, editor):
    claim = _mines_claim(claim_factory, reviewer)
    link_source(claim, editor, SourceLinkData(url="https://news.example/600-killed"))
    with pytest.raises(TransitionRefused) as refused:
        move(claim, editor, ClaimStatus.SUPPORTED)
    assert refused.value.code == "two_person"


def test_editor_who_rewrote_it_before_review_began_cannot_publish(claim_factory, reviewer, editor):
    """Editing while the claim waits, then letting someone else start the
    review, is no way round the rule: what the editor wrote is still what
    would be published."""
    claim = claim_factory(text="6 killed by mines")
    claim = edit_claim(claim, editor, expected_version=claim.version, fields={"text": "600 killed by shelling"})
    claim = move(claim, reviewer, ClaimStatus.IN_REVIEW, rationale="")
    with pytest.raises(TransitionRefused) as refused:
        move(claim, editor, ClaimStatus.SUPPORTED)
    assert refused.value.code == "two_person"


def test_refiling_a_claim_under_an_event_is_not_a_change_of_substance(claim_factory, reviewer, editor):
    claim = _mines_claim(claim_factory, reviewer)
    event = Event.objects.create_named("Shelling of the border villages")
    claim = edit_claim(
        claim, editor, expected_version=claim.version, fields={"event": event, "kind": ClaimKind.STATEMENT}
    )
    assert move(claim, editor, ClaimStatus.SUPPORTED).status == ClaimStatus.SUPPORTED


def test_an_edit_already_judged_by_another_editor_does_not_bar_the_next_verdict(
    claim_factory, reviewer, editor, other_editor
):
    claim = _mines_claim(claim_factory, reviewer)
    claim = edit_claim(claim, editor, expected_version=claim.version, fields={"text": "6 killed by a mine"})
    claim = move(claim, other_editor, ClaimStatus.SUPPORTED)
    claim = move(claim, other_editor, ClaimStatus.IN_REVIEW, rationale="A second ministry statement.")
    assert move(claim, editor, ClaimStatus.DISPUTED).status == ClaimStatus.DISPUTED
