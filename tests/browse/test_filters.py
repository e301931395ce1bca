import pytest

from tests.browse.pages import result_names
from tests.factories import make_entry, make_publisher, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


@pytest.fixture
def catalog(acme):
    """Three published entries that differ in every filtered attribute."""
    other = make_publisher(name="Other Labs", slug="other-labs")
    make_version(
        make_entry(acme, name="Iris Classifier", task="tabular-classification", license="mit")
    )
    make_version(
        make_entry(other, name="Spam Filter", task="text-classification", license="apache-2.0"),
        framework="onnx",
    )
    make_version(
        make_entry(other, name="Vision Net", task="image-classification", license="apache-2.0"),
        framework="onnx",
        hardware="gpu",
        gpu_memory_gb=16,
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"task": "text-classification"}, ["Spam Filter"]),
        ({"framework": "onnx"}, ["Spam Filter", "Vision Net"]),
        ({"framework": "sklearn"}, ["Iris Classifier"]),
        ({"hardware": "gpu"}, ["Vision Net"]),
        ({"hardware": "cpu"}, ["Iris Classifier", "Spam Filter"]),
        ({"license": "apache-2.0"}, ["Spam Filter", "Vision Net"]),
        ({"publisher": "acme"}, ["Iris Classifier"]),
        ({"publisher": "other-labs", "hardware": "cpu"}, ["Spam Filter"]),
        ({"task": "clustering"}, []),
    ],
)
def test_it_filters_by_each_criterion(client, catalog, params, expected):
    response = client.get("/models/", {**params, "sort": "name"})
    assert response.status_code == 200
    assert result_names(response) == expected


def test_it_requires_one_version_to_meet_both_version_filters(client, acme):
    entry = make_entry(acme, name="Mixed Model")
    make_version(entry, "1.0.0", framework="onnx", hardware="cpu")
    make_version(entry, "1.1.0", framework="sklearn", hardware="gpu")
    assert result_names(client.get("/models/", {"framework": "onnx", "hardware": "gpu"})) == []
    found = client.get("/models/", {"framework": "sklearn", "hardware": "gpu"})
    assert result_names(found) == ["Mixed Model"]


def test_it_marks_the_chosen_filters_in_the_sidebar(client, catalog):
    html = client.get("/models/", {"task": "text-classification", "q": "spam"}).content.decode()
    assert '<option value="text-classification" selected>' in html
    assert 'name="q" id="id_q" value="spam"' in html
