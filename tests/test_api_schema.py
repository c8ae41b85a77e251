"""The OpenAPI schema is valid and warning-free, and its documentation page
is served from local static files."""

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient


def test_schema_validates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yml"

    # --fail-on-warn turns any warning or error of generation or validation into an exception.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    assert "/api/claims/{id}/transitions/" in paths
    assert set(paths["/api/claims/{id}/transitions/"]) == {"get", "post"}
    assert "put" not in paths["/api/claims/{id}/"]
    assert "/api/sources/{id}/check/" in paths
    assert "multipart/form-data" in paths["/api/claims/{id}/evidence/"]["post"]["requestBody"]["content"]


@pytest.mark.django_db
def test_schema_endpoint_serves_openapi():
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.django_db
def test_docs_use_the_bundled_swagger_ui():
    response = APIClient().get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
