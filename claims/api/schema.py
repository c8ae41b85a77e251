"""The OpenAPI schema documents the refusals too, in the API's one error
shape (see ``exceptions``), so that a client knows every status it may get.

Which refusals an operation documents follows from what it takes: every
operation needs a signed-in caller (401), may be refused (403) and throttled
(429), and answers 400 to a NUL character in its address, query, cookies or
headers (``tracker/nul_characters.py``), besides what its body or filters may
hold; one that names an object by id or pages with a cursor may answer 404.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Invalid input only: the messages for each field, nested fields named by dotted paths.",
    )


class StaleVersionSerializer(serializers.Serializer):
    """The answer to a change based on a version someone else has since replaced."""

    detail = serializers.CharField()
    code = serializers.CharField()
    current_version = serializers.IntegerField()


class TrackerAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._refusal_codes(operation):
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return operation

    @staticmethod
    def _refusal_codes(operation) -> list[str]:
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        codes = ["400", "401", "403", "429"]
        if any(p["in"] == "path" for p in parameters) or "cursor" in query:
            codes.append("404")
        return codes
