"""Writes of the intelligence app: the suggested claims a reviewer kept,
created through ``claims.services`` like any other claim, the request to
fetch an article given by its URL (a check of its source, see
``articles.py``), and a reviewer's explanation of a contradiction flag.

Nothing here writes a row itself: ``submit_claim`` checks the permission,
validates, finds or creates the claimant, force and place by name, logs, and
links the source (asking for its check once the transaction commits).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.choices import LogAction
from claims.permissions import Action, require
from claims.services import SourceLinkData, required_note, submit_claim
from sources.models import Source
from sources.normalize import normalize_url
from sources.services import get_or_create_source, outlet_for_domain, request_check

from .extraction import Candidate
from .flags import log_on_both_claims
from .grading import grade_claims
from .models import ContradictionFlag, FlagStatus


def claim_values(candidate: Candidate) -> dict:
    """What ``submit_claim`` takes for ``candidate``, the reviewer's corrections included."""
    fields = {"text": candidate.sentence, "language": candidate.language, "kind": str(candidate.kind)}
    if candidate.claimant:
        fields["claimant_name"] = candidate.claimant
    return {
        "fields": fields,
        "figures": [figure.as_fields() for figure in candidate.figures],
        "presences": [
            {"force_name": presence.force, "place_name": presence.place, "presence": str(presence.presence)}
            for presence in candidate.presences
        ],
    }


@transaction.atomic
def create_suggested_claims(
    user, article_url: str, kept_candidates: list[Candidate], *, event_name: str = "", stated_on=None
):
    """Create one claim per kept candidate, all or none, each linked to the
    article at ``article_url`` (one source) with its sentence as the quoted
    passage, in the event ``event_name`` and stated on ``stated_on`` (the
    article's date) when they are given.

    Raises ``PermissionDenied`` or ``ValidationError`` (naming the field) and
    creates nothing if any candidate cannot be filed. Returns the claims in
    the order of ``kept_candidates``."""
    return create_reviewed_claims(
        user,
        article_url,
        [claim_values(candidate) for candidate in kept_candidates],
        event_name=event_name,
        stated_on=stated_on,
    )


@transaction.atomic
def create_reviewed_claims(user, article_url: str, reviewed: list[dict], *, event_name: str = "", stated_on=None):
    """As ``create_suggested_claims``, from what ``submit_claim`` takes
    (``claim_values``' shape, as the ingest page's reviewer corrected it)."""
    claims = []
    for values in reviewed:
        fields = dict(values["fields"])
        if event_name:
            fields["event_name"] = event_name
        if stated_on:
            fields["stated_on"] = stated_on
        link = SourceLinkData(url=article_url, quoted_passage=fields["text"])
        claims.append(
            submit_claim(user, fields=fields, figures=values["figures"], presences=values["presences"], sources=[link])
        )
    return claims


@transaction.atomic
def request_article(user, url: str) -> Source:
    """Ask for the article at ``url`` to be fetched, archived and read: a
    check of its source (created if new), which a worker runs once this
    transaction commits; ``articles.fetched_article`` follows it. The claims
    kept from it are linked to this source.

    Raises ``PermissionDenied``, or ``ValidationError`` (on ``url``) for an
    address that cannot be a source; an address the fetcher refuses or
    cannot reach is a failed check, recorded in the source's history."""
    require(user, Action.SUBMIT_CLAIM)
    try:
        normalize_url(url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages}) from error
    source, _created = get_or_create_source(url, user=user, outlet=outlet_for_domain(url))
    request_check(source)
    return source


@transaction.atomic
def explain_flag(flag: ContradictionFlag, user, *, note: str) -> ContradictionFlag:
    """Mark the open ``flag`` explained by ``user``, saying why the two
    claims may both stand (``note``, required); both claims' logs record it.

    Raises ``PermissionDenied`` when the flag is not open or the user may not,
    ``ValidationError`` (on ``note``) when the note is empty or too long."""
    locked = ContradictionFlag.objects.select_for_update().select_related("first_claim", "second_claim").get(pk=flag.pk)
    require(user, Action.EXPLAIN_FLAG, locked)
    note = required_note(note, if_empty=_("Say why both claims may stand."))
    locked.status, locked.note, locked.explained_by, locked.explained_at = (
        FlagStatus.EXPLAINED,
        note,
        user,
        timezone.now(),
    )
    locked.save(update_fields=["status", "note", "explained_by", "explained_at", "updated_at"])
    log_on_both_claims(locked, user, LogAction.CONTRADICTION_EXPLAINED, note=note)
    grade_claims([locked.first_claim_id, locked.second_claim_id])  # an explained flag contests neither
    return locked
