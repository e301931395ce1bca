import pytest
from django.utils.html import escape

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.fixture
def version():
    entry = make_entry(slug="iris", name="Iris Classifier", tags=["flowers"])
    return make_version(
        entry,
        semver="1.2.0",
        changelog="Retrained on **more** flowers.",
        contract={
            "input_schema": {
                "type": "object",
                "required": ["petal_length"],
                "properties": {
                    "petal_length": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 10,
                        "description": "Petal length in centimetres",
                    },
                    "garden": {
                        "type": "object",
                        "properties": {"name": {"type": "string", "maxLength": 40}},
                    },
                },
            },
            "output_schema": {
                "type": "object",
                "properties": {"label": {"type": "string", "enum": ["setosa", "virginica"]}},
            },
            "examples": [
                {
                    "name": "A short petal",
                    "input": {"petal_length": 1.4},
                    "output": {"label": "setosa"},
                }
            ],
            "latency_slo_p95_ms": 150,
            "timeout_ms": 2500,
            "max_payload_bytes": 2_000_000,
            "error_codes": [{"code": "unknown_species", "status": 422, "meaning": "No iris."}],
        },
    )


def test_it_shows_the_fields_with_types_constraints_and_descriptions(client, version):
    html = client.get("/models/iris/versions/1.2.0/").content.decode()
    for text in (
        "petal_length",
        "garden.name",
        "Petal length in centimetres",
        "≥ 0; ≤ 10",
        "at most 40 characters",
        "one of setosa, virginica",
        "label",
    ):
        assert text in html, text


def test_it_shows_the_examples_as_json(client, version):
    html = client.get("/models/iris/versions/1.2.0/").content.decode()
    assert "A short petal" in html
    assert escape('"petal_length": 1.4') in html
    assert escape('"label": "setosa"') in html


def test_it_shows_the_service_levels(client, version):
    html = client.get("/models/iris/versions/1.2.0/").content.decode()
    assert "150 ms" in html
    assert "2,500 ms" in html
    assert "2 MB (2,000,000 bytes)" in html
    assert "Synchronous" in html


def test_it_shows_the_error_codes_with_their_status_and_meaning(client, version):
    html = client.get("/models/iris/versions/1.2.0/").content.decode()
    assert '<tr id="error-rate_limited"><td><code>rate_limited</code></td><td>429</td>' in html
    own = '<tr id="error-unknown_species"><td><code>unknown_species</code></td><td>422</td>'
    assert own + "<td>No iris.</td>" in html


def test_it_shows_a_curl_snippet_for_the_exact_version(client, version, settings):
    settings.GATEWAY_URL = "https://api.modelmarket.test"
    html = client.get("/models/iris/versions/1.2.0/").content.decode()
    assert "curl -X POST https://api.modelmarket.test/v1/models/iris/versions/1.2.0/predict" in html
    assert "$MODEL_MARKET_KEY" in html
    assert "requests.post(" in html and "await fetch(" in html


def test_it_links_the_openapi_documents_and_docs(client, version):
    html = client.get("/models/iris/versions/1.2.0/").content.decode()
    for url in ("openapi.json", "openapi.yaml", "docs/"):
        assert f'href="/models/iris/versions/1.2.0/{url}"' in html


def test_it_lists_versions_with_state_and_rendered_changelog(client, version):
    make_version(version.entry, semver="1.0.0", state="deprecated")
    html = client.get("/models/iris/versions/1.2.0/").content.decode()
    assert '<a href="/models/iris/versions/1.0.0/">1.0.0</a>' in html
    assert '<span class="badge state-deprecated">Deprecated</span>' in html
    assert "Retrained on <strong>more</strong> flowers." in html


def test_the_model_page_shows_the_newest_live_version(client, version):
    make_version(version.entry, semver="1.0.0")
    make_version(version.entry, semver="2.0.0", state="testing")
    response = client.get("/models/iris/")
    assert response.status_code == 200
    assert response.context["version"].semver == "1.2.0"
    assert "/v1/models/iris/versions/1.2.0/predict" in response.content.decode()
