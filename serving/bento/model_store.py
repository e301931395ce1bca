"""Saving an artifact and its contract into a BentoML model store, run as its own process.

The builder runs `python -m serving.bento.model_store` with BENTOML_HOME set, so the worker that
asks for a build never imports bentoml nor keeps its global store configuration. The request
comes as JSON on stdin and the answer as one JSON line on stdout:

    in:  {"tag": "iris:1.0.0", "framework": "sklearn", "artifact": "/abs/model.skops",
          "contract": {...}, "bento": "iris:1.0.0"}
    out: {"model": "iris:1.0.0", "reused": false, "bento_exists": false}

Saving is idempotent: an existing model with the same artifact and contract digests is
reused; one with other digests is refused, because a version's files never change.
"""

import hashlib
import json
import shutil
import sys
from pathlib import Path

ARTIFACT_FILES = {"sklearn": "model.skops", "onnx": "model.onnx"}
CONTRACT_FILE = "contract.json"
EXIT_CONFLICT = 3


def contract_bytes(contract: dict) -> bytes:
    """The contract as stored beside the artifact.

    Keys keep their order: the input schema's property order is the model's column order.
    """
    return json.dumps(contract, indent=2).encode()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ensure_model(request: dict) -> dict:
    """Save the artifact and contract as a BentoML model unless the same one is stored."""
    import bentoml
    from bentoml.exceptions import NotFound

    artifact = Path(request["artifact"])
    contract = contract_bytes(request["contract"])
    digests = {
        "artifact_sha256": sha256_of(artifact.read_bytes()),
        "contract_sha256": sha256_of(contract),
    }
    reused = False
    try:
        existing = bentoml.models.get(request["tag"])
    except NotFound:
        existing = None
    if existing is not None:
        stored = {k: existing.info.metadata.get(k) for k in digests}
        if stored != digests:
            raise FileExistsError(
                f"The model store already holds {request['tag']} with another artifact or "
                "contract; a version's files never change, so publish a new version."
            )
        reused = True
    else:
        metadata = {**digests, "framework": request["framework"]}
        with bentoml.models.create(request["tag"], metadata=metadata) as model:
            shutil.copyfile(artifact, model.path_of(ARTIFACT_FILES[request["framework"]]))
            Path(model.path_of(CONTRACT_FILE)).write_bytes(contract)
    try:
        bentoml.bentos.get(request["bento"])
        bento_exists = True
    except NotFound:
        bento_exists = False
    return {"model": request["tag"], "reused": reused, "bento_exists": bento_exists}


def main() -> int:
    request = json.load(sys.stdin)
    try:
        answer = ensure_model(request)
    except FileExistsError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONFLICT
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
