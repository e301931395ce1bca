import re

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_the_schema_is_a_valid_openapi_document(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"] == "3.0.3"
    assert set(document["paths"]) == {
        "/api/models/",
        "/api/models/{slug}/",
        "/api/models/{slug}/versions/",
        "/api/models/{slug}/versions/{semver}/",
        "/api/models/{slug}/versions/{semver}/contract/",
        "/api/models/{slug}/versions/{semver}/retry/",
        "/api/models/{slug}/versions/{semver}/rerun-gates/",
        "/api/models/{slug}/versions/{semver}/deprecate/",
        "/api/models/{slug}/versions/{semver}/retire/",
        "/api/schema-proposals/",
    }
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert {tag for op in operations for tag in op["tags"]} == {"models", "versions"}


def test_the_schema_declares_the_bearer_token_scheme(client):
    document = client.get("/api/schema/", {"format": "json"}).json()

    scheme = document["components"]["securitySchemes"]["personalAccessToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    create = document["paths"]["/api/models/"]["post"]
    assert {"personalAccessToken": []} in create["security"]


def test_the_schema_documents_the_list_filters(client):
    document = client.get("/api/schema/", {"format": "json"}).json()

    params = {p["name"]: p for p in document["paths"]["/api/models/"]["get"]["parameters"]}
    expected = {"q", "task", "license", "publisher", "framework", "hardware", "ordering", "page"}
    assert expected <= set(params)
    assert "tabular-classification" in params["task"]["schema"]["enum"]
    assert params["ordering"]["schema"]["enum"] == ["newest", "name", ""]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_are_served_from_local_static_files(client, path):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"""(src|href)=["']?https?://""", html) is None
    assets = re.findall(r"""(?:src|href)="/static/([^"]+)\"""", html)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert finders.find(asset), asset
