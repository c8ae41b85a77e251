"""``{% known_names %}``: the ``<datalist>``s of party and place names that
the name inputs of a page offer (``claims.forms._name_input``)."""

from django import template

from claims.lookups import known_actor_names, known_place_names

register = template.Library()


@register.inclusion_tag("claims/_known_names.html")
def known_names():
    return {"known_actor_names": known_actor_names(), "known_place_names": known_place_names()}
