"""The claim filters shared by the list page, the API and the CSV export.

One ``FilterSet`` so that a filtered list, its API twin and its export
always agree on what "disputed claims about this event since Monday" means.
"""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from accounts.roles import member_accounts
from sources.choices import SourceHealth
from sources.models import Outlet
from tracker.widgets import NamedRowChoiceField

from .choices import ClaimKind, ClaimStatus, EvidenceGrade, Language
from .models import Actor, Claim, ClaimSource, Event
from .search import search_claims

DATE_FIELDS = (("occurred_on", _("Refers to date")), ("stated_on", _("Stated on")))


class NamedRowFilter(django_filters.ModelChoiceFilter):
    """A filter by one of thousands of named rows, through the select
    written without a template or a model instance per option."""

    field_class = NamedRowChoiceField


class SearchFilter(django_filters.CharFilter):
    """The claims that hold the words searched for (``claims.search``).

    A filter of its own rather than a ``method`` of the FilterSet, so that it
    needs no FilterSet instance to run: the API applies such filters without
    building the form (``claims/api/filtering.py``)."""

    def filter(self, qs, value):
        return qs if value in EMPTY_VALUES else search_claims(qs, value)


class ClaimFilterSet(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    # ``distinct=False``: each is a value of the claim or of its one grade, so
    # no claim can match twice, and SELECT DISTINCT would make the database
    # sort every matching claim before it could return a page.
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=ClaimStatus.choices, distinct=False)
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=ClaimKind.choices, distinct=False)
    grade = django_filters.MultipleChoiceFilter(
        label=_("Evidence grade"), choices=EvidenceGrade.choices, field_name="grade__grade", distinct=False
    )
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Language.choices)
    # Every event, party and outlet is an option on each page (2,000 events on 100,000 claims).
    event = NamedRowFilter(label=_("Event"), queryset=Event.objects.all())
    claimant = NamedRowFilter(label=_("Claimant"), queryset=Actor.objects.all())
    outlet = NamedRowFilter(label=_("Outlet"), queryset=Outlet.objects.all(), method="filter_outlet")
    source_health = django_filters.ChoiceFilter(
        label=_("Source health"), choices=SourceHealth.choices, method="filter_source_health"
    )
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assigned to"), queryset=member_accounts(), null_label=_("Nobody")
    )
    # A claim has two dates: when what it says happened, and when it was said.
    # The range filters the one chosen here, the date the claim refers to if none is.
    date_field = django_filters.ChoiceFilter(
        label=_("Which date"), choices=DATE_FIELDS, empty_label=None, method="filter_nothing"
    )
    date_from = django_filters.DateFilter(label=_("From date"), method="filter_date_from")
    date_to = django_filters.DateFilter(label=_("To date"), method="filter_date_to")
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("created_at", "created"),
            ("occurred_on", "date"),
            ("stated_on", "stated"),
            ("status", "status"),
            ("kind", "kind"),
        ),
        field_labels={
            "created_at": _("Submitted"),
            "occurred_on": _("Refers to date"),
            "stated_on": _("Stated on"),
            "status": _("Status"),
        },
    )

    class Meta:
        model = Claim
        fields = []

    def _date_field(self) -> str:
        chosen = self.form.cleaned_data.get("date_field")
        return chosen if chosen in dict(DATE_FIELDS) else DATE_FIELDS[0][0]

    def filter_nothing(self, queryset, name, value):
        """The date chosen is read by the range filters."""
        return queryset

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(**{f"{self._date_field()}__gte": value})

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(**{f"{self._date_field()}__lte": value})

    # Filters through the source links use EXISTS, not a join, so that a
    # claim with several matching sources is listed once and the page's
    # ordering and pagination stay cheap.
    def filter_outlet(self, queryset, name, value):
        links = ClaimSource.objects.filter(claim=OuterRef("pk"), source__outlet=value, withdrawn_at__isnull=True)
        return queryset.filter(Exists(links))

    def filter_source_health(self, queryset, name, value):
        links = ClaimSource.objects.filter(claim=OuterRef("pk"), source__health=value, withdrawn_at__isnull=True)
        return queryset.filter(Exists(links))
