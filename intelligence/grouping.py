"""Keeping the groups of copies (``models.SourceFingerprint``) up to date as
checks read new texts; the grouping itself is ``independence``'s.

A group is a connected set: sources linked by near-duplicate texts, directly
or through others. When a source's text changes, its group is recomputed
together with every source it may now be linked to (those sharing an LSH
band key with its new text) and every member of the groups involved, which
are closed sets: any link of a member to a source outside would already
have put that source in the group. So the recomputed groups are exactly
what grouping every text at once would give, at the cost of a few small
groups instead of all texts.

Wire agencies are not grouped here: that two sources of one claim credit
the same agency makes them one report for that claim (``grading``), while
two Reuters stories on different days are not copies of each other.
"""

from django.db.models import Q

from sources.models import Source, SourceCheck, StoredText

from .independence import Report, agency_name, group_copies, report_for, shingles
from .models import FingerprintBand, SourceFingerprint


def refresh_fingerprints(checks: list[SourceCheck]) -> set[int]:
    """Fingerprint the sources whose good check in ``checks`` read a text
    other than the one they were fingerprinted from, and regroup them.
    Returns the ids of the sources whose group may have changed."""
    good = {check.source_id: check for check in checks if check.is_success and check.stored_text_id}
    known = SourceFingerprint.objects.in_bulk(list(good))
    changed = [
        check
        for source_id, check in good.items()
        if getattr(known.get(source_id), "stored_text_id", None) != check.stored_text_id
    ]
    if not changed:
        return set()
    SourceCheck.load_texts(changed)
    via = dict(
        Source.objects.filter(pk__in=[check.source_id for check in changed]).values_list("pk", "via_agency__name")
    )
    fingerprints, bands = [], []
    for check in changed:
        report = report_for(check.source_id, check.text, via.get(check.source_id) or "")
        fingerprint = known.get(check.source_id) or SourceFingerprint(source_id=check.source_id, group=check.source_id)
        fingerprint.stored_text_id, fingerprint.agency = check.stored_text_id, report.agency
        fingerprints.append(fingerprint)
        bands += [FingerprintBand(fingerprint_id=check.source_id, key=key) for key in report.bands]
    SourceFingerprint.objects.bulk_create(
        fingerprints, update_conflicts=True, unique_fields=["source"], update_fields=["stored_text", "agency"]
    )
    FingerprintBand.objects.filter(fingerprint_id__in=[f.source_id for f in fingerprints]).delete()
    FingerprintBand.objects.bulk_create(bands)
    return regroup({f.source_id for f in fingerprints})


def regroup(source_ids: set[int]) -> set[int]:
    """Recompute the groups of ``source_ids`` with every source they may be
    linked to and every member of the groups involved; returns the ids of
    the sources considered."""
    keys = FingerprintBand.objects.filter(fingerprint_id__in=source_ids).values("key")
    candidates = FingerprintBand.objects.filter(key__in=keys).values("fingerprint_id")
    near = SourceFingerprint.objects.filter(Q(pk__in=source_ids) | Q(pk__in=candidates))
    members = list(SourceFingerprint.objects.filter(Q(pk__in=near.values("pk")) | Q(group__in=near.values("group"))))
    texts = dict(StoredText.objects.filter(pk__in={m.stored_text_id for m in members}).values_list("pk", "text"))
    band_rows = FingerprintBand.objects.filter(fingerprint_id__in=[m.pk for m in members]).values_list(
        "fingerprint_id", "key"
    )
    reports = {m.pk: Report(id=m.pk, shingles=shingles(texts.get(m.stored_text_id, ""))) for m in members}
    for source_id, key in band_rows:
        reports[source_id].bands.append(key)
    groups = group_copies(reports.values())
    moved = [m for m in members if m.group != groups[m.pk]]
    for member in moved:
        member.group = groups[member.pk]
    SourceFingerprint.objects.bulk_update(moved, ["group"])
    return set(reports)


def agency_of(source: Source) -> str:
    """The wire agency ``source`` came through: its ``via_agency``, else
    the credit its fingerprinted text gives ("" if neither)."""
    if source.via_agency_id:
        return agency_name(source.via_agency.name)
    fingerprint = getattr(source, "fingerprint", None)
    return fingerprint.agency if fingerprint else ""
