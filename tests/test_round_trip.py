"""Data survives a round trip: the CSV the claim list exports, imported into
an empty install through the import page, gives back the same claims with
their figures, troop presences, places, parties, sources with quoted
passages, dates and events, compared field by field."""

import datetime
import json
import random

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.color import no_style
from django.db import connection
from django.urls import reverse

from claims.choices import (
    BoundQualifier,
    CasualtyCategory,
    ClaimKind,
    Language,
    PlacePrecision,
    Population,
    Presence,
    SourceRole,
    TimePrecision,
)
from claims.demo import load_demo
from claims.models import (
    Actor,
    CasualtyFigure,
    Claim,
    ClaimLogEntry,
    ClaimSource,
    Event,
    Evidence,
    Place,
    TroopPresence,
    Verdict,
)
from sources.models import Outlet, Source, SourceCheck
from tests.import_pages import import_through_page, report_of

pytestmark = pytest.mark.django_db

DOMAIN_MODELS = (
    ClaimLogEntry,
    Verdict,
    Evidence,
    ClaimSource,
    CasualtyFigure,
    TroopPresence,
    Claim,
    Event,
    Place,
    Actor,
    SourceCheck,
    Source,
    Outlet,
)


def _iso(value):
    return value.isoformat() if value else None


def snapshot() -> list[str]:
    """Every claim as what a round trip must keep, one JSON text each, sorted."""
    records = []
    claims = Claim.objects.select_related("claimant", "place", "event").prefetch_related(
        "casualty_figures", "troop_presences__force", "troop_presences__place", "source_links__source"
    )
    for claim in claims:
        record = {
            "text": claim.text,
            "language": claim.language,
            "translation": claim.translation,
            "kind": claim.kind,
            "claimant": claim.claimant.name if claim.claimant else None,
            "place": [claim.place.name, claim.place.precision] if claim.place else None,
            "event": [claim.event.slug, claim.event.name] if claim.event else None,
            "occurred_on": _iso(claim.occurred_on),
            "occurred_until": _iso(claim.occurred_until),
            "time_precision": claim.time_precision,
            "stated_on": _iso(claim.stated_on),
            "figures": sorted(
                [f.category, f.population, f.qualifier, f.low, f.high, _iso(f.as_of)]
                for f in claim.casualty_figures.all()
            ),
            "presences": sorted(
                [
                    p.force.name,
                    p.place.name,
                    p.place.precision,
                    p.presence,
                    _iso(p.period_start),
                    _iso(p.period_end),
                    p.time_precision,
                ]
                for p in claim.troop_presences.all()
            ),
            "sources": sorted(
                [link.source.url, link.role, link.quoted_passage]
                for link in claim.source_links.all()
                if link.withdrawn_at is None
            ),
        }
        records.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    return sorted(records)


def named_rows() -> dict:
    """The parties, places and events the claims refer to."""
    return {
        "parties": sorted(
            {*Claim.objects.exclude(claimant=None).values_list("claimant__name", flat=True)}
            | {*TroopPresence.objects.values_list("force__name", flat=True)}
        ),
        "places": sorted(
            {*Claim.objects.exclude(place=None).values_list("place__name", "place__precision")}
            | {*TroopPresence.objects.values_list("place__name", "place__precision")}
        ),
        "events": sorted({*Claim.objects.exclude(event=None).values_list("event__slug", "event__name")}),
    }


