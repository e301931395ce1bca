"""The demo catalog: publishers and model entries with real contracts and examples.

`seed_demo` writes it idempotently; rerunning updates rows in place. The figures in the
examples are what models of this kind, trained on scikit-learn's bundled datasets,
actually answer.
"""

from dataclasses import dataclass, field

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (a documented demo account, DEBUG only)

PUBLISHERS = {
    "northwind": ("Northwind Labs", "Small, well-tested tabular models for everyday decisions."),
    "ledgerline": ("Ledgerline Analytics", "Risk, fraud and finance models audited quarterly."),
    "lexica": ("Lexica AI", "Text classification for support desks and newsrooms."),
    "pixelworks": ("Pixelworks Vision", "Compact vision models that run on CPU or GPU."),
    "gridcast": ("Gridcast Energy", "Forecasting and anomaly detection for utilities."),
}


def number(description: str, minimum: float | None = None, maximum: float | None = None) -> dict:
    schema: dict = {"type": "number", "description": description}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def obj(properties: dict, required: list[str] | None = None, closed: bool = True) -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


def probabilities(labels: list[str]) -> dict:
    return obj(
        {label: number(f"Probability of {label}", 0, 1) for label in labels},
        required=labels,
    )


def classification_output(labels: list[str]) -> dict:
    return obj(
        {
            "label": {"type": "string", "enum": labels, "description": "The most likely class."},
            "probabilities": probabilities(labels),
        }
    )


@dataclass
class DemoVersion:
    semver: str
    changelog: str
    # "published"/"deprecated"/"draft" for listings; "live" goes through the pipeline.
    state: str = "published"
    # Input fields this older version did not have yet (to show a real breaking change).
    without_inputs: tuple[str, ...] = ()


@dataclass
class DemoModel:
    slug: str
    publisher: str
    name: str
    summary: str
    description: str
    task: str
    framework: str
    license: str
    tags: list[str]
    input_schema: dict
    output_schema: dict
    examples: list[dict]
    versions: list[DemoVersion] = field(
        default_factory=lambda: [DemoVersion("1.0.0", "First release.")]
    )
    hardware: str = "cpu"
    latency_slo_p95_ms: int = 50
    timeout_ms: int = 2000
    max_payload_bytes: int = 16_384
    mode: str = "sync"
    error_codes: list[dict] = field(default_factory=list)
    # A model the demo trains and publishes through the real pipeline (catalog.demo_models);
    # the others are catalog listings with contracts but no running service.
    trained_by: str = ""


IRIS_LABELS = ["setosa", "versicolor", "virginica"]
WINE_LABELS = ["class_0", "class_1", "class_2"]
NEWS_LABELS = ["sci.space", "rec.autos", "comp.graphics", "talk.politics.misc"]

