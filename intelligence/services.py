"""Writes of the intelligence app: the suggested claims a reviewer kept,
created through ``claims.services`` like any other claim.

Nothing here writes a row itself: ``submit_claim`` checks the permission,
validates, finds or creates the claimant, force and place by name, logs, and
links the source (asking for its check once the transaction commits).
"""

from django.db import transaction

from claims.services import SourceLinkData, submit_claim

from .extraction import Candidate


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
def create_suggested_claims(user, article_url: str, kept_candidates: list[Candidate], *, event_name: str = ""):
    """Create one claim per kept candidate, all or none, each linked to the
    article at ``article_url`` (one source) with its sentence as the quoted
    passage, and in the event ``event_name`` if one is given.

    Raises ``PermissionDenied`` or ``ValidationError`` (naming the field) and
    creates nothing if any candidate cannot be filed. Returns the claims in
    the order of ``kept_candidates``."""
    claims = []
    for candidate in kept_candidates:
        values = claim_values(candidate)
        if event_name:
            values["fields"]["event_name"] = event_name
        link = SourceLinkData(url=article_url, quoted_passage=candidate.sentence)
        claims.append(submit_claim(user, sources=[link], **values))
    return claims
