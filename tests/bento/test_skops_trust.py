"""skops archives load only with the platform's explicit list of trusted types."""

import importlib

import numpy as np
import pytest
import skops.io

from serving.bento.artifacts import TRUSTED_TYPES, ArtifactError, validate_skops
from tests.bento.conftest import IRIS_INPUT, IRIS_OUTPUT

pytestmark = pytest.mark.pipeline


def double(x):
    return 2 * x


def test_it_describes_a_trusted_classifier(iris_skops):
    info = validate_skops(iris_skops, IRIS_INPUT, IRIS_OUTPUT)
    assert (info.estimator, info.kind, info.n_features) == ("LogisticRegression", "classifier", 4)
    assert info.classes == ("setosa", "versicolor", "virginica")
    assert info.has_predict_proba


def test_it_accepts_boosted_trees_and_pipelines(tmp_path):
    from sklearn.datasets import load_diabetes
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_diabetes(return_X_y=True)
    model = make_pipeline(StandardScaler(), HistGradientBoostingRegressor(max_iter=5)).fit(X, y)
    skops.io.dump(model, tmp_path / "boosted.skops")
    info = validate_skops(tmp_path / "boosted.skops")
    assert (info.estimator, info.kind, info.n_features, info.classes) == (
        "Pipeline",
        "regressor",
        10,
        None,
    )


def test_it_names_every_untrusted_type(tmp_path):
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    X, y = load_iris(return_X_y=True)
    custom = make_pipeline(FunctionTransformer(func=double), LogisticRegression()).fit(X, y)
    ufunc = make_pipeline(FunctionTransformer(func=np.log1p), LogisticRegression()).fit(X, y)
    skops.io.dump(custom, tmp_path / "custom.skops")
    skops.io.dump(ufunc, tmp_path / "ufunc.skops")

    with pytest.raises(ArtifactError) as refused:
        validate_skops(tmp_path / "custom.skops")
    assert str(refused.value).startswith(
        "custom.skops contains types the platform does not trust: "
        "sklearn.preprocessing._function_transformer.FunctionTransformer, "
        "tests.bento.test_skops_trust.double."
    )
    # skops itself trusts numpy ufuncs; the platform's list does not.
    with pytest.raises(
        ArtifactError, match=r"does not trust: numpy\.log1p, sklearn\.preprocessing"
    ):
        validate_skops(tmp_path / "ufunc.skops")


def test_it_names_only_types_that_exist():
    for name in TRUSTED_TYPES:
        module, _, attribute = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), name
