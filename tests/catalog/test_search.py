import pytest

from catalog.models import ModelEntry
from catalog.search import search_entries
from tests.factories import make_entry

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_ranks_a_name_match_above_a_description_only_match():
    make_entry(
        name="Churn Predictor", summary="Scores customers.", description="Gradient boosting."
    )
    make_entry(name="Sales Forecaster", summary="Forecasts sales.", description="Also flags churn.")
    make_entry(name="Iris Classifier", summary="Flowers.", description="Sepals and petals.")
    found = list(search_entries(ModelEntry.objects.all(), "churn").values_list("name", flat=True))
    assert found == ["Churn Predictor", "Sales Forecaster"]


def test_it_requires_every_word_of_the_query():
    make_entry(name="Fraud Scorer", summary="Scores card payments for fraud.")
    make_entry(name="Fraud Graph", summary="Finds rings of accounts.")
    found = list(
        search_entries(ModelEntry.objects.all(), "fraud payments").values_list("name", flat=True)
    )
    assert found == ["Fraud Scorer"]


def test_a_blank_query_matches_everything():
    make_entry(name="A")
    make_entry(name="B")
    assert search_entries(ModelEntry.objects.all(), "   ").count() == 2


def test_a_very_long_query_is_cut_to_its_first_words_not_an_error():
    make_entry(name="Spam Filter", summary="Scores messages.")
    query = "spam " + " ".join(f"word{i}" for i in range(60))
    assert search_entries(ModelEntry.objects.all(), "spam spam spam filter").count() == 1
    assert search_entries(ModelEntry.objects.all(), query).count() == 0
