import json

import pytest
import yaml
from openapi_spec_validator import validate

from tests.factories import IRIS_INPUT, make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.fixture
def version():
    return make_version(make_entry(slug="iris", name="Iris"), semver="1.0.0")


def test_it_serves_the_document_as_json(client, version, settings):
    settings.GATEWAY_URL = "https://api.modelmarket.test"
    response = client.get("/models/iris/versions/1.0.0/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    doc = json.loads(response.content)
    validate(doc)
    assert doc["servers"][0]["url"] == "https://api.modelmarket.test"
    assert doc["components"]["schemas"]["IrisInput"] == IRIS_INPUT


def test_it_serves_the_same_document_as_yaml(client, version):
    as_json = json.loads(client.get("/models/iris/versions/1.0.0/openapi.json").content)
    response = client.get("/models/iris/versions/1.0.0/openapi.yaml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    text = response.content.decode()
    assert text.startswith("openapi: 3.1.0\n")
    assert "&id0" not in text  # no YAML anchors and aliases
    assert yaml.safe_load(text) == as_json


def test_it_refuses_to_document_a_version_nobody_may_see(client, version):
    make_version(version.entry, semver="2.0.0", state="draft")
    assert client.get("/models/iris/versions/2.0.0/openapi.json").status_code == 404
    assert client.get("/models/iris/versions/2.0.0/openapi.yaml").status_code == 404
    assert client.get("/models/iris/versions/3.0.0/openapi.json").status_code == 404
