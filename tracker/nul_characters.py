"""Refuses a request that carries a NUL character in its address, query
string, cookies or headers, with a 400 naming where.

PostgreSQL text cannot hold NUL (psycopg raises on the query, a 500). Bodies
never get that far: every form and serializer field refuses NUL (Django's and
DRF's ``CharField``). The rest of a request reaches lookups unvalidated: the
session cookie is looked up as a session key, an API token as a token, an
event's slug comes from the address, the admin's list filters from the query
string. No address, parameter name, cookie or header of this site means
anything with a NUL in it, so one check here, before the session, the user or
a view reads them, covers every one.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


def refuse_nul_characters(get_response):
    def middleware(request):
        where = _where_nul(request)
        if where is None:
            return get_response(request)
        message = _("%(where)s contains a NUL character, which is not allowed.") % {"where": where[1]}
        if request.path_info.startswith("/api/"):
            # The API's one error shape (claims/api/exceptions.py).
            body = {"detail": message, "code": "invalid", "errors": {where[0]: [message]}}
            return JsonResponse(body, status=400)
        return render(request, "400.html", {"message": message}, status=400)

    return middleware


def _where_nul(request) -> tuple[str, str] | None:
    """The first place of ``request`` holding a NUL, as (field, description), or None."""
    if NUL in request.path_info:
        return "path", _("The address")
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            return name, _("The query parameter “%(name)s”") % {"name": name.replace(NUL, "")}
    for name, value in request.COOKIES.items():
        if NUL in name or NUL in value:
            return name, _("The cookie “%(name)s”") % {"name": name.replace(NUL, "")}
    for name, value in request.headers.items():
        if NUL in value:
            return name, _("The header “%(name)s”") % {"name": name}
    return None
