"""What intelligence keeps of its own: each source's fingerprint, from which
the sources carrying the same report are grouped (``independence``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sources.models import Source, StoredText


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
