"""Building and exporting bentos, each step in a fresh subprocess.

The caller (a Celery build task) never imports bentoml: saving the model and building the
bento run as child processes with BENTOML_HOME set, package locking off and no network.
One bento per process, because bentoml caches the service module it imported and would pack
the previous model into the next build. Both steps are idempotent, so a retried task
returns the tag that an earlier attempt already produced.
"""

import importlib.metadata
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from serving.bento.model_store import ARTIFACT_FILES, EXIT_CONFLICT

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent
SERVICE_IMPORT = "serving.bento.service_template:ModelService"
# Exactly what the service imports: the bento must not carry the Django project.
BENTO_MODULES = (
    "__init__.py",
    "api_specs.py",
    "artifacts.py",
    "mapping.py",
    "middleware.py",
    "model_store.py",
    "openapi_schema.py",
    "predictors.py",
    "service_template.py",
    "trusted_types.py",
)
_RUNTIME_PACKAGES = {
    "sklearn": ("numpy", "jsonschema", "scikit-learn", "skops"),
    "onnx": ("numpy", "jsonschema", "onnx", "onnxruntime"),
}
_NAME_RE = re.compile(r"[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?")
_VERSION_RE = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?")
LOG_TAIL_CHARS = 3000


class BuildError(RuntimeError):
    """A build or export that failed; the message ends with the tail of its log."""


@dataclass(frozen=True)
class BuildResult:
    """A built (or found) bento: its tag, the text of both steps' output, and wall seconds."""

    tag: str
    log: str
    seconds: float
    reused: bool = False  # the bento already existed (a retried build)


def bentoml_env(bentoml_home: str | Path) -> dict[str, str]:
    """The environment of every bentoml subprocess: its own home, no tracking, no network."""
    env = dict(os.environ)
    venv_bin = str(Path(sys.executable).parent)
    env.update(
        {
            "BENTOML_HOME": str(Path(bentoml_home).resolve()),
            "BENTOML_DO_NOT_TRACK": "True",
            # bentoml looks for uv on PATH; the venv's own copy keeps the build offline.
            "PATH": venv_bin + os.pathsep + env.get("PATH", ""),
            "UV_OFFLINE": "1",
            "PIP_NO_INDEX": "1",
        }
    )
    return env


def check_tag_parts(name: str, version: str) -> None:
    """Refuse names and versions bentoml would reject, before spending a subprocess."""
    if not _NAME_RE.fullmatch(name):
        raise BuildError(
            f"Bento name {name!r} must be 1-63 lowercase letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit."
        )
    if not _VERSION_RE.fullmatch(version):
        raise BuildError(
            f"Bento version {version!r} must be 1-63 letters, digits, '.', '_' or '-'."
        )


def build_bento(
    *,
    name: str,
    version: str,
    framework: str,
    artifact_path: str | Path,
    contract: dict,
    hardware: str,
    bentoml_home: str | Path,
    description: str = "",
    timeout: float = 300,
) -> BuildResult:
    """Save the artifact and contract as model `name:version`, then build bento `name:version`.

    `contract` holds at least `input_schema` and `output_schema`; its `timeout_ms`, if any,
    becomes the service's request timeout. Returns the existing bento when an earlier attempt
    built it. Raises BuildError.
    """
    if framework not in ARTIFACT_FILES:
        raise BuildError(
            f"Unknown framework {framework!r}; use one of {', '.join(ARTIFACT_FILES)}."
        )
    if hardware not in ("cpu", "gpu"):
        raise BuildError(f"Unknown hardware {hardware!r}; use cpu or gpu.")
    check_tag_parts(name, version)
    tag = f"{name}:{version}"
    started = time.monotonic()
    env = bentoml_env(bentoml_home)
    log: list[str] = []

    request = {
        "tag": tag,
        "bento": tag,
        "framework": framework,
        "artifact": str(Path(artifact_path).resolve()),
        "contract": contract,
    }
    saved = _run(
        [sys.executable, "-m", "serving.bento.model_store"],
        env=env,
        cwd=PROJECT_ROOT,
        stdin=json.dumps(request),
        timeout=timeout,
        log=log,
        what="Saving the model",
        conflict_exit=EXIT_CONFLICT,
    )
    answer = json.loads(saved.stdout.strip().splitlines()[-1])
    log.append(f"Model {answer['model']} {'reused' if answer['reused'] else 'saved'}.")
    if answer["bento_exists"]:
        log.append(f"Bento {tag} already built; reusing it.")
        return BuildResult(tag, "\n".join(log), time.monotonic() - started, reused=True)

    with tempfile.TemporaryDirectory(prefix="bento-ctx-") as ctx:
        bentofile = _write_build_context(Path(ctx), framework, hardware, description or tag)
        arguments = {
            "model_tag": tag,
            "framework": framework,
            "service_name": name,
            "hardware": hardware,
            "timeout": max(1, math.ceil(contract.get("timeout_ms", 60_000) / 1000)),
        }
        command = [sys.executable, "-m", "bentoml", "build", ctx, "-f", str(bentofile)]
        command += ["--name", name, "--version", version]
        for key, value in arguments.items():
            command += ["--arg", f"{key}={value}"]
        built = _run(
            command,
            env=env,
            cwd=Path(ctx),
            timeout=timeout,
            log=log,
            what="bentoml build",
            already_exists_ok=True,
        )
    reused = built.returncode != 0  # only "already exists" gets here with a failure
    if reused:
        log.append(f"Bento {tag} was built by another attempt meanwhile; reusing it.")
    return BuildResult(tag, "\n".join(log), time.monotonic() - started, reused=reused)


