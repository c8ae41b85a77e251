"""Finding parties (actors), places and events by the names people type, and
creating them when they are new: the one place that decides when two names
are the same row, shared by the submit and edit pages (``claims.forms``
hands names on), the importer (``claims.importing``), the API and the claim
services (``claims.services``), which create rows inside their write
transaction.

Names match by ``claims.names.name_key`` (NFKC, case folded, whitespace
collapsed), so "Local Armenians" typed on a page and "ＬＯＣＡＬ ARMENIANS"
in an import file are one party. ``resolve_*`` only look; ``get_or_create_*``
write, and are for the service layer: pages and serializers pass names, not
rows they created themselves. A party known under other names (in another
language, an abbreviation) is to be found here too, by looking the key up
among its aliases as well: callers need not change.
"""

from django.db import IntegrityError, transaction

from .choices import PlacePrecision
from .models import Actor, Event, Place
from .names import name_key, tidy_name

# A place named on the submit page or in an import is taken to be a locality
# (a town or village) until someone says otherwise.
NEW_PLACE_PRECISION = PlacePrecision.LOCALITY


def resolve_actor(name: str) -> Actor | None:
    """The party called ``name``, or ``None`` if there is none (or no name)."""
    key = name_key(name)
    return Actor.objects.filter(name_key=key).first() if key else None


def get_or_create_actor(name: str) -> Actor | None:
    """The party called ``name``, created if new; ``None`` for an empty name.
    Raises ``ValidationError`` (on ``name``) if a new party cannot be called
    that, e.g. a name too long."""
    if not name_key(name):
        return None
    return resolve_actor(name) or _create(Actor(name=tidy_name(name)), lambda: resolve_actor(name))


def resolve_place(name: str, precision: str = "") -> Place | None:
    """The place called ``name``: the one at ``precision`` if given, else the
    first recorded of that name whatever its precision; ``None`` if none."""
    key = name_key(name)
    if not key:
        return None
    places = Place.objects.filter(name_key=key).order_by("pk")
    return (places.filter(precision=precision) if precision else places).first()


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
