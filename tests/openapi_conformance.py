"""Check one answer of the Django test client against the OpenAPI schema the
API serves: its status is documented for the operation, and its body matches
the documented schema."""

import functools

import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator


@functools.cache
def _schema():
    return schemathesis.openapi.from_dict(SchemaGenerator().get_schema(public=True))


def assert_documented(response, method: str, path: str) -> None:
    """``path`` is the schema's path template, e.g. ``/api/claims/{id}/``."""
    operation = _schema()[path][method.upper()]
    documented = operation.responses.status_codes
    assert str(response.status_code) in documented, f"{response.status_code} not documented: {documented}"
    answer = schemathesis.Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.headers.items()},
        content=response.content,
        request=requests.Request(method.upper(), f"http://testserver{response.request['PATH_INFO']}").prepare(),
        elapsed=0.0,
        verify=True,
    )
    operation.validate_response(answer)  # raises naming the first mismatch
