"""Finding parties (actors), places and events by the names people type, and
creating them when they are new: the one place that decides when two names
are the same row, shared by the submit and edit pages (``claims.forms``
hands names on), the importer (``claims.importing``), the API and the claim
services (``claims.services``), which create rows inside their write
transaction.

Names match by ``claims.names.name_key`` (NFKC, case folded, whitespace
collapsed), so "Local Armenians" typed on a page and "ＬＯＣＡＬ ARMENIANS"
in an import file are one party. A party or place is found by its own name
or by any of its aliases (``ActorAlias``, ``PlaceAlias``: "亚美尼亚武装部队"
finds the Armed Forces of Armenia), and one that was merged into another
(``claims.services.merge_actors``) stands for the one it was merged into,
so that its old name and old links still lead somewhere. ``resolve_*`` only
look; ``get_or_create_*`` write, and are for the service layer: pages and
serializers pass names, not rows they created themselves.
"""

from django.db import IntegrityError, transaction

from .choices import PlacePrecision
from .models import Actor, ActorAlias, Event, Place, PlaceAlias
from .names import name_key, tidy_name

# A place named on the submit page or in an import is taken to be a locality
# (a town or village) until someone says otherwise.
NEW_PLACE_PRECISION = PlacePrecision.LOCALITY


def survivor(row):
    """The party or place ``row`` stands for now: itself, or the one it was
    merged into (``None`` stays ``None``)."""
    # A merge points every earlier merged row at the new survivor, so this is
    # one step; the bound only guards against a cycle made by hand.
    for _step in range(10):
        if row is None or row.merged_into_id is None:
            return row
        row = row.merged_into
    raise ValueError(f"{row!r} is merged in a cycle")


def resolve_actor(name: str) -> Actor | None:
    """The party called ``name`` (its own name or an alias), or ``None`` if
    there is none (or no name)."""
    key = name_key(name)
    if not key:
        return None
    actor = Actor.objects.filter(name_key=key).first() or Actor.objects.filter(aliases__name_key=key).first()
    return survivor(actor)


def get_or_create_actor(name: str) -> Actor | None:
    """The party called ``name``, created if new; ``None`` for an empty name.
    Raises ``ValidationError`` (on ``name``) if a new party cannot be called
    that, e.g. a name too long."""
    if not name_key(name):
        return None
    return resolve_actor(name) or _create(Actor(name=tidy_name(name)), lambda: resolve_actor(name))


def resolve_place(name: str, precision: str = "") -> Place | None:
    """The place called ``name`` (its own name, else an alias): the one at
    ``precision`` if given, else the first recorded of that name whatever its
    precision; ``None`` if none."""
    key = name_key(name)
    if not key:
        return None
    for places in (Place.objects.filter(name_key=key), Place.objects.filter(aliases__name_key=key)):
        places = places.order_by("pk")
        found = (places.filter(precision=precision) if precision else places).first()
        if found is not None:
            return survivor(found)
    return None


def get_or_create_place(name: str, precision: str = "") -> Place | None:
    """The place called ``name`` (at ``precision`` if given), created if new,
    as a locality unless ``precision`` says otherwise; ``None`` for an empty name."""
    if not name_key(name):
        return None
    return resolve_place(name, precision) or _create(
        Place(name=tidy_name(name), precision=precision or NEW_PLACE_PRECISION),
        lambda: resolve_place(name, precision or NEW_PLACE_PRECISION),
    )


def resolve_event(*, slug: str = "", name: str = "") -> Event | None:
    """The event with ``slug`` if one is given, else the first recorded
    called ``name``; ``None`` if there is none."""
    if slug:
        return Event.objects.filter(slug=slug).first()
    key = name_key(name)
    return Event.objects.filter(name_key=key).order_by("pk").first() if key else None


def get_or_create_event(name: str, *, slug: str = "") -> Event | None:
    """The event with ``slug`` (or, without one, called ``name``), created if
    new under that slug or one made from the name; ``None`` if neither is given."""
    if not slug and not name_key(name):
        return None
    existing = resolve_event(slug=slug, name=name)
    if existing is not None:
        return existing
    if slug:
        return _create(Event(name=tidy_name(name) or slug, slug=slug), lambda: resolve_event(slug=slug))
    return Event.objects.create_named(tidy_name(name))


# How many names a page offers as the user types: all of a small install's,
# and, once there are more, those that contain what was typed (htmx asks).
KNOWN_NAMES_LIMIT = 500


def known_actor_names(typed: str = "", limit: int = KNOWN_NAMES_LIMIT) -> list[str]:
    """The names that find a party (those of parties not merged away, and
    every alias), containing ``typed`` as compared by ``name_key``, sorted."""
    return _known_names(Actor.objects.filter(merged_into=None), ActorAlias.objects.all(), typed, limit)


def known_place_names(typed: str = "", limit: int = KNOWN_NAMES_LIMIT) -> list[str]:
    """The names that find a place, as ``known_actor_names`` for parties."""
    return _known_names(Place.objects.filter(merged_into=None), PlaceAlias.objects.all(), typed, limit)


def _known_names(rows, aliases, typed, limit) -> list[str]:
    key = name_key(typed)
    if key:
        rows, aliases = rows.filter(name_key__contains=key), aliases.filter(name_key__contains=key)
    # Each part unordered: SQLite orders only the whole of a union.
    names = rows.order_by().values_list("name", flat=True).union(aliases.order_by().values_list("name", flat=True))
    return list(names.order_by("name")[:limit])


def _create(row, find_again):
    """Save the new ``row`` after validating it; if someone created the same
    row meanwhile (the unique constraint says so), the one they created."""
    row.full_clean()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        existing = find_again()
        if existing is None:
            raise
        return existing
    return row