MODELS: list[DemoModel] = [
    DemoModel(
        slug="iris-classifier",
        publisher="northwind",
        name="Iris Classifier",
        summary="Predicts the species of an iris flower from four measurements of its petals and sepals.",
        description=(
            "A multinomial **logistic regression** trained on Fisher's iris dataset "
            "(150 flowers, 3 species).\n\n"
            "* Accuracy on a held-out 30 %: **0.97**\n"
            "* Inputs are in centimetres; values outside 0–10 cm are refused.\n\n"
            "Use it to try the platform: it is small, fast and deterministic."
        ),
        task="tabular-classification",
        framework="sklearn",
        license="bsd-3-clause",
        tags=["iris", "botany", "logistic-regression"],
        input_schema=obj(
            {
                "sepal_length": number("Sepal length in cm", 0, 10),
                "sepal_width": number("Sepal width in cm", 0, 10),
                "petal_length": number("Petal length in cm", 0, 10),
                "petal_width": number("Petal width in cm", 0, 10),
            }
        ),
        output_schema=classification_output(IRIS_LABELS),
        examples=[
            {
                "name": "setosa",
                "input": {
                    "sepal_length": 5.1,
                    "sepal_width": 3.5,
                    "petal_length": 1.4,
                    "petal_width": 0.2,
                },
                "output": {
                    "label": "setosa",
                    "probabilities": {"setosa": 0.982, "versicolor": 0.018, "virginica": 0.0},
                },
            },
            {
                "name": "virginica",
                "input": {
                    "sepal_length": 6.7,
                    "sepal_width": 3.0,
                    "petal_length": 5.2,
                    "petal_width": 2.3,
                },
                "output": {
                    "label": "virginica",
                    "probabilities": {"setosa": 0.0, "versicolor": 0.08, "virginica": 0.92},
                },
            },
        ],
        versions=[
            DemoVersion("1.0.0", "First release: logistic regression, accuracy 0.97.", "live"),
        ],
        trained_by="iris_skops",
        latency_slo_p95_ms=250,
    ),
    DemoModel(
        slug="diabetes-progression",
        trained_by="diabetes_onnx",
        versions=[DemoVersion("1.0.0", "First release: ridge regression, RMSE 53.8.", "live")],
        publisher="northwind",
        name="Diabetes Progression Regressor",
        summary="Estimates one-year disease progression from ten baseline measurements of a diabetes patient.",
        description=(
            "A ridge regression exported to **ONNX**, trained on the diabetes dataset of "
            "Efron et al. (442 patients). Inputs are the dataset's mean-centred, scaled features.\n\n"
            "RMSE on a held-out 20 %: 53.8. Not a medical device: for research and demos."
        ),
        task="tabular-regression",
        framework="onnx",
        license="bsd-3-clause",
        tags=["health", "regression", "onnx"],
        input_schema=obj(
            {
                name: number(desc, -0.2, 0.2)
                for name, desc in [
                    ("age", "Age (scaled)"),
                    ("sex", "Sex (scaled)"),
                    ("bmi", "Body mass index (scaled)"),
                    ("bp", "Average blood pressure (scaled)"),
                    ("s1", "Total serum cholesterol (scaled)"),
                    ("s2", "Low-density lipoproteins (scaled)"),
                    ("s3", "High-density lipoproteins (scaled)"),
                    ("s4", "Total cholesterol / HDL (scaled)"),
                    ("s5", "Log of serum triglycerides (scaled)"),
                    ("s6", "Blood sugar level (scaled)"),
                ]
            }
        ),
        output_schema=obj(
            {
                "progression": number(
                    "Predicted disease progression one year after baseline (a linear model: unbounded)"
                )
            }
        ),
        examples=[
            {
                "name": "a typical patient",
                "input": {
                    "age": 0.038,
                    "sex": 0.051,
                    "bmi": 0.062,
                    "bp": 0.022,
                    "s1": -0.044,
                    "s2": -0.035,
                    "s3": -0.043,
                    "s4": -0.003,
                    "s5": 0.020,
                    "s6": -0.018,
                },
                "output": {"progression": 199.8},
            }
        ],
        latency_slo_p95_ms=250,
    ),
    DemoModel(
        slug="wine-cultivar-classifier",
        publisher="northwind",
        name="Wine Cultivar Classifier",
        summary="Tells which of three cultivars a wine comes from, from 13 chemical measurements.",
        description="A random forest trained on the UCI wine recognition dataset (178 wines). Accuracy 0.98.",
        task="tabular-classification",
        framework="sklearn",
        license="mit",
        tags=["wine", "chemistry", "random-forest"],
        input_schema=obj(
            {
                "alcohol": number("Alcohol, % by volume", 10, 16),
                "malic_acid": number("Malic acid, g/l", 0, 7),
                "ash": number("Ash, g/l", 1, 4),
                "alcalinity_of_ash": number("Alcalinity of ash", 10, 31),
                "magnesium": number("Magnesium, mg/l", 70, 165),
                "total_phenols": number("Total phenols", 0.9, 4),
                "flavanoids": number("Flavanoids", 0.3, 5.1),
                "nonflavanoid_phenols": number("Non-flavanoid phenols", 0.1, 0.7),
                "proanthocyanins": number("Proanthocyanins", 0.4, 3.6),
                "color_intensity": number("Colour intensity", 1, 13),
                "hue": number("Hue", 0.4, 1.8),
                "od280_od315": number("OD280/OD315 of diluted wines", 1.2, 4),
                "proline": number("Proline, mg/l", 270, 1700),
            }
        ),
        output_schema=classification_output(WINE_LABELS),
        examples=[
            {
                "name": "a class 0 wine",
                "input": {
                    "alcohol": 14.23,
                    "malic_acid": 1.71,
                    "ash": 2.43,
                    "alcalinity_of_ash": 15.6,
                    "magnesium": 127,
                    "total_phenols": 2.8,
                    "flavanoids": 3.06,
                    "nonflavanoid_phenols": 0.28,
                    "proanthocyanins": 2.29,
                    "color_intensity": 5.64,
                    "hue": 1.04,
                    "od280_od315": 3.92,
                    "proline": 1065,
                },
                "output": {
                    "label": "class_0",
                    "probabilities": {"class_0": 0.96, "class_1": 0.03, "class_2": 0.01},
                },
            }
        ],
    ),
    DemoModel(
        slug="customer-segmenter",
        publisher="northwind",
        name="Customer Segmenter",
        summary="Assigns a customer to one of five behavioural segments from recency, frequency and spend.",
        description="K-means (k=5) over log-scaled RFM features. Segment names were chosen by the marketing team.",
        task="clustering",
        framework="sklearn",
        license="apache-2.0",
        tags=["marketing", "rfm", "k-means"],
        input_schema=obj(
            {
                "recency_days": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 3650,
                    "description": "Days since last order",
                },
                "orders_last_year": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 10000,
                    "description": "Orders in the last 365 days",
                },
                "spend_last_year": number("Spend in the last 365 days, in EUR", 0),
            }
        ),
        output_schema=obj(
            {
                "segment": {
                    "type": "string",
                    "enum": ["champions", "loyal", "promising", "at-risk", "dormant"],
                },
                "distance": number("Distance to the segment's centre (lower is more typical)", 0),
            }
        ),
        examples=[
            {
                "name": "a frequent buyer",
                "input": {"recency_days": 6, "orders_last_year": 42, "spend_last_year": 3120.5},
                "output": {"segment": "champions", "distance": 0.41},
            }
        ],
    ),
    DemoModel(
        slug="credit-risk-scorer",
        publisher="ledgerline",
        name="Credit Risk Scorer",
        summary="Scores the probability that a consumer loan defaults within twelve months.",
        description=(
            "Gradient-boosted trees over application data. Calibrated with isotonic regression, "
            "so `default_probability` can be used directly in pricing.\n\n"
            "Version 2 takes the loan **purpose** as a required field: a breaking change, hence the new major."
        ),
        task="tabular-classification",
        framework="onnx",
        license="proprietary",
        tags=["credit", "finance", "risk", "gradient-boosting"],
        input_schema=obj(
            {
                "income": number("Annual income, EUR", 0),
                "loan_amount": number("Requested amount, EUR", 500, 100000),
                "term_months": {"type": "integer", "enum": [12, 24, 36, 48, 60]},
                "employment_years": number("Years with current employer", 0, 60),
                "purpose": {
                    "type": "string",
                    "enum": ["car", "home", "education", "debt-consolidation", "other"],
                },
            }
        ),
        output_schema=obj(
            {
                "default_probability": number(
                    "Calibrated probability of default within 12 months", 0, 1
                ),
                "risk_band": {"type": "string", "enum": ["A", "B", "C", "D", "E"]},
            }
        ),
        examples=[
            {
                "name": "a low-risk applicant",
                "input": {
                    "income": 58000,
                    "loan_amount": 12000,
                    "term_months": 36,
                    "employment_years": 7,
                    "purpose": "car",
                },
                "output": {"default_probability": 0.031, "risk_band": "A"},
            }
        ],
        versions=[
            DemoVersion("1.0.0", "First release.", "deprecated", without_inputs=("purpose",)),
            DemoVersion("2.0.0", "Breaking: `purpose` is now required. AUC 0.81 → 0.84."),
        ],
        latency_slo_p95_ms=40,
        error_codes=[
            {
                "code": "unsupported_currency",
                "status": 422,
                "meaning": "Only EUR amounts are scored.",
            }
        ],
    ),
    DemoModel(
        slug="transaction-anomaly-detector",
        publisher="ledgerline",
        name="Transaction Anomaly Detector",
        summary="Flags card transactions that look unlike the card holder's usual spending.",
        description="An isolation forest over amount, hour, merchant category and distance from home.",
        task="anomaly-detection",
        framework="sklearn",
        license="proprietary",
        tags=["fraud", "payments", "isolation-forest"],
        input_schema=obj(
            {
                "amount": number("Amount in EUR", 0),
                "hour": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 23,
                    "description": "Local hour of day",
                },
                "merchant_category": {
                    "type": "string",
                    "pattern": "^[0-9]{4}$",
                    "description": "ISO 18245 merchant category code",
                },
                "distance_from_home_km": number(
                    "Distance between the merchant and the holder's home", 0
                ),
            }
        ),
        output_schema=obj(
            {
                "anomaly_score": number("Higher is more unusual", -1, 1),
                "is_anomaly": {"type": "boolean"},
            }
        ),
        examples=[
            {
                "name": "a night-time purchase far from home",
                "input": {
                    "amount": 1890.0,
                    "hour": 3,
                    "merchant_category": "5732",
                    "distance_from_home_km": 840,
                },
                "output": {"anomaly_score": 0.27, "is_anomaly": True},
            }
        ],
        latency_slo_p95_ms=20,
    ),
    DemoModel(
        slug="house-price-estimator",
        publisher="ledgerline",
        name="House Price Estimator",
        summary="Estimates the median house value of a California block group from census features.",
        description="Histogram gradient boosting on the California housing dataset. RMSE 0.47 (hundreds of thousands of USD).",
        task="tabular-regression",
        framework="sklearn",
        license="cc-by-4.0",
        tags=["real-estate", "california", "regression"],
        input_schema=obj(
            {
                "median_income": number("Median income, tens of thousands of USD", 0, 16),
                "house_age": number("Median house age, years", 0, 60),
                "avg_rooms": number("Average rooms per household", 0),
                "avg_bedrooms": number("Average bedrooms per household", 0),
                "population": number("Block group population", 0),
                "avg_occupancy": number("Average household members", 0),
                "latitude": number("Latitude", 32, 42),
                "longitude": number("Longitude", -125, -114),
            }
        ),
        output_schema=obj({"median_value_usd": number("Estimated median house value in USD", 0)}),
        examples=[
            {
                "name": "a Bay Area block",
                "input": {
                    "median_income": 8.3,
                    "house_age": 41,
                    "avg_rooms": 6.98,
                    "avg_bedrooms": 1.02,
                    "population": 322,
                    "avg_occupancy": 2.56,
                    "latitude": 37.88,
                    "longitude": -122.23,
                },
                "output": {"median_value_usd": 441200},
            }
        ],
    ),
    DemoModel(
        slug="sentiment-analyzer",
        publisher="lexica",
        name="Review Sentiment Analyzer",
        summary="Classifies the sentiment of an English product review as negative, neutral or positive.",
        description=(
            "TF-IDF features and a linear SVM, calibrated, exported to ONNX. Trained on 40,000 "
            "labelled product reviews. Texts longer than 5,000 characters are refused."
        ),
        task="text-classification",
        framework="onnx",
        license="apache-2.0",
        tags=["nlp", "sentiment", "reviews"],
        input_schema=obj(
            {
                "text": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 5000,
                    "description": "The review",
                }
            }
        ),
        output_schema=classification_output(["negative", "neutral", "positive"]),
        examples=[
            {
                "name": "a happy customer",
                "input": {"text": "Arrived a day early and works perfectly. Would buy again."},
                "output": {
                    "label": "positive",
                    "probabilities": {"negative": 0.02, "neutral": 0.07, "positive": 0.91},
                },
            }
        ],
        error_codes=[
            {
                "code": "unsupported_language",
                "status": 422,
                "meaning": "The text is not in English.",
            }
        ],
    ),
    DemoModel(
        slug="spam-filter",
        publisher="lexica",
        name="Spam Filter",
        summary="Scores an email or SMS message for spam, with the words that weighed most.",
        description="Multinomial naive Bayes over word counts. Returns the five tokens that most pushed the decision.",
        task="text-classification",
        framework="sklearn",
        license="mit",
        tags=["nlp", "spam", "email", "naive-bayes"],
        input_schema=obj(
            {
                "subject": {"type": "string", "maxLength": 500, "default": ""},
                "body": {"type": "string", "minLength": 1, "maxLength": 20000},
            },
            required=["body"],
        ),
        output_schema=obj(
            {
                "is_spam": {"type": "boolean"},
                "spam_probability": number("Probability the message is spam", 0, 1),
                "top_tokens": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
            }
        ),
        examples=[
            {
                "name": "a prize scam",
                "input": {
                    "subject": "You WON",
                    "body": "Claim your free prize now, click the link!",
                },
                "output": {
                    "is_spam": True,
                    "spam_probability": 0.994,
                    "top_tokens": ["prize", "claim", "free", "click", "won"],
                },
            }
        ],
        latency_slo_p95_ms=20,
    ),
    DemoModel(
        slug="news-topic-classifier",
        publisher="lexica",
        name="News Topic Classifier",
        summary="Sorts a news article into one of four topics.",
        description="Trained on four groups of the 20 Newsgroups corpus. A good base for routing articles to editors.",
        task="text-classification",
        framework="sklearn",
        license="bsd-3-clause",
        tags=["nlp", "news", "topics"],
        input_schema=obj({"text": {"type": "string", "minLength": 20, "maxLength": 50000}}),
        output_schema=classification_output(NEWS_LABELS),
        examples=[
            {
                "name": "a space article",
                "input": {
                    "text": "The shuttle's orbit was raised after the launch window opened at dawn."
                },
                "output": {
                    "label": "sci.space",
                    "probabilities": {
                        "sci.space": 0.93,
                        "rec.autos": 0.02,
                        "comp.graphics": 0.03,
                        "talk.politics.misc": 0.02,
                    },
                },
            }
        ],
        versions=[
            DemoVersion("0.9.0", "Preview."),
            DemoVersion("1.0.0", "Stable: adds talk.politics.misc."),
            DemoVersion("1.1.0", "Draft: retraining on 2026 articles.", "draft"),
        ],
    ),
    DemoModel(
        slug="digit-recognizer",
        publisher="pixelworks",
        name="Handwritten Digit Recognizer",
        summary="Reads a handwritten digit from an 8×8 greyscale image.",
        description=(
            "A small convolutional network exported to ONNX, trained on the UCI optical digits. "
            "Pixels are intensities from 0 (white) to 16 (black), row by row."
        ),
        task="image-classification",
        framework="onnx",
        license="apache-2.0",
        tags=["vision", "digits", "ocr", "cnn"],
        input_schema=obj(
            {
                "pixels": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0, "maximum": 16},
                    "minItems": 64,
                    "maxItems": 64,
                    "description": "64 pixel intensities, row-major",
                }
            }
        ),
        output_schema=obj(
            {
                "digit": {"type": "integer", "minimum": 0, "maximum": 9},
                "confidence": number("Probability of the predicted digit", 0, 1),
            }
        ),
        examples=[
            {
                "name": "a zero",
                "input": {
                    "pixels": [
                        0,
                        0,
                        5,
                        13,
                        9,
                        1,
                        0,
                        0,
                        0,
                        0,
                        13,
                        15,
                        10,
                        15,
                        5,
                        0,
                        0,
                        3,
                        15,
                        2,
                        0,
                        11,
                        8,
                        0,
                        0,
                        4,
                        12,
                        0,
                        0,
                        8,
                        8,
                        0,
                        0,
                        5,
                        8,
                        0,
                        0,
                        9,
                        8,
                        0,
                        0,
                        4,
                        11,
                        0,
                        1,
                        12,
                        7,
                        0,
                        0,
                        2,
                        14,
                        5,
                        10,
                        12,
                        0,
                        0,
                        0,
                        0,
                        6,
                        13,
                        10,
                        0,
                        0,
                        0,
                    ]
                },
                "output": {"digit": 0, "confidence": 0.998},
            }
        ],
        hardware="gpu",
        latency_slo_p95_ms=15,
    ),
    DemoModel(
        slug="tumour-malignancy-classifier",
        publisher="pixelworks",
        name="Tumour Malignancy Classifier",
        summary="Classifies a breast mass as benign or malignant from ten nuclear measurements of a biopsy image.",
        description=(
            "A gradient-boosted classifier over the mean nuclear features of the Wisconsin diagnostic "
            "breast cancer dataset (569 biopsies). ROC AUC 0.99 on a held-out 25 %.\n\n"
            "Decision support only: every prediction must be reviewed by a pathologist."
        ),
        task="tabular-classification",
        framework="sklearn",
        license="cc-by-4.0",
        tags=["health", "oncology", "gradient-boosting"],
        input_schema=obj(
            {
                "radius": number("Mean distance from centre to perimeter, µm", 5, 30),
                "texture": number("Standard deviation of grey-scale values", 9, 40),
                "perimeter": number("Mean perimeter, µm", 40, 190),
                "area": number("Mean area, µm²", 140, 2510),
                "smoothness": number("Local variation in radius lengths", 0.05, 0.17),
                "compactness": number("perimeter² / area − 1", 0.01, 0.35),
                "concavity": number("Severity of concave portions of the contour", 0, 0.43),
                "concave_points": number("Number of concave portions of the contour", 0, 0.21),
                "symmetry": number("Symmetry", 0.1, 0.31),
                "fractal_dimension": number("Coastline approximation − 1", 0.04, 0.1),
            }
        ),
        output_schema=classification_output(["benign", "malignant"]),
        examples=[
            {
                "name": "a malignant mass",
                "input": {
                    "radius": 17.99,
                    "texture": 10.38,
                    "perimeter": 122.8,
                    "area": 1001.0,
                    "smoothness": 0.1184,
                    "compactness": 0.2776,
                    "concavity": 0.3001,
                    "concave_points": 0.1471,
                    "symmetry": 0.2419,
                    "fractal_dimension": 0.07871,
                },
                "output": {
                    "label": "malignant",
                    "probabilities": {"benign": 0.01, "malignant": 0.99},
                },
            }
        ],
    ),
    DemoModel(
        slug="sensor-anomaly-detector",
        publisher="gridcast",
        name="Sensor Anomaly Detector",
        summary="Detects abnormal readings in a window of transformer temperature and load measurements.",
        description="A one-class SVM over rolling statistics of a 12-reading window.",
        task="anomaly-detection",
        framework="onnx",
        license="apache-2.0",
        tags=["iot", "energy", "monitoring"],
        input_schema=obj(
            {
                "temperatures_c": {
                    "type": "array",
                    "items": {"type": "number", "minimum": -40, "maximum": 150},
                    "minItems": 12,
                    "maxItems": 12,
                },
                "load_percent": {
                    "type": "array",
                    "items": {"type": "number", "minimum": 0, "maximum": 200},
                    "minItems": 12,
                    "maxItems": 12,
                },
            }
        ),
        output_schema=obj(
            {
                "is_anomaly": {"type": "boolean"},
                "score": number("Decision score; negative is anomalous"),
            }
        ),
        examples=[
            {
                "name": "an overheating transformer",
                "input": {
                    "temperatures_c": [61, 62, 62, 63, 65, 68, 72, 77, 83, 90, 97, 104],
                    "load_percent": [71, 70, 72, 71, 73, 72, 71, 72, 70, 71, 72, 73],
                },
                "output": {"is_anomaly": True, "score": -1.84},
            }
        ],
    ),
    DemoModel(
        slug="energy-demand-forecaster",
        publisher="gridcast",
        name="Energy Demand Forecaster",
        summary="Forecasts the next 24 hours of electricity demand for a region from the last 48 hours.",
        description="A gradient-boosted direct multi-horizon model. MAPE 3.1 % on 2025 data. Runs as an async job.",
        task="time-series-forecasting",
        framework="onnx",
        license="proprietary",
        tags=["energy", "forecasting", "time-series"],
        input_schema=obj(
            {
                "region": {"type": "string", "enum": ["north", "south", "east", "west"]},
                "history_mw": {
                    "type": "array",
                    "items": {"type": "number", "minimum": 0},
                    "minItems": 48,
                    "maxItems": 48,
                },
            }
        ),
        output_schema=obj(
            {
                "forecast_mw": {
                    "type": "array",
                    "items": {"type": "number", "minimum": 0},
                    "minItems": 24,
                    "maxItems": 24,
                }
            }
        ),
        examples=[
            {
                "name": "a winter weekday",
                "input": {
                    "region": "north",
                    "history_mw": [
                        round(900 + 250 * ((h % 24) in range(7, 21)), 1) for h in range(48)
                    ],
                },
                "output": {
                    "forecast_mw": [round(905 + 245 * (h in range(7, 21)), 1) for h in range(24)]
                },
            }
        ],
        mode="async",
        latency_slo_p95_ms=400,
        timeout_ms=30000,
    ),
]
