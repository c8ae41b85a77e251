"""Where claims are published, and the history of checking those pages.

An ``Outlet`` is who publishes (a newspaper, a wire agency, a ministry's
channel); a ``Source`` is one page, identified by its normalised URL; each
``SourceCheck`` is one fetch of that page, kept forever as history.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.append_only import AppendOnlyModel

from .choices import CheckOutcome, OutletKind, Reliability, SourceHealth
from .normalize import MAX_URL_LENGTH, normalize_url


class Outlet(models.Model):
    """A publisher. Wire agencies are outlets too, so that copies of one wire
    story can later be counted once."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OutletKind.choices, default=OutletKind.NEWS)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code"))
    # The outlet's current rating, which its sources not rated on their own
    # take (``Source.rated_reliability``). Written only by
    # ``sources.services.rate_outlet``, which logs each change in ``OutletRating``.
    reliability = models.CharField(_("reliability"), max_length=1, choices=Reliability.choices, default=Reliability.F)
    reliability_reason = models.TextField(_("why this rating"), blank=True)
    reliability_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reliability_set_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")

    def __str__(self):
        return self.name


class OutletRating(AppendOnlyModel):
    """One rating given to an outlet, appended and never edited: who judged
    it, what, why and when, so that a rating changed later still shows the
    ones before it."""

    outlet = models.ForeignKey(Outlet, verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="ratings")
    reliability = models.CharField(_("reliability"), max_length=1, choices=Reliability.choices)
    reason = models.TextField(_("why this rating"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("rated at"), db_index=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("outlet rating")
        verbose_name_plural = _("outlet ratings")

    def __str__(self):
        return f"{self.outlet_id} {self.reliability} by {self.set_by_id} at {self.set_at:%Y-%m-%d %H:%M}"


class SourceQuerySet(models.QuerySet):
    def due_for_check(self, now):
        """Sources whose scheduled re-check time has come."""
        return self.filter(next_check_at__lte=now)

    def with_outlets(self):
        return self.select_related("outlet", "via_agency", "latest_check")

    def oldest_waiting_request(self):
        """When the oldest check request still waiting for its check was made
        (``None`` if none waits): one lookup in a partial index."""
        waiting = self.filter(check_waiting_since__isnull=False).order_by("check_waiting_since")
        return waiting.values_list("check_waiting_since", flat=True).first()


class Source(models.Model):
    """One published page, unique by its normalised URL."""

    url = models.URLField(_("URL"), max_length=MAX_URL_LENGTH, unique=True)
    submitted_url = models.URLField(_("URL as first submitted"), max_length=MAX_URL_LENGTH, blank=True)
    outlet = models.ForeignKey(
        Outlet, verbose_name=_("outlet"), null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    via_agency = models.ForeignKey(
        Outlet,
        verbose_name=_("via wire agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relayed_sources",
        help_text=_("The wire agency the story came through, if any."),
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    reliability = models.CharField(_("reliability"), max_length=1, choices=Reliability.choices, default=Reliability.F)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Check bookkeeping. ``check_requested_at`` is written before a check is
    # queued, so a sweep can find requests that never reached a worker.
    check_requested_at = models.DateTimeField(_("check requested at"), null=True, blank=True, db_index=True)
    # ``check_requested_at`` while no check has answered that request, then
    # empty; indexed only where set, so that the oldest waiting request
    # (``/health/ready``) is found without reading every source.
    check_waiting_since = models.DateTimeField(_("check waiting since"), null=True, blank=True, editable=False)
    next_check_at = models.DateTimeField(_("next scheduled check"), null=True, blank=True, db_index=True)
    check_interval = models.DurationField(_("re-check interval"), null=True, blank=True)
    latest_check = models.ForeignKey("SourceCheck", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    health = models.CharField(
        _("health"), max_length=16, choices=SourceHealth.choices, default=SourceHealth.PENDING, db_index=True
    )
    content_changed_at = models.DateTimeField(_("content changed at"), null=True, blank=True)
    # Checks in a row that failed or were deferred: the next is tried after a wait that doubles with each.
    failures_in_a_row = models.PositiveIntegerField(_("failed checks in a row"), default=0, editable=False)
    gone_at = models.DateTimeField(_("went away at"), null=True, blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        indexes = [
            models.Index(
                fields=["check_waiting_since"],
                condition=models.Q(check_waiting_since__isnull=False),
                name="source_check_waiting",
            ),
        ]

    def __str__(self):
        return self.title or self.url

    def save(self, *args, **kwargs):
        self.url = normalize_url(self.url)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sources:source_detail", args=[self.pk])

    @property
    def rated_reliability(self) -> str:
        """The reliability this page is shown and graded with: its own rating
        where someone rated it, else its outlet's (F for a page of no known
        outlet). Reads ``outlet``, so lists select it (``with_outlets``)."""
        if self.reliability != Reliability.F or self.outlet_id is None:
            return self.reliability
        return self.outlet.reliability

    def get_rated_reliability_display(self) -> str:
        return Reliability(self.rated_reliability).label

    @property
    def reliability_from_outlet(self) -> bool:
        """Whether the rating shown is the outlet's, the page having none of its own."""
        return self.reliability == Reliability.F and self.rated_reliability != Reliability.F

    @property
    def check_pending(self) -> bool:
        """Whether a check was asked for and has not completed yet."""
        if self.check_requested_at is None:
            return False
        latest = self.latest_check
        return latest is None or latest.requested_at < self.check_requested_at


class StoredTextManager(models.Manager):
    def for_text(self, text: str) -> "StoredText":
        """The stored copy of ``text``, stored now if it is new."""
        return self.get_or_create(sha256=StoredText.digest(text), defaults={"text": text})[0]


class StoredText(models.Model):
    """A page's main text, stored once however many checks, of however many
    sources, read it: a re-check of an unchanged page points at the text it
    saw instead of holding a copy. Known by the SHA-256 of its UTF-8 form."""

    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, unique=True)
    text = models.TextField(_("main text"), blank=True)

    objects = StoredTextManager()

    class Meta:
        verbose_name = _("stored text")
        verbose_name_plural = _("stored texts")

    def __str__(self):
        return self.sha256

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class SourceCheckQuerySet(models.QuerySet):
    def good(self):
        """Checks that brought a page back (ok or redirected): what a source's
        text, and any change of it, is read from."""
        return self.filter(outcome__in=CheckOutcome.successes())


class SourceCheck(models.Model):
    """One fetch of a source: what came back, and what it meant."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="checks")
    requested_at = models.DateTimeField(
        _("requested at"), help_text=_("The request this check answers; one completed check per request.")
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Until when the worker that started the check holds it: renewed while the check
    # runs (``sources.checking``), so that a check whose worker died is taken over soon.
    lease_expires_at = models.DateTimeField(_("held by its worker until"), null=True, blank=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=24, choices=CheckOutcome.choices, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final URL"), max_length=MAX_URL_LENGTH, blank=True)
    redirect_chain = models.JSONField(_("redirect chain"), default=list, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    bytes = models.PositiveBigIntegerField(_("bytes"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the body"), max_length=64, blank=True)
    # The validators the page came with (carried on by a 304), asked with by the next check.
    etag = models.CharField(_("ETag"), max_length=256, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=64, blank=True)
    title = models.CharField(_("page title"), max_length=500, blank=True)
    # The page's main text, shared with every check that read the same text.
    stored_text = models.ForeignKey(
        StoredText, verbose_name=_("main text"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.TextField(_("error"), blank=True)
    content_changed = models.BooleanField(_("content changed since last good check"), default=False)
    went_away = models.BooleanField(_("page went away"), default=False)
    retry_at = models.DateTimeField(
        _("asked to come back at"), null=True, blank=True, help_text=_("When a deferred check is to be tried again.")
    )
    warc = models.FileField(_("WARC archive"), upload_to="warc/%Y/%m/", blank=True)
    warc_sha256 = models.CharField(_("SHA-256 of the WARC file"), max_length=64, blank=True)
    # Where this check's records lie in ``warc`` when the file holds a whole
    # batch's revisit records (``sources.archive.store_records``); empty when
    # the file is this check's alone. ``warc_sha256`` is then that of its part.
    warc_offset = models.PositiveBigIntegerField(_("offset in the WARC file"), null=True, blank=True, editable=False)
    warc_length = models.PositiveIntegerField(_("length in the WARC file"), null=True, blank=True, editable=False)

    objects = SourceCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"
        verbose_name = _("source check")
        verbose_name_plural = _("source checks")
        constraints = [
            models.UniqueConstraint(fields=["source", "requested_at"], name="one_check_per_request"),
        ]
        indexes = [
            # /metrics and the stats page count completed checks by outcome, in all and
            # in the last hour, from this index alone (operations/metrics.py).
            models.Index(fields=["finished_at", "outcome"], name="sourcecheck_finished_outcome"),
            # The beat finds running checks whose worker stopped renewing their lease.
            models.Index(
                fields=["lease_expires_at"],
                condition=models.Q(finished_at__isnull=True),
                name="sourcecheck_running_lease",
            ),
        ]

    def __str__(self):
        return f"{self.source_id} @ {self.started_at:%Y-%m-%d %H:%M} ({self.outcome or 'running'})"

    @staticmethod
    def load_texts(checks) -> None:
        """Read the texts of ``checks`` that do not hold theirs yet, in one query."""
        missing = [check for check in checks if check.stored_text_id and not SourceCheck.stored_text.is_cached(check)]
        if missing:
            texts = StoredText.objects.in_bulk({check.stored_text_id for check in missing})
            for check in missing:
                check.stored_text = texts[check.stored_text_id]

    def archive_bytes(self) -> bytes:
        """This check's WARC records as stored (gzipped): its file, or its part
        of the file it shares with its batch; ``b""`` if it has none."""
        if not self.warc:
            return b""
        with self.warc.open("rb") as file:
            if self.warc_offset is None:
                return file.read()
            file.seek(self.warc_offset)
            return file.read(self.warc_length)

    @property
    def text(self) -> str:
        """The page's main text as this check saw it ("" when it saw no page)."""
        return self.stored_text.text if self.stored_text_id else ""

    @property
    def is_success(self):
        return self.outcome in CheckOutcome.successes()

    def previous_good(self) -> "SourceCheck | None":
        """The source's last good check finished before this one: what a
        change of text is measured against."""
        earlier = SourceCheck.objects.good().filter(source_id=self.source_id, finished_at__lt=self.finished_at)
        return earlier.order_by("-finished_at").first()
