"""Typed readers for settings taken from the environment.

Each one fails loudly on a value it cannot parse, so a typo in a deployment's
environment stops the process at start instead of silently falling back.
A `NAME_FILE` variable, when set, is read instead of `NAME` (Docker/Kubernetes secrets).
"""

import os
from pathlib import Path


class ImproperlyConfiguredEnv(RuntimeError):
    pass


def _raw(name: str) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_required(name: str) -> str:
    value = _raw(name)
    if value is None:
        raise ImproperlyConfiguredEnv(f"Environment variable {name} must be set.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfiguredEnv(f"{name}={value!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int_list(name: str, default: list[int]) -> list[int]:
    value = _raw(name)
    if value is None:
        return default
    try:
        return [int(item) for item in value.split(",") if item.strip()]
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name}={value!r} is not a list of integers.") from None
