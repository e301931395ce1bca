import pytest

from tests.browse.pages import result_names
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_ranks_a_name_match_above_a_description_only_match(client):
    # Alphabetical order is the opposite of the expected rank order.
    make_version(
        make_entry(name="Zeta Churn Predictor", summary="Scores customers.", description="Trees.")
    )
    make_version(
        make_entry(name="Alpha Forecaster", summary="Forecasts sales.", description="Flags churn.")
    )
    make_version(make_entry(name="Iris Classifier", summary="Flowers.", description="Petals."))
    response = client.get("/models/", {"q": "churn"})
    assert response.status_code == 200
    assert result_names(response) == ["Zeta Churn Predictor", "Alpha Forecaster"]
    assert "2 models for “churn”" in response.content.decode()


def test_it_finds_only_entries_with_every_word_of_the_query(client):
    make_version(make_entry(name="Fraud Scorer", summary="Scores card payments for fraud."))
    make_version(make_entry(name="Fraud Graph", summary="Finds rings of accounts."))
    response = client.get("/models/", {"q": "fraud payments"})
    assert result_names(response) == ["Fraud Scorer"]


def test_it_orders_search_results_by_name_when_asked(client):
    make_version(make_entry(name="Zeta Churn Predictor", description="Trees."))
    make_version(make_entry(name="Alpha Forecaster", description="Flags churn."))
    response = client.get("/models/", {"q": "churn", "sort": "name"})
    assert result_names(response) == ["Alpha Forecaster", "Zeta Churn Predictor"]


def test_it_says_when_nothing_matches(client):
    make_version(make_entry(name="Iris Classifier"))
    response = client.get("/models/", {"q": "submarine"})
    html = response.content.decode()
    assert result_names(response) == []
    assert "0 models" in html
    assert "No models match." in html
