"""Served bentos answer /predict and /predict_batch with the contract's outputs."""

import pytest

from tests.bento.conftest import SETOSA, VIRGINICA, diabetes_input

pytestmark = pytest.mark.pipeline


def test_it_classifies_a_setosa(iris_service, client):
    response = client.post(f"{iris_service.url}/predict", json=SETOSA)
    assert response.status_code == 200
    output = response.json()
    assert output["label"] == "setosa"
    assert output["probabilities"]["setosa"] > 0.9


def test_it_regresses_close_to_scikit_learn(
    diabetes_service, diabetes_model, diabetes_data, client
):
    row = diabetes_data[0][42]
    response = client.post(f"{diabetes_service.url}/predict", json=diabetes_input(row))
    assert response.status_code == 200
    expected = diabetes_model.predict(row.reshape(1, -1))[0]
    assert response.json() == {"progression": pytest.approx(expected, rel=1e-4)}


def test_it_answers_one_output_per_instance_in_order(
    iris_service, diabetes_service, diabetes_model, diabetes_data, client
):
    iris = client.post(
        f"{iris_service.url}/predict_batch", json={"instances": [SETOSA, VIRGINICA, SETOSA]}
    )
    assert iris.status_code == 200
    assert [o["label"] for o in iris.json()["outputs"]] == ["setosa", "virginica", "setosa"]

    rows = diabetes_data[0][:25]
    diabetes = client.post(
        f"{diabetes_service.url}/predict_batch",
        json={"instances": [diabetes_input(row) for row in rows]},
    )
    values = [o["progression"] for o in diabetes.json()["outputs"]]
    assert values == pytest.approx(diabetes_model.predict(rows).tolist(), rel=1e-4)
