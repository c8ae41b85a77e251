"""The claim domain: what is claimed, who claims it, where it was published,
and what the evidence says.

Nothing here is hard-deleted: claims, links and evidence are withdrawn, and
every change to a claim appends a ``ClaimLogEntry`` that no one can edit.
Status changes go through ``claims.workflow``; writes that touch several
rows go through ``claims.services``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sources.changes import rewritten_paragraph
from sources.models import Source, SourceCheck
from tracker.append_only import AppendOnlyModel

from .choices import (
    ActorKind,
    BoundQualifier,
    CasualtyCategory,
    ClaimKind,
    ClaimStatus,
    EvidenceGrade,
    JobKind,
    JobStatus,
    Language,
    LogAction,
    PlacePrecision,
    Population,
    Presence,
    QuoteMatch,
    SourceRole,
    Stance,
    TimePrecision,
    Vanished,
    VerdictEnd,
)
from .names import name_key
from .search import search_tokens
from .uploads import validate_evidence_file

# The longest texts people may write. A claim is a statement as the news
# carries it, a paragraph or two (the sample's run to 110 characters); its
# English translation may take three times the characters of Chinese. Longer
# text is refused on the pages, in the API and in imports alike, so that no
# one can store, and have served to every reader, a text of megabytes.
CLAIM_TEXT_MAX_LENGTH = 5_000
TRANSLATION_MAX_LENGTH = 15_000
QUOTE_MAX_LENGTH = 5_000
NOTE_MAX_LENGTH = 10_000


def bounded_text(verbose_name, max_length: int, **kwargs) -> models.TextField:
    """A text field of at most ``max_length`` characters. ``max_length``
    bounds the forms' and serializers' field; the validator makes the
    model's own ``full_clean`` (the services', the importer's) check it too,
    which a ``TextField`` does not do by itself."""
    return models.TextField(verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs)


class Undeletable(models.Model):
    """Refuses ``delete()``: the tracker withdraws, it never deletes."""

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are never deleted; withdraw them instead.")


class NamedRow(Undeletable):
    """A row that people refer to by typing its name (``claims.lookups``
    finds it): ``name_key`` is the name as compared (``claims.names``),
    kept up to date on every save."""

    name_key = models.TextField(editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def clean(self):
        # Before the unique checks that compare it.
        self.name_key = name_key(self.name)

    def validate_constraints(self, exclude=None):
        # ``name_key`` is in no form, so a form leaves it out of the checks;
        # it is the name as compared, checked whenever the name is (the
        # admin's rename to a taken name failed on the database instead).
        if exclude and "name" not in exclude:
            exclude = set(exclude) - {"name_key"}
        super().validate_constraints(exclude=exclude)


class Actor(NamedRow):
    """Someone who makes claims or is the subject of them: a ministry, an
    armed force, a local population, a politician."""

    name = models.CharField(_("name"), max_length=200)
    name_original = models.CharField(_("name in original language"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=ActorKind.choices, default=ActorKind.OTHER)
    affiliation = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The party this actor speaks for, e.g. a ministry's government."),
    )
    outlets = models.ManyToManyField(
        "sources.Outlet",
        verbose_name=_("own outlets"),
        blank=True,
        related_name="parties",
        help_text=_(
            "Outlets that publish for this actor, e.g. a ministry's website or a state news agency: "
            "what they carry shows what the actor says, never corroboration of it."
        ),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The party this one turned out to be; its name now finds that party."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                name="unique_actor_name_key",
                violation_error_message=_("There is already a party of this name (ignoring case and width)."),
            )
        ]

    def __str__(self):
        return self.name


class Place(NamedRow):
    """A named place with a precision, so claims about the same place can be
    compared later."""

    name = models.CharField(_("name"), max_length=200)
    name_original = models.CharField(_("name in original language"), max_length=200, blank=True)
    precision = models.CharField(
        _("precision"), max_length=16, choices=PlacePrecision.choices, default=PlacePrecision.REGION
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("within"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The place this one turned out to be; its name now finds that place."),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "precision"],
                name="unique_place_name_key_precision",
                violation_error_message=_(
                    "There is already a place of this name (ignoring case and width) at this precision."
                ),
            )
        ]

    def __str__(self):
        return self.name


class ActorAlias(NamedRow):
    """Another name of a party, in any language ("Armed Forces of Armenia",
    "亚美尼亚武装部队"): typed anywhere, it finds the party
    (``claims.lookups``). A name belongs to one party only, and is no other
    party's own name (``claims.services.add_actor_alias`` checks)."""

    actor = models.ForeignKey(Actor, verbose_name=_("party"), on_delete=models.PROTECT, related_name="aliases")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("party alias")
        verbose_name_plural = _("party aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                name="unique_actor_alias_name_key",
                violation_error_message=_("This name already belongs to a party (ignoring case and width)."),
            )
        ]

    def __str__(self):
        return self.name


