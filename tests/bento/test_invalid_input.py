"""Invalid bodies get a 400 listing every schema error, without a traceback in the log."""

import pytest

from tests.bento.conftest import SETOSA

pytestmark = pytest.mark.pipeline


def test_it_lists_every_schema_error(iris_service, client):
    bad = {"sepal_length": "long", "sepal_width": 30, "petal_length": 1.4, "colour": "blue"}
    response = client.post(f"{iris_service.url}/predict", json=bad)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_input"
    assert body["errors"] == [
        {"path": "(root)", "message": "'petal_width' is a required property"},
        {
            "path": "(root)",
            "message": "Additional properties are not allowed ('colour' was unexpected)",
        },
        {"path": "sepal_length", "message": "'long' is not of type 'number'"},
        {"path": "sepal_width", "message": "30 is greater than the maximum of 10"},
    ]


def test_it_points_into_the_batch(iris_service, client):
    response = client.post(
        f"{iris_service.url}/predict_batch",
        json={"instances": [SETOSA, dict(SETOSA, petal_width=-1)]},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "instances/1/petal_width", "message": "-1 is less than the minimum of 0"}
    ]
    empty = client.post(f"{iris_service.url}/predict_batch", json={"instances": []})
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["path"] == "instances"


def test_it_refuses_a_body_that_is_not_an_object_or_not_json(iris_service, client):
    listed = client.post(f"{iris_service.url}/predict", json=[5.1, 3.5, 1.4, 0.2])
    assert listed.status_code == 400
    assert listed.json()["errors"] == [
        {"path": "(root)", "message": "[5.1, 3.5, 1.4, 0.2] is not of type 'object'"}
    ]
    garbled = client.post(
        f"{iris_service.url}/predict",
        content=b"sepal_length=5.1",
        headers={"content-type": "application/json"},
    )
    assert garbled.status_code == 400
    assert garbled.json()["errors"][0]["message"].startswith("Expecting value: line 1 column 1")
    not_a_number = client.post(
        f"{iris_service.url}/predict",
        content=b'{"sepal_length": NaN, "sepal_width": 3.5, "petal_length": 1.4}',
        headers={"content-type": "application/json"},
    )
    assert not_a_number.status_code == 400
    assert not_a_number.json()["errors"][0]["message"] == "NaN is not a JSON number"
    form = client.post(f"{iris_service.url}/predict", data={"sepal_length": "5.1"})
    assert form.status_code == 415
    assert form.json()["errors"][0]["message"] == (
        "Content-Type application/x-www-form-urlencoded is not accepted; send application/json."
    )
    assert "Traceback" not in iris_service.log_path.read_text()
