"""What a Celery worker or the web process imports from serving.bento stays light."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.pipeline


def test_it_keeps_bentoml_and_model_libraries_out_of_the_caller():
    probe = (
        "import sys\n"
        "import serving.bento.artifacts, serving.bento.builder, serving.bento.process\n"
        "print(sorted(m for m in ('bentoml', 'onnx', 'onnxruntime', 'skops', 'sklearn', 'django')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