class PlaceAlias(NamedRow):
    """Another name of a place, in any language: typed anywhere, it finds
    the place. Places of one name may differ by precision (a town and its
    district), so a name is unique per place, not overall."""

    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="aliases")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("place alias")
        verbose_name_plural = _("place aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "place"],
                name="unique_place_alias_name_key",
                violation_error_message=_("This place already has this name (ignoring case and width)."),
            )
        ]

    def __str__(self):
        return self.name


class EventQuerySet(models.QuerySet):
    def create_named(self, name: str) -> "Event":
        """A new event called ``name``, with a unique slug made from it
        (Chinese names keep their characters)."""
        base = slugify(name, allow_unicode=True)[:90] or "event"
        slug, suffix = base, 2
        while self.filter(slug=slug).exists():
            slug, suffix = f"{base}-{suffix}", suffix + 1
        return self.create(name=name.strip(), slug=slug)


class Event(NamedRow):
    """A happening that several claims are about, so that competing figures
    and contradictory claims sit side by side."""

    name = models.CharField(_("name"), max_length=300)
    name_original = models.CharField(_("name in original language"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = bounded_text(_("description"), NOTE_MAX_LENGTH, blank=True)
    place = models.ForeignKey(Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:event_detail", args=[self.slug])


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """Claims with a published verdict."""
        return self.filter(status__in=ClaimStatus.verdicts())

    def for_list(self):
        """What a row of the claim list shows (``claims/list_rows.py``), fetched
        in a constant number of queries: three, with the page's claims."""
        return self.select_related("claimant", "grade").prefetch_related(
            "casualty_figures",
            models.Prefetch("source_links", ClaimSource.objects.select_related("source__outlet")),
        )

    def for_export(self):
        """Everything a claim's CSV row holds (``claims.export``), in a
        constant number of queries: its figures, its troop presences with
        their force and place, its sources still linked and its grade."""
        return self.select_related("claimant", "event", "submitter", "place", "grade").prefetch_related(
            "casualty_figures",
            models.Prefetch("troop_presences", TroopPresence.objects.select_related("force", "place").order_by("pk")),
            models.Prefetch(
                "source_links",
                ClaimSource.objects.filter(withdrawn_at__isnull=True).select_related("source"),
                to_attr="live_links",
            ),
        )


class Claim(Undeletable):
    """A statement seen in the news, in its original language."""

    text = bounded_text(_("claim (original language)"), CLAIM_TEXT_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    translation = bounded_text(_("English translation"), TRANSLATION_MAX_LENGTH, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=ClaimKind.choices, default=ClaimKind.OTHER)
    claimant = models.ForeignKey(
        Actor, verbose_name=_("claimant"), null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    # Indexed, as ``stated_on`` and ``created_at`` are, for the list sorted by
    # it: a page is read in the index's order instead of sorting every claim
    # the filters keep (50 ms of three PostgreSQL processes at 100,000 claims).
    occurred_on = models.DateField(_("refers to date"), null=True, blank=True, db_index=True)
    occurred_until = models.DateField(_("refers to date, until"), null=True, blank=True)
    time_precision = models.CharField(
        _("date precision"), max_length=8, choices=TimePrecision.choices, default=TimePrecision.DAY
    )
    stated_on = models.DateField(
        _("stated on"), null=True, blank=True, db_index=True, help_text=_("When the claimant said it.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.UNVERIFIED, editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitter"),
        on_delete=models.PROTECT,
        related_name="submitted_claims",
    )
    # The member who has taken the claim's review in hand; changed only by
    # ``services.assign_claim``, which logs it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="assigned_claims",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    search_tokens = models.TextField(editable=False, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        # A list filtered by status, newest first (the API's cursor order): without
        # it, a status few claims hold walked every claim's time (0.4 s at a million).
        # The list's count of claims of a status in a language (every page
        # shows it) is read from this index alone, not from every claim's row:
        # 3 ms instead of 49 at 100,000 claims.
        indexes = [
            models.Index(fields=["status", "created_at"], name="claim_status_created"),
            models.Index(fields=["status", "language"], name="claim_status_language"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_until__isnull=True) | Q(occurred_until__gte=models.F("occurred_on")),
                name="claim_period_ordered",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        self.search_tokens = search_tokens(self.text, self.translation)
        if kwargs.get("update_fields") is not None and {"text", "translation"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_tokens"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("claims:claim_detail", args=[self.pk])

    @property
    def is_published(self):
        return self.status in ClaimStatus.verdicts()

    @property
    def current_verdict(self):
        return self.verdicts.filter(superseded_at__isnull=True).first()


class ClaimSource(models.Model):
    """A source that carries a claim, with the passage quoted from it."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="source_links")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claim_links")
    role = models.CharField(_("role"), max_length=16, choices=SourceRole.choices, default=SourceRole.ORIGIN)
    quoted_passage = bounded_text(_("quoted passage"), QUOTE_MAX_LENGTH, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    # Filled by the source checks: does the page still carry the quote?
    quote_match = models.CharField(
        _("quote found"), max_length=24, choices=QuoteMatch.choices, default=QuoteMatch.PENDING
    )
    figures_match = models.CharField(
        _("figures found"), max_length=24, choices=QuoteMatch.choices, default=QuoteMatch.PENDING
    )
    matched_excerpt = models.TextField(_("matched excerpt"), blank=True)
    matched_check = models.ForeignKey(SourceCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What a failed match found instead: the claim's figures the page does not
    # carry, and the passage most like a quote not found, with how alike (0-100).
    figures_missing = models.JSONField(_("figures not on the page"), default=list, blank=True)
    closest_passage = models.TextField(_("closest passage"), blank=True)
    closest_alike = models.PositiveSmallIntegerField(_("closest passage alike (%)"), null=True, blank=True)
    # The last check whose page carried the quote, and the figures: the copy
    # from before, should they vanish (``claims/vanished.py``).
    quote_found_check = models.ForeignKey(
        SourceCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    figures_found_check = models.ForeignKey(
        SourceCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("claim source")
        verbose_name_plural = _("claim sources")
        constraints = [models.UniqueConstraint(fields=["claim", "source"], name="unique_claim_source")]

    def __str__(self):
        return f"{self.claim_id} ← {self.source}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Source links are never deleted; withdraw them instead.")

    def figures_on_page(self) -> list[int]:
        """The claim's figures its page was last found to carry."""
        return [number for number in self.figure_numbers() if number not in self.figures_missing]

    def closest_differences(self):
        """The quote against its closest passage on the page: the pieces of
        ``sources.changes`` (the quote's words not on the page removed, the
        page's instead added)."""
        return rewritten_paragraph(self.quoted_passage, self.closest_passage).pieces

    def figure_numbers(self) -> list[int]:
        """The numbers of the claim's figures, which its page should carry
        (the claim's figures prefetched, when many links are read)."""
        return sorted(
            {n for figure in self.claim.casualty_figures.all() for n in (figure.low, figure.high) if n is not None}
        )


class VanishedFlag(models.Model):
    """The quote, figures or whole page a link's source carried and a later
    check found gone: a question to the desk, most of all under a published
    verdict. Raised and closed by ``claims/vanished.py``; closed too by a
    reviewer who looked (``services.close_vanished_flag``). The two checks
    are the archived copies from before and after."""

    link = models.ForeignKey(ClaimSource, on_delete=models.PROTECT, related_name="vanished_flags")
    what = models.CharField(_("what vanished"), max_length=16, choices=Vanished.choices)
    # The figures' numbers no longer on the page (for ``Vanished.FIGURES``).
    missing = models.JSONField(_("missing figures"), default=list, blank=True)
    before_check = models.ForeignKey(SourceCheck, on_delete=models.PROTECT, related_name="+")
    after_check = models.ForeignKey(SourceCheck, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Nobody when a later check found it again.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = bounded_text(_("note"), NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("vanished quote or figure")
        verbose_name_plural = _("vanished quotes and figures")
        constraints = [
            models.UniqueConstraint(
                fields=["link", "what"], condition=Q(closed_at__isnull=True), name="one_open_vanished_flag"
            )
        ]

    def __str__(self):
        return self.describe()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def describe(self) -> str:
        """What vanished, in words."""
        if self.what == Vanished.PAGE:
            return _("The page went away.")
        if self.what == Vanished.QUOTE:
            return _("The quoted passage is no longer on the page.")
        return ngettext(
            "The figure %(numbers)s is no longer on the page.",
            "The figures %(numbers)s are no longer on the page.",
            len(self.missing),
        ) % {"numbers": ", ".join(str(number) for number in self.missing)}


class CasualtyFigure(models.Model):
    """One casualty count stated in a claim: a category (killed, injured,
    missing), who is counted, and a range with a qualifier.

    "At least 6 killed (4 soldiers and 2 civilians)" is three rows: 6 of all,
    4 military, 2 civilians. ``as_of`` is when the count was reported, so that
    tolls can be followed over time.
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="casualty_figures")
    category = models.CharField(_("category"), max_length=16, choices=CasualtyCategory.choices)
    population = models.CharField(
        _("who is counted"), max_length=16, choices=Population.choices, default=Population.ALL
    )
    qualifier = models.CharField(_("qualifier"), max_length=16, choices=BoundQualifier.choices)
    low = models.PositiveIntegerField(_("low bound"), null=True, blank=True, validators=[MinValueValidator(0)])
    high = models.PositiveIntegerField(_("high bound"), null=True, blank=True, validators=[MinValueValidator(0)])
    as_of = models.DateField(_("as of"), null=True, blank=True, help_text=_("When this count was reported."))

    class Meta:
        ordering = ["category", "population", "id"]
        verbose_name = _("casualty figure")
        verbose_name_plural = _("casualty figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(high__gte=models.F("low")),
                name="casualty_bounds_ordered",
            ),
            models.CheckConstraint(condition=Q(low__isnull=False) | Q(high__isnull=False), name="casualty_has_bound"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ({self.get_population_display()}): {self.display_range}"

    @property
    def display_range(self):
        if self.qualifier == BoundQualifier.UP_TO:
            return f"≤ {self.high}"
        if self.qualifier == BoundQualifier.AT_LEAST:
            return f"≥ {self.low}"
        prefix = "~" if self.qualifier == BoundQualifier.ABOUT else ""
        if self.high is not None and self.high != self.low:
            return f"{prefix}{self.low}–{self.high}"
        return f"{prefix}{self.low}"

    def clean(self):
        """Check the bounds agree with each other and with the qualifier."""
        errors = {}
        low, high, qualifier = self.low, self.high, self.qualifier
        if low is not None and low < 0:
            errors["low"] = _("The low bound (%(low)s) cannot be negative.") % {"low": low}
        if high is not None and high < 0:
            errors["high"] = _("The high bound (%(high)s) cannot be negative.") % {"high": high}
        if qualifier == BoundQualifier.UP_TO:
            if high is None:
                errors["high"] = _("“Up to” needs a high bound.")
            if low is not None:
                errors["low"] = _("“Up to” takes only a high bound; leave the low bound empty.")
        elif qualifier in (BoundQualifier.EXACT, BoundQualifier.ABOUT, BoundQualifier.AT_LEAST):
            if low is None:
                errors["low"] = _("“%(qualifier)s” needs a low bound.") % {"qualifier": self.get_qualifier_display()}
            if qualifier == BoundQualifier.AT_LEAST and high is not None:
                errors["high"] = _("“At least” takes only a low bound; leave the high bound empty.")
        if "low" not in errors and "high" not in errors and low is not None and high is not None and high < low:
            errors["high"] = _("The high bound (%(high)s) is below the low bound (%(low)s).") % {
                "high": high,
                "low": low,
            }
        if errors:
            raise ValidationError(errors)


class TroopPresence(models.Model):
    """A claim that a force is (or is not) at a place during a period."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="troop_presences")
    force = models.ForeignKey(Actor, verbose_name=_("force"), on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    presence = models.CharField(_("present or absent"), max_length=8, choices=Presence.choices)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    time_precision = models.CharField(
        _("date precision"), max_length=8, choices=TimePrecision.choices, default=TimePrecision.DAY
    )

    class Meta:
        verbose_name = _("troop presence")
        verbose_name_plural = _("troop presences")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="presence_period_ordered",
                violation_error_message=_("The end of the period is before its start."),
            ),
        ]

    def __str__(self):
        return f"{self.force} {self.get_presence_display()} @ {self.place}"


class Evidence(models.Model):
    """Something a reviewer found that supports, refutes or gives context to
    a claim: a source, a file, or both."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(_("stance"), max_length=16, choices=Stance.choices)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", blank=True, validators=[validate_evidence_file])
    file_content_type = models.CharField(max_length=100, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    quoted_passage = bounded_text(_("quoted passage"), QUOTE_MAX_LENGTH, blank=True)
    note = bounded_text(_("note"), NOTE_MAX_LENGTH, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=False) | ~Q(file=""),
                name="evidence_has_source_or_file",
                violation_error_message=_("Give a source URL, a file, or both."),
            ),
        ]

    def __str__(self):
        return f"{self.get_stance_display()}: {self.note[:60] or self.source or self.file.name}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Evidence is never deleted; withdraw it instead.")


class Verdict(Undeletable):
    """A published verdict. A later verdict supersedes it, and reopening the
    claim withdraws it (``ended`` says which, ``superseded_at`` when); every
    verdict is kept, so a newsroom can see how a rating changed. A verdict
    published after an earlier one names it in ``supersedes``."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="verdicts")
    rating = models.CharField(_("rating"), max_length=16, choices=ClaimStatus.choices)
    rationale = bounded_text(_("rationale"), NOTE_MAX_LENGTH)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    ended = models.CharField(_("ended"), max_length=16, choices=VerdictEnd.choices, blank=True)
    supersedes = models.ForeignKey(
        "self", verbose_name=_("supersedes"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")

    def __str__(self):
        return f"{self.get_rating_display()} ({self.published_at:%Y-%m-%d})"


class ClaimLogEntry(AppendOnlyModel):
    """One change to a claim, appended and never edited: the audit trail and
    the claim's timeline. Status changes carry ``from_status``/``to_status``.

    Besides the model's guards, PostgreSQL refuses UPDATE and DELETE on the
    table with a trigger (migration 0002), so raw SQL cannot rewrite history either.
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="log")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=24, choices=LogAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ClaimStatus.choices, blank=True)
    rationale = bounded_text(_("rationale"), NOTE_MAX_LENGTH, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    claim_version = models.PositiveIntegerField(_("claim version"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("claim log entry")
        verbose_name_plural = _("claim log")

    def __str__(self):
        return f"{self.claim_id} {self.action} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"


class ClaimGrade(models.Model):
    """How well a claim is sourced, graded by the tracker
    (``intelligence.grading``) whenever its sources, their checks, its
    evidence or its claimant change, and kept beside the reviewer's verdict,
    which it never sets. The reasons are stored as facts (counts and names)
    and put into words when shown, in the reader's language."""

    claim = models.OneToOneField(Claim, primary_key=True, on_delete=models.PROTECT, related_name="grade")
    grade = models.CharField(_("evidence grade"), max_length=16, choices=EvidenceGrade.choices, db_index=True)
    sources = models.PositiveIntegerField(_("sources still there"), default=0)
    gone = models.PositiveIntegerField(_("sources gone"), default=0)
    # Each independent report by the name it is shown with (its agency, else its outlet or page).
    independent = models.JSONField(_("independent reports"), default=list)
    # How many of them come from sources of reliability A to C.
    credible = models.PositiveIntegerField(_("credible independent reports"), default=0)
    interested = models.JSONField(_("interested parties"), default=list)
    admitted_by = models.JSONField(_("admitted by"), default=list)
    refuting = models.PositiveIntegerField(_("refuting evidence"), default=0)
    contradicted_by = models.JSONField(_("contradicted by"), default=list)
    computed_at = models.DateTimeField(_("graded at"))

    # What a grade says, as opposed to when it was computed.
    FACTS = (
        "grade",
        "sources",
        "gone",
        "independent",
        "credible",
        "interested",
        "admitted_by",
        "refuting",
        "contradicted_by",
    )

    class Meta:
        verbose_name = _("evidence grade")
        verbose_name_plural = _("evidence grades")

    def __str__(self):
        return f"{self.claim_id}: {self.grade}"

    @property
    def reasons(self) -> str:
        """The grade's reasons in words: "3 sources, 2 independent: Reuters,
        TASS; Azerbaijan MFA is an interested party"."""
        parts = [
            ngettext("%(count)d source", "%(count)d sources", self.sources) % {"count": self.sources}
            + (
                ", "
                + ngettext(
                    "%(count)d independent: %(names)s", "%(count)d independent: %(names)s", len(self.independent)
                )
                % {"count": len(self.independent), "names": ", ".join(self.independent)}
                if self.independent
                else ""
            )
        ]
        if self.gone:
            parts.append(ngettext("%(count)d gone", "%(count)d gone", self.gone) % {"count": self.gone})
        if self.interested:
            names = ", ".join(self.interested)
            parts.append(
                ngettext("%(names)s is an interested party", "%(names)s are interested parties", len(self.interested))
                % {"names": names}
            )
        if self.admitted_by:
            parts.append(_("admitted by %(names)s") % {"names": ", ".join(self.admitted_by)})
        if self.refuting:
            parts.append(
                ngettext("%(count)d piece of refuting evidence", "%(count)d pieces of refuting evidence", self.refuting)
                % {"count": self.refuting}
            )
        if self.contradicted_by:
            parts.append(_("contradicted by %(names)s") % {"names": ", ".join(self.contradicted_by)})
        return "; ".join(parts)


class Job(models.Model):
    """Long work a reviewer started and follows from a page (today: an
    import), run in the background by ``claims/import_jobs.py``: what it is,
    whose it is, how far it got, and its report, kept once it has ended."""

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    file_name = models.CharField(max_length=255)
    # The file as uploaded: every worker reads it from here, whatever machine it runs on.
    content = models.BinaryField()
    # Rows that may repeat existing claims are imported rather than refused.
    keep_duplicates = models.BooleanField(default=False)
    total = models.PositiveIntegerField()
    rows_done = models.PositiveIntegerField(default=0)
    rows_refused = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"

    def get_absolute_url(self):
        return reverse("claims:job_detail", args=[self.pk])

    @property
    def ended(self) -> bool:
        return self.status in (JobStatus.FINISHED, JobStatus.FAILED)

    @property
    def rows_imported(self) -> int:
        return self.rows_done - self.rows_refused


class JobRow(models.Model):
    """The outcome of one row of an import job, written in the row's own
    transaction with the claim it created: a row is done exactly when its
    outcome is here, so work redone after a worker died skips it."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    errors = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="job_row_once")]

    def __str__(self):
        return f"{self.job} row {self.number}"
