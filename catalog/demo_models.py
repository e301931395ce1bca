"""Small real models trained from scikit-learn's bundled datasets, for the demo and tests.

`seed_demo` publishes them through the pipeline; the tests train them the same way. Nothing
is downloaded: the datasets ship inside scikit-learn.
"""

from pathlib import Path

DIABETES_FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def train_iris_skops(path: Path) -> Path:
    """A logistic regression over the four iris measurements, labels as species names."""
    import skops.io
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    iris = load_iris()
    model = LogisticRegression(max_iter=500).fit(iris.data, iris.target_names[iris.target])
    skops.io.dump(model, path)
    return path


def train_diabetes_onnx(path: Path) -> Path:
    """A ridge regression over the ten scaled diabetes features, converted with skl2onnx."""
    from skl2onnx import to_onnx
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    data = load_diabetes()
    model = Ridge(alpha=0.1).fit(data.data, data.target)
    onnx_model = to_onnx(model, data.data[:1].astype("float32"), target_opset=17)
    path.write_bytes(onnx_model.SerializeToString())
    return path


def diabetes_rows(count: int) -> list[dict]:
    """The first `count` patients as contract inputs."""
    from sklearn.datasets import load_diabetes

    data = load_diabetes().data[:count]
    return [dict(zip(DIABETES_FEATURES, map(float, row), strict=True)) for row in data]


def iris_eval_csv(path: Path) -> Path:
    """Every iris flower with its species in a `species` column: the accuracy gate's set."""
    import csv

    from sklearn.datasets import load_iris

    iris = load_iris()
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*IRIS_FEATURES, "species"])
        for row, target in zip(iris.data, iris.target, strict=True):
            writer.writerow([*map(float, row), iris.target_names[target]])
    return path


def diabetes_eval_csv(path: Path) -> Path:
    """Every diabetes patient with the measured progression in a `progression` column."""
    import csv

    from sklearn.datasets import load_diabetes

    data = load_diabetes()
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*DIABETES_FEATURES, "progression"])
        for row, target in zip(data.data, data.target, strict=True):
            writer.writerow([*map(float, row), float(target)])
    return path