def flush_domain_tables():
    """Empty every claims and sources table, as a fresh install has them
    (accounts stay, so that someone can import)."""
    tables = [model._meta.db_table for model in DOMAIN_MODELS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit; TRUNCATE refuses while checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def export_then_import(client, editor) -> None:
    client.force_login(editor)
    response = client.get(reverse("claims:export_csv"))
    assert response.status_code == 200
    exported = b"".join(response.streaming_content)
    flush_domain_tables()
    assert not Claim.objects.exists()
    upload = SimpleUploadedFile("claims.csv", exported, content_type="text/csv")
    # A restore keeps every row, even claims that state the same facts.
    rows = report_of(import_through_page(client, upload, keep_duplicates="on")).values()
    assert all(row.claim for row in rows), [(row.number, row.errors) for row in rows if not row.claim]


def test_reimporting_the_export_keeps_figures_source_and_place(client, editor, claim_factory):
    # Before, the import reported success and dropped all three: the export wrote figures as
    # prose ("Killed (All): ≥ 27") under columns the import did not read.
    claim_factory(
        text="At least 27 killed and 200 injured",
        place=Place.objects.create(name="Stepanakert", precision=PlacePrecision.LOCALITY),
        figures=[
            {"category": CasualtyCategory.KILLED, "qualifier": BoundQualifier.AT_LEAST, "low": 27},
            {"category": CasualtyCategory.INJURED, "qualifier": BoundQualifier.AT_LEAST, "low": 200},
        ],
        sources=["https://www.guancha.cn/a.shtml"],
    )
    claims = snapshot()

    export_then_import(client, editor)

    assert snapshot() == claims


def test_the_demo_data_survives_export_and_import(client):
    load_demo()
    editor = User.objects.get(username="editor")
    claims, names = snapshot(), named_rows()
    assert any('"figures": [[' in claim for claim in claims)  # the sample has figures, presences and sources
    assert any('"presences": [[' in claim for claim in claims)

    export_then_import(client, editor)

    assert snapshot() == claims
    assert named_rows() == names


# A generated set: text that CSV and spreadsheets find hard (commas, quotes,
# line breaks, formula starts, a leading apostrophe, Chinese, full-width letters).
AWKWARD_TEXTS = [
    "At least 27 killed, 200 injured",
    'The ministry said "no troops" were there',
    "First line\nsecond line",
    '=HYPERLINK("https://evil.example","x")',
    "-5 degrees and 12 dead",
    "+1 more casualty",
    "@channel reports shelling",
    "'quoted' from the start",
    "''two apostrophes",
    "当地至少有27人死亡，200人受伤",
    "ＡＢＣ full-width, and a tab\there",
]


def _generated_set(submitter, count: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    actors = Actor.objects.bulk_create(
        [Actor(name=name, name_key=name.casefold()) for name in [f"Party {n}" for n in range(25)] + ["亚美尼亚国防部"]]
    )
    places = Place.objects.bulk_create(
        [
            Place(name=f"Place {n}", name_key=f"place {n}", precision=rng.choice(PlacePrecision.values))
            for n in range(15)
        ]
        # The same name at two precisions: two places.
        + [
            Place(name="Lachin", name_key="lachin", precision=PlacePrecision.LOCALITY),
            Place(name="Lachin", name_key="lachin", precision=PlacePrecision.REGION),
        ]
    )
    events = Event.objects.bulk_create(
        [Event(name=f"Event {n}, “quoted”", name_key=f"event {n}", slug=f"event-{n}") for n in range(8)]
    )
    sources = Source.objects.bulk_create([Source(url=f"https://news{n % 7}.example.org/a/{n}") for n in range(60)])
    day = datetime.date(2023, 9, 1)
    claims = Claim.objects.bulk_create(
        [
            Claim(
                text=f"{rng.choice(AWKWARD_TEXTS)} #{n}",
                language=rng.choice(Language.values),
                translation=rng.choice(["", "A translation, with a comma", '"Quoted"', "=1+1"]),
                kind=rng.choice(ClaimKind.values),
                claimant=rng.choice([None, *actors]),
                place=rng.choice([None, *places]),
                event=rng.choice([None, *events]),
                occurred_on=day + datetime.timedelta(days=n % 30),
                occurred_until=rng.choice([None, day + datetime.timedelta(days=40)]),
                time_precision=rng.choice(TimePrecision.values),
                stated_on=rng.choice([None, day + datetime.timedelta(days=n % 50)]),
                submitter=submitter,
            )
            for n in range(count)
        ]
    )
    figures, presences, links = [], [], []
    for claim in claims:
        for _n in range(rng.choice([0, 0, 1, 2, 3])):
            qualifier = rng.choice(BoundQualifier.values)
            low = rng.randrange(0, 500)
            bounds = {
                BoundQualifier.EXACT: (low, rng.choice([None, low + 10])),
                BoundQualifier.ABOUT: (low, rng.choice([None, low + 5])),
                BoundQualifier.AT_LEAST: (low, None),
                BoundQualifier.UP_TO: (None, low),
            }[qualifier]
            figures.append(
                CasualtyFigure(
                    claim=claim,
                    category=rng.choice(CasualtyCategory.values),
                    population=rng.choice(Population.values),
                    qualifier=qualifier,
                    low=bounds[0],
                    high=bounds[1],
                    as_of=rng.choice([None, day]),
                )
            )
        for _n in range(rng.choice([0, 0, 1, 2])):
            presences.append(
                TroopPresence(
                    claim=claim,
                    force=rng.choice(actors),
                    place=rng.choice(places),
                    presence=rng.choice(Presence.values),
                    period_start=rng.choice([None, day]),
                    period_end=rng.choice([None, day + datetime.timedelta(days=3)]),
                    time_precision=rng.choice(TimePrecision.values),
                )
            )
        for source in rng.sample(sources, rng.choice([0, 1, 1, 2, 3])):
            links.append(
                ClaimSource(
                    claim=claim,
                    source=source,
                    role=rng.choice(SourceRole.values),
                    quoted_passage=rng.choice(["", "至少有27人死亡", 'he said, "no"', "-12 killed"]),
                    added_by=submitter,
                )
            )
    CasualtyFigure.objects.bulk_create(figures)
    TroopPresence.objects.bulk_create(presences)
    ClaimSource.objects.bulk_create(links)


@pytest.mark.e2e  # a minute or two: a thousand claims through both pages
def test_a_thousand_generated_claims_survive_export_and_import(client, editor):
    _generated_set(editor, 1000)
    claims, names = snapshot(), named_rows()
    assert len(claims) == 1000

    export_then_import(client, editor)

    assert snapshot() == claims
    assert named_rows() == names