def _write_build_context(ctx: Path, framework: str, hardware: str, description: str) -> Path:
    """Copy the service's modules and write bentofile.yaml with pinned runtime packages."""
    package = ctx / "serving" / "bento"
    package.mkdir(parents=True)
    (ctx / "serving" / "__init__.py").write_text("")
    for module in BENTO_MODULES:
        shutil.copyfile(PACKAGE_DIR / module, package / module)
    packages = list(_RUNTIME_PACKAGES[framework])
    if framework == "onnx" and hardware == "gpu":
        packages[packages.index("onnxruntime")] = "onnxruntime-gpu"
    pinned = [f"{p}=={_installed_version(p)}" for p in packages]
    bentofile = ctx / "bentofile.yaml"
    bentofile.write_text(
        yaml.safe_dump(
            {
                "service": SERVICE_IMPORT,
                "description": description,
                "include": ["serving/**/*.py"],
                "python": {"packages": pinned, "lock_packages": False},
            },
            sort_keys=False,
        )
    )
    return bentofile


def _installed_version(package: str) -> str:
    # onnxruntime-gpu ships the same versions as the CPU wheel serving here.
    name = "onnxruntime" if package == "onnxruntime-gpu" else package
    return importlib.metadata.version(name)


def export_bento(
    tag: str, dest_dir: str | Path, bentoml_home: str | Path, timeout: float = 300
) -> Path:
    """Pack the bento and its models into `dest_dir/<name>-<version>.bento`; return its path."""
    dest = Path(dest_dir).resolve()  # bentoml export fails on relative paths
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / (tag.replace(":", "-") + ".bento")
    log: list[str] = []
    _run(
        [sys.executable, "-m", "bentoml", "export", tag, str(target)],
        env=bentoml_env(bentoml_home),
        cwd=dest,
        timeout=timeout,
        log=log,
        what="bentoml export",
    )
    if not target.is_file():
        raise BuildError(f"bentoml export did not write {target}.\n" + _tail(log))
    return target


def _run(
    command: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    timeout: float,
    log: list[str],
    what: str,
    stdin: str | None = None,
    already_exists_ok: bool = False,
    conflict_exit: int | None = None,
) -> subprocess.CompletedProcess:
    """Run one step, append its output to the log, raise BuildError unless it succeeded."""
    log.append("$ " + " ".join(command[1:] if command[0] == sys.executable else command))
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            command,
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        log.append(_decode(exc.stdout) + _decode(exc.stderr))
        raise BuildError(f"{what} timed out after {timeout:.0f} s.\n" + _tail(log)) from None
    log.append((done.stdout + done.stderr).rstrip())
    if done.returncode == 0:
        return done
    if already_exists_ok and "already exists" in done.stdout + done.stderr:
        return done
    if conflict_exit is not None and done.returncode == conflict_exit:
        raise BuildError(done.stderr.strip())
    raise BuildError(f"{what} failed (exit status {done.returncode}).\n" + _tail(log))


def _decode(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode(errors="replace")


def _tail(log: list[str]) -> str:
    return "\n".join(log)[-LOG_TAIL_CHARS:]
