import pytest

from tests.factories import make_entry, make_publisher, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_it_lists_live_public_entries_to_anonymous_callers(anon_api, acme):
    live = make_entry(acme, slug="iris", name="Iris Classifier")
    make_version(live)
    make_version(make_entry(acme, slug="draft-only"), state="draft")
    make_version(make_entry(acme, slug="private", visibility="private"))

    response = anon_api.get("/api/models/")

    assert _slugs(response) == ["iris"]
    row = response.json()["results"][0]
    assert row["publisher"] == {"slug": "acme", "name": "Acme Models", "website": ""}
    assert row["tags"] == ["iris", "demo"]
    assert row["url"] == "http://testserver/api/models/iris/"
    assert row["page_url"] == "http://testserver/models/iris/"


def test_it_searches_with_q(anon_api, acme):
    make_version(make_entry(acme, slug="churn", name="Churn Predictor", summary="Customers."))
    make_version(make_entry(acme, slug="iris", name="Iris Classifier", summary="Flowers."))

    assert _slugs(anon_api.get("/api/models/", {"q": "churn"})) == ["churn"]
    assert _slugs(anon_api.get("/api/models/", {"q": "   "})) == ["churn", "iris"]


def test_an_explicit_ordering_overrides_relevance(anon_api, acme):
    make_version(make_entry(acme, slug="old", name="Churn Predictor", summary="Churn."))
    make_version(make_entry(acme, slug="new", name="Retention", summary="Predicts churn."))

    assert _slugs(anon_api.get("/api/models/", {"q": "churn"})) == ["old", "new"]
    assert _slugs(anon_api.get("/api/models/", {"q": "churn", "ordering": "newest"})) == [
        "new",
        "old",
    ]


def test_it_filters_by_task_license_and_publisher(anon_api, acme):
    other = make_publisher(slug="globex")
    make_version(make_entry(acme, slug="a", task="tabular-regression", license="mit"))
    make_version(make_entry(acme, slug="b", task="clustering", license="apache-2.0"))
    make_version(make_entry(other, slug="c", task="clustering", license="mit"))

    assert _slugs(anon_api.get("/api/models/", {"task": "clustering"})) == ["b", "c"]
    assert _slugs(anon_api.get("/api/models/", {"license": "mit"})) == ["a", "c"]
    assert _slugs(anon_api.get("/api/models/", {"publisher": "globex"})) == ["c"]
    assert _slugs(anon_api.get("/api/models/", {"task": "clustering", "license": "mit"})) == ["c"]
    # An empty value is no filter, as an HTML form sends it.
    assert _slugs(anon_api.get("/api/models/", {"task": ""})) == ["a", "b", "c"]


def test_it_filters_by_framework_and_hardware_of_visible_versions(anon_api, bob_api, acme):
    cpu = make_entry(acme, slug="cpu-model")
    make_version(cpu, framework="sklearn", hardware="cpu")
    gpu_soon = make_entry(acme, slug="gpu-soon")
    make_version(gpu_soon, semver="1.0.0", framework="sklearn", hardware="cpu")
    make_version(gpu_soon, semver="2.0.0", state="draft", framework="onnx", hardware="gpu")

    assert _slugs(anon_api.get("/api/models/", {"hardware": "gpu"})) == []
    assert _slugs(anon_api.get("/api/models/", {"framework": "onnx"})) == []
    assert _slugs(anon_api.get("/api/models/", {"hardware": "cpu"})) == ["cpu-model", "gpu-soon"]
    # Bob belongs to acme, so its draft counts for him.
    assert _slugs(bob_api.get("/api/models/", {"hardware": "gpu"})) == ["gpu-soon"]
    assert _slugs(bob_api.get("/api/models/", {"framework": "onnx"})) == ["gpu-soon"]


def test_it_orders_by_name_or_newest(anon_api, acme):
    for slug, name in [("first", "Zebra"), ("second", "Aardvark"), ("third", "Mango")]:
        make_version(make_entry(acme, slug=slug, name=name))

    assert _slugs(anon_api.get("/api/models/")) == ["second", "third", "first"]
    assert _slugs(anon_api.get("/api/models/", {"ordering": "name"})) == [
        "second",
        "third",
        "first",
    ]
    assert _slugs(anon_api.get("/api/models/", {"ordering": "newest"})) == [
        "third",
        "second",
        "first",
    ]


def test_it_paginates_twenty_to_a_page(anon_api, acme):
    for n in range(23):
        make_version(make_entry(acme, slug=f"model-{n:02}", name=f"Model {n:02}"))

    first = anon_api.get("/api/models/").json()
    second = anon_api.get("/api/models/", {"page": 2}).json()

    assert first["count"] == 23
    assert len(first["results"]) == 20
    assert first["next"] == "http://testserver/api/models/?page=2"
    assert [r["slug"] for r in second["results"]] == ["model-20", "model-21", "model-22"]
