"""Every vocabulary of the claims app, one ``TextChoices`` class each.

No status, kind or stance string is written anywhere else in the code.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    IN_REVIEW = "in_review", _("In review")
    SUPPORTED = "supported", _("Supported")
    REFUTED = "refuted", _("Refuted")
    DISPUTED = "disputed", _("Disputed")
    UNPROVEN = "unproven", _("Unproven")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def verdicts(cls):
        """Statuses that are a published verdict."""
        return (cls.SUPPORTED, cls.REFUTED, cls.DISPUTED, cls.UNPROVEN)

    @classmethod
    def open(cls):
        """Statuses of claims that still await a verdict."""
        return (cls.UNVERIFIED, cls.IN_REVIEW)


class VerdictEnd(models.TextChoices):
    """How a published verdict stopped being the claim's current one."""

    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VerdictEventKind(models.TextChoices):
    """What a verdict feed entry reports."""

    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ClaimKind(models.TextChoices):
    CASUALTY_FIGURE = "casualty_figure", _("Casualty figure")
    TROOP_PRESENCE = "troop_presence", _("Troop presence")
    STATEMENT = "statement", _("Statement")
    STATISTIC = "statistic", _("Statistic")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    """Languages a claim or source can be written in (BCP 47 codes)."""

    ZH = "zh", _("Chinese")
    EN = "en", _("English")
    RU = "ru", _("Russian")
    HY = "hy", _("Armenian")
    AZ = "az", _("Azerbaijani")
    UK = "uk", _("Ukrainian")
    AR = "ar", _("Arabic")
    HE = "he", _("Hebrew")
    FA = "fa", _("Persian")
    TR = "tr", _("Turkish")
    FR = "fr", _("French")
    DE = "de", _("German")
    ES = "es", _("Spanish")
    OTHER = "und", _("Other")


class ActorKind(models.TextChoices):
    """Who makes a claim or is the subject of one."""

    GOVERNMENT = "government", _("Government or ministry")
    ARMED_FORCE = "armed_force", _("Armed force")
    LOCAL_POPULATION = "local_population", _("Local population")
    OFFICIAL = "official", _("Official or politician")
    MEDIA = "media", _("Media")
    INTERNATIONAL = "international", _("International organisation or NGO")
    OTHER = "other", _("Other")


class PlacePrecision(models.TextChoices):
    EXACT = "exact", _("Exact")
    VICINITY = "vicinity", _("Vicinity")
    LOCALITY = "locality", _("Locality")
    REGION = "region", _("Region")


class TimePrecision(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class SourceRole(models.TextChoices):
    ORIGIN = "origin", _("Origin")
    REPETITION = "repetition", _("Repetition")


class ReviewFlag(models.TextChoices):
    """Why a claim was flagged for review (``signals.claim_flagged``)."""

    CONTRADICTION = "contradiction", _("Contradicted by another claim")
    VANISHED = "vanished", _("A quote or figure vanished from its source")


class Vanished(models.TextChoices):
    """What a ``VanishedFlag`` says is gone from a page that carried it."""

    QUOTE = "quote", _("The quoted passage")
    FIGURES = "figures", _("Figures")
    PAGE = "page", _("The whole page")


class QuoteMatch(models.TextChoices):
    """Whether a source's page still carries what was quoted from it."""

    PENDING = "pending", _("Not checked yet")
    FOUND = "found", _("Found")
    NOT_FOUND = "not_found", _("Not found")
    SOURCE_UNAVAILABLE = "source_unavailable", _("Source unavailable")
    NOT_APPLICABLE = "not_applicable", _("Nothing to look for")


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    REFUTES = "refutes", _("Refutes")
    CONTEXT = "context", _("Context")


class CasualtyCategory(models.TextChoices):
    KILLED = "killed", _("Killed")
    INJURED = "injured", _("Injured")
    MISSING = "missing", _("Missing")


class BoundQualifier(models.TextChoices):
    EXACT = "exact", _("Exactly")
    AT_LEAST = "at_least", _("At least")
    UP_TO = "up_to", _("Up to")
    ABOUT = "about", _("About")


class Population(models.TextChoices):
    ALL = "all", _("All")
    CIVILIANS = "civilians", _("Civilians")
    MILITARY = "military", _("Military")


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class LogAction(models.TextChoices):
    """What a claim log entry records."""

    CREATED = "created", _("Submitted")
    EDITED = "edited", _("Edited")
    STATUS_CHANGED = "status_changed", _("Status changed")
    SOURCE_LINKED = "source_linked", _("Source linked")
    SOURCE_WITHDRAWN = "source_withdrawn", _("Source withdrawn")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    EVIDENCE_WITHDRAWN = "evidence_withdrawn", _("Evidence withdrawn")
    ASSIGNED = "assigned", _("Assignment changed")
    PARTY_MERGED = "party_merged", _("Parties merged")
    PLACE_MERGED = "place_merged", _("Places merged")
    # Written for the intelligence app (``services.record_contradiction``):
    # another claim of the event cannot be true with this one, a reviewer
    # explained why, or an edit ended the contradiction.
    CONTRADICTION_FLAGGED = "contradiction_flagged", _("Contradiction flagged")
    CONTRADICTION_EXPLAINED = "contradiction_explained", _("Contradiction explained")
    CONTRADICTION_RESOLVED = "contradiction_resolved", _("Contradiction resolved")


class EvidenceGrade(models.TextChoices):
    """How well a claim is sourced, graded by the tracker from its sources
    and evidence (``intelligence.grading``), beside the reviewer's verdict."""

    SINGLE_SOURCE = "single_source", _("Single source")
    CORROBORATED = "corroborated", _("Corroborated")
    CONFIRMED = "confirmed", _("Confirmed by the party concerned")
    CONTESTED = "contested", _("Contested")
    DISCOUNTED = "discounted", _("Discounted")


class JobKind(models.TextChoices):
    IMPORT = "import", _("Import")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")
