"""Where a gateway call goes: the version, its running service and its contract's limits.

Answers (refusals included) are kept in this process for FRESH_SECONDS, so a newly published
version or a restarted service is picked up within seconds and the database is read about
once per route and interval: in an answer's last AHEAD_SECONDS one call reads it again while
the others go on using it, and calls that find no fresh answer share one read. While the
database is unreachable the last answer is kept.
"""

from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.db import DatabaseError, close_old_connections

from billing.hotcache import Copies
from catalog.models import ModelEntry
from catalog.resolution import ResolutionError, VersionRetired, resolve_version
from serving.models import Deployment


@dataclass(frozen=True)
class Route:
    version_id: int = 0
    semver: str = ""
    url: str = ""  # empty: no running service
    mode: str = "sync"
    timeout_ms: int = 10_000
    max_payload: int = 1_000_000
    input_schema: dict | None = None
    error: str = ""  # model_not_found or version_retired
    detail: str = ""
    successor: str | None = None


_routes = Copies()


def with_fresh_connection(function):
    """Run a database lookup of the gateway after dropping a broken or expired connection,
    as Django's request signals would (the gateway's ASGI paths do not send them)."""

    def run(*args, **kwargs):
        close_old_connections()
        return function(*args, **kwargs)

    return run


def load_route(entry_id: int, requested: str | None, pinned_major: int | None) -> Route:
    """Resolve a call from the database (the slow path)."""
    entry = ModelEntry.objects.filter(id=entry_id).first()
    if entry is None:
        return Route(error="model_not_found", detail="This model no longer exists.")
    try:
        version = resolve_version(entry, requested, pinned_major)
    except VersionRetired as exc:
        return Route(error="version_retired", detail=str(exc), successor=exc.successor)
    except ResolutionError as exc:
        return Route(error="model_not_found", detail=str(exc))
    deployment = (
        Deployment.objects.filter(version=version, status=Deployment.Status.RUNNING)
        .exclude(url="")
        .first()
    )
    contract = version.contract
    return Route(
        version_id=version.id,
        semver=version.semver,
        url=deployment.url.rstrip("/") if deployment else "",
        mode=contract.mode,
        timeout_ms=contract.timeout_ms,
        max_payload=contract.max_payload_bytes,
        input_schema=contract.input_schema,
    )


async def route_for(entry_id: int, requested: str | None, pinned_major: int | None) -> Route:
    """The cached route; raises DatabaseError only when the database is down and this
    process never resolved the route before."""
    name = (entry_id, requested, None if requested else pinned_major)
    cached = _routes.get(name)
    if cached is not None and cached[1] and not _routes.claim_reload(name):
        return cached[0]

    async def read() -> Route:
        route = await sync_to_async(with_fresh_connection(load_route))(
            entry_id, requested, pinned_major
        )
        _routes.keep(name, route)
        return route

    try:
        return await _routes.load_once(name, read)
    except DatabaseError:
        if cached is not None:
            return cached[0]
        raise
