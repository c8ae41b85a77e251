"""The API's request parsers, with a cap on the body they read.

Django's own cap (``DATA_UPLOAD_MAX_MEMORY_SIZE``) guards ``request.body``
and its form parsing, but DRF's parsers read the request stream directly and
would take a body of any size. These read at most ``API_MAX_BODY_BYTES``
(a multipart upload's files are Django's upload handlers' business, and
bounded by the evidence limits) and answer 413 for more, before parsing
anything; JSON is read through ``claims.bounded_json``.
"""

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status

from claims import bounded_json
from claims.uploads import describe_size


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int):
        super().__init__(
            _("The request body is over the limit of %(limit)s (%(bytes)s bytes).")
            % {"limit": describe_size(limit), "bytes": limit}
        )


def read_bounded(stream, parser_context) -> bytes:
    """The request body, refused with ``BodyTooLarge`` when it is longer than
    ``API_MAX_BODY_BYTES``: by its declared length before any of it is read,
    and by what arrives when no length is declared."""
    limit = settings.API_MAX_BODY_BYTES
    request = parser_context["request"]
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise BodyTooLarge(limit)
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise BodyTooLarge(limit)
    return body


class BoundedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        body = read_bounded(stream, parser_context)
        try:
            return bounded_json.loads(body.decode(encoding))
        except bounded_json.JSONTooDeep as exc:
            raise exceptions.ParseError(
                _("JSON may be nested at most %(limit)s levels deep; this body is nested more than %(limit)s.")
                % {"limit": exc.limit}
            ) from None
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError among them
            raise exceptions.ParseError(_("JSON parse error: %(error)s") % {"error": exc}) from None


class BoundedFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        return QueryDict(read_bounded(stream, parser_context), encoding=encoding)
