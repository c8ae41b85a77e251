"""A large, realistic-looking data set for benchmarks, load tests and demos
(``manage.py generate_data``): claims in English and Chinese with their
claimants (parties with aliases in the other language), places (with
aliases), events, casualty figures, and sources with a completed check each,
all from one seed, so that the same command gives the same data.

Rows are written in bulk, not through ``claims.services``: that is the point
(100,000 claims in a minute, not hours), and why it is refused on a site that
does not allow demo data (``DEMO_DATA_ALLOWED``). PostgreSQL takes the rows by
COPY; elsewhere (the SQLite default) by ``bulk_create`` in batches. No claim
log is written: the generated claims have no history.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import Role
from sources.choices import CheckOutcome, SourceHealth
from sources.models import Outlet, Source, SourceCheck
from tracker.database import limit_statements_of_this_transaction

from .choices import BoundQualifier, CasualtyCategory, ClaimStatus, Language, Population
from .models import Actor, ActorAlias, CasualtyFigure, Claim, ClaimSource, Event, Place, PlaceAlias
from .names import name_key
from .search import search_tokens

GENERATOR_USERNAME = "generated-reviewer"
SOURCES_PER_CLAIM = 2
OUTLETS = 50
BATCH = 2000

# (English, Chinese) names: the claim's language picks one, the other is the alias.
PARTIES = [
    ("Defence ministry", "国防部"), ("Local officials", "地方官员"), ("Foreign ministry", "外交部"),
    ("Armed forces", "武装部队"), ("Human rights monitor", "人权观察员"), ("Red Cross", "红十字会"),
    ("Regional governor", "地区州长"), ("Health ministry", "卫生部"), ("Militia spokesman", "民兵发言人"),
    ("United Nations", "联合国"),
]  # fmt: skip
PLACES = [
    ("Stepanakert", "斯捷潘纳克特"), ("Shusha", "舒沙"), ("Martuni", "马尔图尼"), ("Askeran", "阿斯克拉南"),
    ("Hadrut", "哈德鲁特"), ("Lachin", "拉钦"), ("Goris", "戈里斯"), ("Agdam", "阿格达姆"),
    ("Fizuli", "菲祖利"), ("Kelbajar", "克尔巴贾尔"),
]  # fmt: skip
EN_TEXTS = [
    "Shelling of {place} killed at least {killed} civilians and injured {injured}, the {party} said.",
    "At least {killed} soldiers were killed near {place} overnight, according to the {party}.",
    "The {party} denied that troops were present in {place} on the day of the strike.",
    "{killed} people are missing after the attack on the market in {place}, the {party} reported.",
]
ZH_TEXTS = [
    "{party}称，{place}遭炮击，造成至少{killed}名平民死亡、{injured}人受伤。",
    "据{party}消息，{place}附近夜间至少{killed}名士兵死亡。",
    "{party}否认袭击当天有军队驻扎在{place}。",
    "{party}报告，{place}市场遇袭后{killed}人下落不明。",
]


@dataclass
class Generated:
    claims: int
    sources: int
    checks: int
    figures: int
    parties: int
    places: int
    events: int


@transaction.atomic
def generate(claims: int, *, seed: int = 17) -> Generated:
    """Write ``claims`` claims and everything around them; the same seed and
    count give the same rows (ids aside)."""
    # Each table is written by one COPY: for a million claims, longer than
    # the site's statement timeout (DATABASE_STATEMENT_TIMEOUT_SECONDS).
    limit_statements_of_this_transaction(0)
    rng = random.Random(seed)
    author = _generator_user()
    start = timezone.now() - datetime.timedelta(days=400)
    parties = _named_rows(
        Actor,
        ActorAlias,
        "actor_id",
        [(f"{en} {n}", f"{zh}{n}") for n in range(max(2, claims // 2000) + 1) for en, zh in PARTIES],
    )
    places = _named_rows(
        Place,
        PlaceAlias,
        "place_id",
        [(f"{en} {n}", f"{zh}{n}") for n in range(max(1, claims // 5000) + 1) for en, zh in PLACES],
    )
    events = _events(max(1, claims // 50), seed)
    outlets = [
        Outlet.objects.get_or_create(name=f"Generated news {n}", defaults={"domain": f"news{n}.example"})[0].pk
        for n in range(OUTLETS)
    ]
    first_claim = _next_id(Claim)

    def claim_row(n):
        chinese = n % 3 == 0
        party, place = rng.choice(parties), rng.choice(places)
        template = rng.choice(ZH_TEXTS if chinese else EN_TEXTS)
        names = {"party": party[2] if chinese else party[1], "place": place[2] if chinese else place[1]}
        text = template.format(killed=rng.randint(1, 120), injured=rng.randint(0, 400), **names) + f" #{n}"
        created = start + datetime.timedelta(minutes=n * 5)
        return {
            "text": text,
            "language": Language.ZH if chinese else Language.EN,
            "claimant_id": party[0],
            "place_id": place[0],
            "event_id": rng.choice(events),
            "status": ClaimStatus.IN_REVIEW if n % 4 == 0 else ClaimStatus.UNVERIFIED,
            "stated_on": created.date(),
            "search_tokens": search_tokens(text),
            "submitter_id": author.pk,
            "created_at": created,
            "updated_at": created,
        }

    write_rows(Claim, map(claim_row, range(claims)))
    claim_ids = list(Claim.objects.filter(pk__gte=first_claim).order_by("pk").values_list("pk", flat=True))

    first_source = _next_id(Source)
    write_rows(
        Source,
        (
            {
                "url": f"https://news{n % OUTLETS}.example/{seed}/story/{first_claim}-{n}",
                "outlet_id": outlets[n % OUTLETS],
                "language": "zh" if (n // SOURCES_PER_CLAIM) % 3 == 0 else "en",
                "created_by_id": author.pk,
                "health": SourceHealth.OK,
            }
            for n in range(claims * SOURCES_PER_CLAIM)
        ),
    )
    source_ids = list(Source.objects.filter(pk__gte=first_source).order_by("pk").values_list("pk", flat=True))
    write_rows(
        ClaimSource,
        (
            {"claim_id": claim, "source_id": source_ids[i * SOURCES_PER_CLAIM + k], "added_by_id": author.pk}
            for i, claim in enumerate(claim_ids)
            for k in range(SOURCES_PER_CLAIM)
        ),
    )
    checked = start + datetime.timedelta(days=1)
    write_rows(
        SourceCheck,
        (
            {
                "source_id": source,
                "requested_at": checked,
                "started_at": checked,
                "finished_at": checked + datetime.timedelta(seconds=2),
                "outcome": CheckOutcome.OK if n % 20 else CheckOutcome.NOT_FOUND,
                "http_status": 200 if n % 20 else 404,
                "latency_ms": 100 + n % 900,
            }
            for n, source in enumerate(source_ids)
        ),
    )
    figures = claim_ids[::3]
    write_rows(
        CasualtyFigure,
        (
            {
                "claim_id": claim,
                "category": CasualtyCategory.KILLED,
                "population": Population.CIVILIANS if claim % 2 else Population.ALL,
                "qualifier": BoundQualifier.AT_LEAST,
                "low": claim % 120,
            }
            for claim in figures
        ),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Generated(
        claims=len(claim_ids),
        sources=len(source_ids),
        checks=len(source_ids),
        figures=len(figures),
        parties=len(parties),
        places=len(places),
        events=len(events),
    )


def _generator_user():
    user, created = User.objects.get_or_create(username=GENERATOR_USERNAME)
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=Role.REVIEWER))
    return user


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _named_rows(model, alias_model, fk, names) -> list[tuple[int, str, str]]:
    """Rows of ``model`` named in English, each with its Chinese name as an
    alias; those already there are reused. ``(id, English, Chinese)`` each."""
    existing = dict(
        model.objects.filter(name_key__in=[name_key(en) for en, _zh in names]).values_list("name_key", "pk")
    )
    missing = [(en, zh) for en, zh in names if name_key(en) not in existing]
    model.objects.bulk_create([model(name=en, name_key=name_key(en)) for en, _zh in missing])
    ids = dict(model.objects.filter(name_key__in=[name_key(en) for en, _zh in names]).values_list("name_key", "pk"))
    alias_model.objects.bulk_create(
        [alias_model(**{fk: ids[name_key(en)]}, name=zh, name_key=name_key(zh)) for en, zh in missing]
    )
    return [(ids[name_key(en)], en, zh) for en, zh in names]


def _events(count: int, seed: int) -> list[int]:
    names = [f"Generated event {seed}-{n}" for n in range(count)]
    existing = set(
        Event.objects.filter(slug__in=[f"generated-{seed}-{n}" for n in range(count)]).values_list("slug", flat=True)
    )
    Event.objects.bulk_create(
        [
            Event(name=name, name_key=name_key(name), slug=f"generated-{seed}-{n}")
            for n, name in enumerate(names)
            if f"generated-{seed}-{n}" not in existing
        ]
    )
    return list(Event.objects.filter(slug__startswith=f"generated-{seed}-").values_list("pk", flat=True))


def write_rows(model, rows) -> None:
    """Insert ``rows`` (dicts by field attname) into ``model``'s table as fast as
    the database takes them: COPY on PostgreSQL, batched inserts elsewhere.
    Fields a row leaves out get the model's default, or now for automatic times."""
    if connection.vendor != "postgresql":
        batch = []
        for row in rows:
            batch.append(model(**row))
            if len(batch) == BATCH:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    defaults = [
        now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()
        for field in fields
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row.get(field.attname, default) for field, default in zip(fields, defaults, strict=True)])
