"""The benchmark's data set: 100,000 claims, each with two linked sources
(200,000), three pieces of evidence (300,000) and, for one in three, a
casualty figure. Rows go in with PostgreSQL's COPY: bulk_create would take
minutes."""

import datetime
import itertools

from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.tokens import replace
from claims.choices import BoundQualifier, CasualtyCategory, Language, Stance
from claims.generation import write_rows
from claims.models import CasualtyFigure, Claim, ClaimSource, Evidence
from claims.search import search_tokens
from sources.models import Outlet, Source

CLAIMS = 100_000
SOURCES_PER_CLAIM = 2
EVIDENCE_PER_CLAIM = 3
OUTLETS = 50
USERNAME = "bench-editor"


def bench_token() -> str:
    """The API token of the benchmark's editor."""
    user, created = User.objects.get_or_create(username=USERNAME)
    if created:
        user.groups.add(Group.objects.get(name=Role.EDITOR))
    return replace(user, "benchmark")


def is_generated() -> bool:
    return (
        Claim.objects.count() >= CLAIMS
        and Source.objects.count() >= CLAIMS * SOURCES_PER_CLAIM
        and Evidence.objects.count() >= CLAIMS * EVIDENCE_PER_CLAIM
    )


@transaction.atomic
def generate() -> None:
    author = User.objects.get(username=USERNAME)
    outlets = [
        Outlet.objects.get_or_create(domain=f"news{n}.example", defaults={"name": f"News {n}"})[0].pk
        for n in range(OUTLETS)
    ]
    start = timezone.now() - datetime.timedelta(days=400)

    def claim_row(n):
        text = f"Shelling of district {n % 997} killed {n % 50} people, officials said (report {n})."
        return {
            "text": text,
            "language": Language.EN,
            "search_tokens": search_tokens(text),
            "submitter_id": author.pk,
            "created_at": start + datetime.timedelta(minutes=n),
            "updated_at": start + datetime.timedelta(minutes=n),
        }

    write_rows(Claim, map(claim_row, range(CLAIMS)))
    claim_ids = list(Claim.objects.order_by("id").values_list("id", flat=True))

    write_rows(
        Source,
        (
            {
                "url": f"https://news{n % OUTLETS}.example/story/{n}",
                "outlet_id": outlets[n % OUTLETS] if n % 3 else None,
            }
            for n in range(CLAIMS * SOURCES_PER_CLAIM)
        ),
    )
    source_ids = list(Source.objects.order_by("id").values_list("id", flat=True))
    sources_of = {
        claim: source_ids[i * SOURCES_PER_CLAIM : (i + 1) * SOURCES_PER_CLAIM] for i, claim in enumerate(claim_ids)
    }

    write_rows(
        ClaimSource,
        (
            {"claim_id": claim, "source_id": source, "added_by_id": author.pk}
            for claim in claim_ids
            for source in sources_of[claim]
        ),
    )
    stances = itertools.cycle(Stance.values)
    write_rows(
        Evidence,
        (
            {
                "claim_id": claim,
                "stance": next(stances),
                "source_id": sources_of[claim][n % SOURCES_PER_CLAIM],
                "author_id": author.pk,
            }
            for claim in claim_ids
            for n in range(EVIDENCE_PER_CLAIM)
        ),
    )
    write_rows(
        CasualtyFigure,
        (
            {
                "claim_id": claim,
                "category": CasualtyCategory.KILLED,
                "qualifier": BoundQualifier.AT_LEAST,
                "low": claim % 50,
            }
            for claim in claim_ids[::3]
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
