"""The API's one error shape.

Every refusal answers ``{"detail": "...", "code": "..."}``; invalid input
adds ``"errors": {field: [messages]}``, with nested fields named by dotted
paths (``casualty_figures.0.high``). Domain errors are translated here:
a Django ``ValidationError`` from the services is a 400, ``StaleVersion`` a
409 that tells the current version, ``TransitionRefused`` a 403 (or a 400 on
its field when only the rationale is missing).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import exception_handler

from claims.exceptions import PossibleDuplicate, StaleVersion, TransitionRefused

GENERAL_FIELD = "non_field_errors"


def api_exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        return Response(
            {"detail": str(exc), "code": "stale_version", "current_version": exc.current},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, TransitionRefused):
        return _transition_refused(exc)
    if isinstance(exc, PossibleDuplicate):
        return _possible_duplicate(exc, context)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": error_fields(exc.detail), "detail": str(_("Invalid input.")), "code": "invalid"}
    else:
        response.data = {"detail": str(exc.detail), "code": exc.get_codes()}
    return response


def _transition_refused(exc: TransitionRefused) -> Response:
    if exc.field == "rationale":
        return Response(
            {"errors": {exc.field: [str(exc.message)]}, "detail": str(exc.message), "code": exc.code},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return Response({"detail": str(exc.message), "code": exc.code}, status=status.HTTP_403_FORBIDDEN)


def _possible_duplicate(exc: PossibleDuplicate, context) -> Response:
    """A 400 as any invalid field is, with the claims it may repeat, so that
    a client can link its source to one of them or confirm and send again."""
    request = context.get("request")
    duplicates = [
        {
            "id": claim.pk,
            "url": reverse("api:claim-detail", args=[claim.pk], request=request),
            "text": claim.text,
            "reason": reason,
        }
        for claim, reason in exc.duplicates
    ]
    body = {
        "errors": _django_errors(exc),
        "detail": str(_("Invalid input.")),
        "code": "possible_duplicate",
        "duplicates": duplicates,
    }
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _django_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {GENERAL_FIELD if name == NON_FIELD_ERRORS else name: msgs for name, msgs in exc.message_dict.items()}
    return {GENERAL_FIELD: exc.messages}


def error_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """``detail`` (DRF's nested errors) as one level of dotted field names."""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for name, value in detail.items():
            if name in (NON_FIELD_ERRORS, GENERAL_FIELD):
                # About a nested object or list as a whole (``casualty_figures``: too many), named by its path.
                path = prefix or GENERAL_FIELD
            else:
                path = f"{prefix}.{name}" if prefix else str(name)
            for key, messages in error_fields(value, path).items():
                fields.setdefault(key, []).extend(messages)
    elif isinstance(detail, list) and not any(isinstance(item, (dict, list)) for item in detail):
        fields[prefix or GENERAL_FIELD] = [str(item) for item in detail]
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if item:
                for key, messages in error_fields(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    fields.setdefault(key, []).extend(messages)
    else:
        fields[prefix or GENERAL_FIELD] = [str(detail)]
    return fields
