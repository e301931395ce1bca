"""Which version answers a call: an exact version, or the newest live one inside a MAJOR.

The gateway calls `resolve_version` (and caches its answers: keep it free of side effects).
"""

import re
from dataclasses import dataclass

from catalog.models import ModelEntry, ModelVersion

REQUEST_RE = re.compile(r"^(0|[1-9]\d*)(?:\.(0|[1-9]\d*)\.(0|[1-9]\d*))?$")


class ResolutionError(Exception):
    """Base: the call cannot be routed; `code` is the gateway's error code."""

    code = "model_not_found"


class VersionNotFound(ResolutionError):
    pass


@dataclass
class VersionRetired(ResolutionError):
    semver: str
    successor: str | None
    code = "version_retired"

    def __str__(self) -> str:
        then = f"; use {self.successor}" if self.successor else ""
        return f"Version {self.semver} is retired{then}."


def resolve_version(
    entry: ModelEntry, requested: str | None = None, pinned_major: int | None = None
) -> ModelVersion:
    """The version serving a call to `entry`.

    `requested` is "MAJOR" or "MAJOR.MINOR.PATCH" (a Model-Version header or a path); without
    it, `pinned_major` (the subscription's pin) applies; without either, the newest major.
    Raises VersionNotFound or VersionRetired (naming the successor).
    """
    requested = (requested or "").strip()
    if requested and not REQUEST_RE.match(requested):
        raise VersionNotFound(f"{requested!r} is not a version: use MAJOR or MAJOR.MINOR.PATCH.")
    if "." in requested:
        return _exact(entry, requested)
    major = int(requested) if requested else pinned_major
    candidates = entry.versions.filter(state__in=ModelVersion.LIVE_STATES)
    if major is not None:
        candidates = candidates.filter(major=major)
    # Published before deprecated, then the newest semver.
    for state in (ModelVersion.State.PUBLISHED, ModelVersion.State.DEPRECATED):
        version = candidates.filter(state=state).order_by("-major", "-minor", "-patch").first()
        if version is not None:
            return version
    where = f" in major {major}" if major is not None else ""
    raise VersionNotFound(f"{entry.slug} has no published version{where}.")


def _exact(entry: ModelEntry, semver: str) -> ModelVersion:
    version = entry.versions.filter(semver=semver).first()
    if version is None or version.state not in (
        *ModelVersion.LIVE_STATES,
        ModelVersion.State.RETIRED,
    ):
        raise VersionNotFound(f"{entry.slug} has no published version {semver}.")
    if version.state == ModelVersion.State.RETIRED:
        raise VersionRetired(semver, successor(version))
    return version


def successor(version: ModelVersion) -> str | None:
    """What replaces a retired version (or one about to retire): the newest other live
    version in its major, else the newest other live version."""
    live = version.entry.versions.filter(state__in=ModelVersion.LIVE_STATES).exclude(pk=version.pk)
    same_major = live.filter(major=version.major).order_by("-minor", "-patch").first()
    newest = same_major or live.order_by("-major", "-minor", "-patch").first()
    return newest.semver if newest else None
