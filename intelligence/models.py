"""What intelligence keeps of its own: each source's fingerprint, from which
the sources carrying the same report are grouped (``independence``), and
contradiction flags between two claims.

A flag is written by ``intelligence.flags`` when the claims are written
(never when a page is read) and never deleted: when an edit removes the
conflict, its flag is marked ``resolved``; when the conflict comes back,
the same flag opens again. A reviewer marks a flag ``explained`` with a note
("the second figure counts only the town").
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.choices import CasualtyCategory, Population
from claims.models import NOTE_MAX_LENGTH, Claim, Event, bounded_text
from sources.models import Source, StoredText

from .contradictions import ConflictKind


class SourceFingerprint(models.Model):
    """A source's text as far as independence needs it: the wire agency it
    credits and the group of sources carrying the same report, computed from
    the text of its last good check (``stored_text``) and recomputed when a
    check reads a different text (``grouping``)."""

    source = models.OneToOneField(Source, primary_key=True, on_delete=models.PROTECT, related_name="fingerprint")
    stored_text = models.ForeignKey(StoredText, null=True, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(_("wire agency credited"), max_length=100, blank=True)
    # The smallest source id in the group; a source alone is its own group.
    group = models.PositiveBigIntegerField(_("group of copies"), db_index=True)

    class Meta:
        verbose_name = _("source fingerprint")
        verbose_name_plural = _("source fingerprints")

    def __str__(self):
        return f"{self.source_id} in {self.group}"


class FingerprintBand(models.Model):
    """One LSH band key of a source's text (``independence.band_keys``):
    sources sharing a key are candidate copies of each other, found by an
    index lookup instead of comparing every text."""

    fingerprint = models.ForeignKey(SourceFingerprint, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("fingerprint band")
        verbose_name_plural = _("fingerprint bands")

    def __str__(self):
        return f"{self.fingerprint_id}: {self.key}"


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    EXPLAINED = "explained", _("Explained")
    RESOLVED = "resolved", _("No longer contradictory")


class FlagKind(models.TextChoices):
    FIGURES = ConflictKind.FIGURES, _("Casualty figures")
    PRESENCE = ConflictKind.PRESENCE, _("Troop presence")


class ContradictionFlag(models.Model):
    """Two claims of one event that cannot both be true, and why."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="contradiction_flags")
    first_claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")
    second_claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=FlagKind.choices)
    key = models.CharField(max_length=200, editable=False)
    details = models.JSONField(default=dict, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    note = bounded_text(_("note"), NOTE_MAX_LENGTH, blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contradiction flag")
        verbose_name_plural = _("contradiction flags")
        constraints = [
            models.UniqueConstraint(fields=["first_claim", "second_claim", "key"], name="unique_contradiction"),
            models.CheckConstraint(condition=models.Q(first_claim__lt=models.F("second_claim")), name="claims_ordered"),
        ]
        indexes = [models.Index(fields=["status"], name="contradiction_status")]

    def __str__(self):
        return f"#{self.first_claim_id} ↔ #{self.second_claim_id}: {self.reason}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Contradiction flags are never deleted; they are explained or resolved.")

    @property
    def reason(self) -> str:
        """Why the two claims cannot both be true, in words of the reader's language."""
        details = self.details
        if self.kind == FlagKind.FIGURES:
            higher, lower = details["higher"], details["lower"]
            return _(
                "%(category)s (%(population)s): claim #%(high_claim)s says %(high)s as of %(high_on)s, "
                "claim #%(low_claim)s says %(low)s as of %(low_on)s; both cannot be true."
            ) % {
                "category": CasualtyCategory(details["category"]).label,
                "population": Population(details["population"]).label,
                "high_claim": higher["claim"],
                "high": higher["figure"],
                "high_on": higher["as_of"] or "?",
                "low_claim": lower["claim"],
                "low": lower["figure"],
                "low_on": lower["as_of"] or "?",
            }
        absent, present = details["absent"], details["present"]
        return _(
            "%(force)s: absent from %(absent_place)s (claim #%(absent_claim)s, %(absent_from)s to %(absent_until)s) "
            "and present at %(present_place)s (claim #%(present_claim)s, %(present_from)s to %(present_until)s)."
        ) % {
            "force": details["force"],
            "absent_place": details["absent_place"],
            "present_place": details["present_place"],
            "absent_claim": absent["claim"],
            "absent_from": absent["from"],
            "absent_until": absent["until"],
            "present_claim": present["claim"],
            "present_from": present["from"],
            "present_until": present["until"],
        }

    @property
    def is_open(self) -> bool:
        return self.status == FlagStatus.OPEN

    def other_claim_id(self, claim_id: int) -> int:
        return self.second_claim_id if claim_id == self.first_claim_id else self.first_claim_id
