"""The BentoML service every model version runs, parameterised by bento arguments.

`bentoml build --arg model_tag=... --arg framework=... --arg service_name=... --arg hardware=...`
packs this module with the model it names; the model holds the artifact and `contract.json`.
The contract is read when the module is imported (at build and at serve) so that the
service's OpenAPI document shows it; the artifact is loaded only when a worker starts.

Routes: `POST /predict` takes the contract's input object itself and answers its output
object; `POST /predict_batch` takes `{"instances": [...]}` and answers `{"outputs": [...]}`
from one model call. Bodies are validated with jsonschema against the contract, here inside
the service; an invalid body gets a 400 listing every schema error.
"""

import gc
import json
import logging
from pathlib import Path
from typing import Annotated, Any, Literal

import bentoml
from jsonschema import Draft202012Validator
from pydantic import BaseModel, WithJsonSchema
from starlette.responses import JSONResponse

from serving.bento import mapping, predictors
from serving.bento.api_specs import api
from serving.bento.middleware import CleanOpenApi, RequireJsonBody, install_timeout
from serving.bento.model_store import ARTIFACT_FILES, CONTRACT_FILE
from serving.bento.openapi_schema import to_openapi30


class ServiceArguments(BaseModel):
    """What `--arg` sets at build time; stored in the bento and read again at serve time."""

    model_tag: str
    framework: Literal["sklearn", "onnx"]
    service_name: str
    hardware: Literal["cpu", "gpu"] = "cpu"
    timeout: int = 60


class _QuietClientErrors(logging.Filter):
    """BentoML logs a traceback for every client error it answers itself (a body its parser
    refuses, a refused media type); a client's mistake is not a server error, so drop those
    records and keep the real ones. Most never get here: see middleware.RequireJsonBody."""

    def filter(self, record: logging.LogRecord) -> bool:
        from pydantic import ValidationError

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, ValidationError):
            return False
        if isinstance(exc, bentoml.exceptions.BentoMLException):
            return exc.error_code.value >= 500
        return True


logger = logging.getLogger(__name__)
logging.getLogger("bentoml._internal.server.http_app").addFilter(_QuietClientErrors())
install_timeout()

ARGS = bentoml.use_arguments(ServiceArguments)
MODEL = bentoml.models.BentoModel(ARGS.model_tag)
if MODEL.stored is None:
    raise bentoml.exceptions.NotFound(f"Model {ARGS.model_tag} is not in the model store.")
CONTRACT: dict = json.loads(Path(MODEL.stored.path_of(CONTRACT_FILE)).read_text())

_input_doc = to_openapi30(CONTRACT["input_schema"])
_output_doc = to_openapi30(CONTRACT["output_schema"])
PredictInput = Annotated[Any, WithJsonSchema(_input_doc)]
PredictOutput = Annotated[dict[str, Any], WithJsonSchema(_output_doc)]
BatchInput = Annotated[
    Any, WithJsonSchema(to_openapi30(mapping.batch_schema(CONTRACT["input_schema"])))
]
BatchOutput = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "type": "object",
            "required": ["outputs"],
            "properties": {"outputs": {"type": "array", "items": _output_doc}},
        }
    ),
]


def invalid_input(errors: list[dict[str, str]]) -> JSONResponse:
    """The 400 body: a stable code and every schema error with its path."""
    return JSONResponse(
        {
            "error": "invalid_input",
            "detail": f"The input does not satisfy the input schema ({len(errors)} errors).",
            "errors": errors,
        },
        status_code=400,
    )


@bentoml.service(
    name=ARGS.service_name,
    resources={"gpu": 1} if ARGS.hardware == "gpu" else {"cpu": "1"},
    traffic={"timeout": ARGS.timeout},
)
class ModelService:
    model_ref = MODEL

    def __init__(self) -> None:
        artifact = Path(self.model_ref.path_of(ARTIFACT_FILES[ARGS.framework]))
        self.predictor = predictors.load_predictor(
            ARGS.framework, artifact, CONTRACT, gpu=ARGS.hardware == "gpu"
        )
        self.input_validator = Draft202012Validator(CONTRACT["input_schema"])
        self.batch_validator = Draft202012Validator(mapping.batch_schema(CONTRACT["input_schema"]))
        self._warm_up()
        # What is alive now (the model, the libraries) lives as long as the worker: take it
        # out of the garbage collector's full passes, which would otherwise walk it all and
        # pause every request for a tenth of a second or more.
        gc.freeze()

    def _warm_up(self) -> None:
        """Answer the contract's valid examples once, so that what the model's library loads
        lazily is loaded before the first caller waits for it."""
        examples = [e for e in CONTRACT.get("examples", []) if self.input_validator.is_valid(e)]
        if not examples:
            return
        try:
            self.predictor.predict(examples)
        except Exception:  # the compliance gates report a model that fails its examples
            logger.warning("Warm-up on the contract's examples failed.", exc_info=True)

    @api(route="/predict")
    def predict(self, body: PredictInput, /) -> PredictOutput:
        """Predict one input object; the body is the input object itself."""
        errors = mapping.schema_errors(self.input_validator, body)
        if errors:
            return invalid_input(errors)
        return self.predictor.predict([body])[0]

    @api(route="/predict_batch")
    def predict_batch(self, body: BatchInput, /) -> BatchOutput:
        """Predict many input objects in one model call, outputs in the order of the instances."""
        errors = mapping.schema_errors(self.batch_validator, body)
        if errors:
            return invalid_input(errors)
        return {"outputs": self.predictor.predict(body["instances"])}


ModelService.add_asgi_middleware(RequireJsonBody, paths=("/predict", "/predict_batch"))
ModelService.add_asgi_middleware(CleanOpenApi)
