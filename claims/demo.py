"""Loading the demo data set from its fixture file.

The loader is idempotent: every row is looked up by a natural key (user name,
outlet name, actor and place name as ``claims.lookups`` compares them, event
slug, source URL, claim text and submitter) before it is created, so running
it again changes nothing. Claims
are created through ``claims.services`` and moved through
``claims.workflow``, so the demo has the same log a real claim would.
"""

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils.dateparse import parse_date

from sources.models import Outlet
from sources.services import get_or_create_source

from .lookups import resolve_actor, resolve_place
from .models import Actor, ActorAlias, Claim, Event, Place
from .names import name_key, tidy_name
from .services import SourceLinkData, add_evidence, submit_claim
from .workflow import change_status

DEMO_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo_nagorno_karabakh.json"


@dataclass
class DemoResult:
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, password)
    claims_created: int = 0
    claims_existing: int = 0


def _dates(data: dict, *names: str) -> dict:
    return {name: parse_date(data[name]) if data.get(name) else None for name in names if name in data}


def _ensure_user(spec: dict) -> User:
    user, created = User.objects.get_or_create(username=spec["username"])
    if created:
        user.set_password(spec["password"])
        user.save()
    user.groups.add(Group.objects.get(name=spec["role"]))
    return user


def _ensure_aliases(actor: Actor, names) -> None:
    """Give ``actor`` each of ``names`` (its name in the original language
    among them) as an alias, so that the party is found by any of them
    ("当地亚美尼亚官员" in a Chinese article is the local Armenians) and the
    event page shows their figures together."""
    for name in names:
        key = name_key(name)
        if key and key != actor.name_key and not ActorAlias.objects.filter(name_key=key).exists():
            ActorAlias.objects.create(actor=actor, name=tidy_name(name))


def demo_reviewer_login(path: Path = DEMO_FIXTURE) -> tuple[str, str] | None:
    """The demo reviewer's username and password, when demo data is allowed
    here (``DEMO_DATA_ALLOWED``) and that account exists: for the log-in page."""
    if not settings.DEMO_DATA_ALLOWED:
        return None
    username, password = _demo_reviewer(path)
    if not User.objects.filter(username=username).exists():
        return None
    return username, password


@functools.cache
def _demo_reviewer(path: Path) -> tuple[str, str]:
    """Read once per process: the log-in page asks on every view."""
    spec = next(user for user in json.loads(path.read_text(encoding="utf-8"))["users"] if user["role"] == "reviewer")
    return spec["username"], spec["password"]


@transaction.atomic
def load_demo(path: Path = DEMO_FIXTURE) -> DemoResult:
    data = json.loads(path.read_text(encoding="utf-8"))
    result = DemoResult()
    users = {}
    for spec in data["users"]:
        users[spec["username"]] = _ensure_user(spec)
        result.users.append((spec["username"], spec["role"], spec["password"]))
    for spec in data["outlets"]:
        Outlet.objects.get_or_create(name=spec["name"], defaults=spec)
    actors = {}
    for spec in data["actors"]:
        defaults = {k: v for k, v in spec.items() if k not in ("name", "affiliation", "aliases")}
        if spec.get("affiliation"):
            defaults["affiliation"] = actors[spec["affiliation"]]
        actors[spec["name"]] = resolve_actor(spec["name"]) or Actor.objects.create(name=spec["name"], **defaults)
        _ensure_aliases(actors[spec["name"]], [spec.get("name_original", ""), *spec.get("aliases", [])])
    places = {}
    for spec in data["places"]:
        places[spec["name"]] = resolve_place(spec["name"], spec["precision"]) or Place.objects.create(
            name=spec["name"], precision=spec["precision"], name_original=spec.get("name_original", "")
        )
    events = {}
    for spec in data["events"]:
        defaults = {
            "name": spec["name"],
            "name_original": spec.get("name_original", ""),
            "description": spec.get("description", ""),
            "place": places.get(spec.get("place")),
            **_dates(spec, "started_on", "ended_on"),
        }
        events[spec["slug"]], _ = Event.objects.get_or_create(slug=spec["slug"], defaults=defaults)
    for spec in data["sources"]:
        fields = {k: v for k, v in spec.items() if k not in ("url", "outlet", "published_on")}
        get_or_create_source(
            spec["url"],
            outlet=Outlet.objects.get(name=spec["outlet"]),
            published_on=parse_date(spec["published_on"]),
            **fields,
        )
    for spec in data["claims"]:
        submitter = users[spec["submitter"]]
        if Claim.objects.filter(text=spec["text"], submitter=submitter).exists():
            result.claims_existing += 1
            continue
        _create_claim(spec, submitter, users, actors, places, events)
        result.claims_created += 1
    return result


def _create_claim(spec, submitter, users, actors, places, events) -> Claim:
    fields = {
        "text": spec["text"],
        "language": spec["language"],
        "translation": spec.get("translation", ""),
        "kind": spec["kind"],
        "claimant": actors.get(spec.get("claimant")),
        "event": events.get(spec.get("event")),
        "place": places.get(spec.get("place")),
        **_dates(spec, "occurred_on", "occurred_until", "stated_on"),
    }
    figures = [{**figure, **_dates(figure, "as_of")} for figure in spec.get("casualty_figures", [])]
    presences = [
        {
            "force": actors[presence["force"]],
            "place": places[presence["place"]],
            "presence": presence["presence"],
            **_dates(presence, "period_start", "period_end"),
        }
        for presence in spec.get("troop_presences", [])
    ]
    links = [SourceLinkData(**link) for link in spec.get("sources", [])]
    claim = submit_claim(submitter, fields=fields, figures=figures, presences=presences, sources=links)
    for evidence in spec.get("evidence", []):
        add_evidence(
            claim,
            users[evidence["by"]],
            stance=evidence["stance"],
            source_url=evidence.get("source_url", ""),
            quoted_passage=evidence.get("quoted_passage", ""),
            note=evidence.get("note", ""),
        )
    for step in spec.get("workflow", []):
        claim = change_status(
            claim, users[step["by"]], step["to"], rationale=step.get("rationale", ""), expected_version=claim.version
        )
    return claim
