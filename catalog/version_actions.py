"""What a publisher's member may do to a version after uploading it: retry or delete it
while it is not live; re-run its gates, deprecate or retire it once it is.

The pipeline (`serving.pipeline`) and the state machine (`catalog.lifecycle`) do the work;
this module says which versions qualify and turns refusals into messages for pages and the
API.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from catalog import lifecycle
from catalog.lifecycle import TransitionError
from catalog.models import ModelVersion

S = ModelVersion.State


class ActionRefused(Exception):
    """The version is not in a state that allows the action; the message says why."""


def retry(version: ModelVersion, actor) -> ModelVersion:
    """Send a failed version through the pipeline again, from validation."""
    from serving.pipeline import retry_version

    if version.state != S.FAILED:
        raise ActionRefused(
            f"Only failed versions can be retried; {version.semver} is "
            f"{version.get_state_display().lower()}."
        )
    try:
        retry_version(version, actor=actor)
    except TransitionError as exc:
        raise ActionRefused(str(exc)) from None
    version.refresh_from_db()
    return version


def delete(version: ModelVersion) -> None:
    """Delete a draft or failed version with its files; live versions are deprecated instead."""
    from serving.pipeline import StageFailed, delete_version

    if version.state not in (S.DRAFT, S.FAILED):
        raise ActionRefused(
            f"{version.semver} is {version.get_state_display().lower()}; only drafts and failed "
            "versions can be deleted."
        )
    try:
        delete_version(version)
    except StageFailed as exc:
        raise ActionRefused(str(exc)) from None


def _require_live(version: ModelVersion, action: str) -> None:
    if not version.is_live:
        raise ActionRefused(
            f"Only published or deprecated versions can {action}; {version.semver} is "
            f"{version.get_state_display().lower()}."
        )


def rerun_gates(version: ModelVersion) -> None:
    """Queue a fresh run of every gate against the live version's service.

    A run already in progress is not doubled; a failing re-run flags the version (see
    `serving.compliance.recheck_live_version`).
    """
    from serving.gate_reports import running_since
    from serving.tasks import recheck_gates

    _require_live(version, "have their gates re-run")
    started = running_since(version)
    if started is not None:
        raise ActionRefused(
            f"The gates of {version.semver} are already running (started "
            f"{started:%H:%M} UTC); their results appear on the contract page when they end."
        )
    transaction.on_commit(lambda: recheck_gates.delay(version.pk, "manual"))


def sunset_from_date(day: datetime.date, today: datetime.date | None = None) -> datetime.datetime:
    """The moment a version deprecated until `day` retires: the start of that day (UTC).

    Raises ValueError unless the day is after today, so that consumers get notice.
    """
    today = today or timezone.now().date()
    if day <= today:
        raise ValueError(f"The sunset date must be after today ({today:%Y-%m-%d}).")
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def deprecate(
    version: ModelVersion, actor, sunset_at: datetime.datetime, note: str = ""
) -> ModelVersion:
    """Deprecate a published version until `sunset_at` (see `sunset_from_date`), when it
    retires by itself."""
    if version.state != S.PUBLISHED:
        raise ActionRefused(
            f"Only published versions can be deprecated; {version.semver} is "
            f"{version.get_state_display().lower()}."
        )
    try:
        return lifecycle.deprecate(version, sunset_at=sunset_at, actor=actor, note=note.strip())
    except TransitionError as exc:
        raise ActionRefused(str(exc)) from None


def retire(version: ModelVersion, actor) -> ModelVersion:
    """Stop a live version's endpoint now; calls to it get 410 naming its successor."""
    _require_live(version, "be retired")
    try:
        return lifecycle.retire(version, actor=actor)
    except TransitionError as exc:
        raise ActionRefused(str(exc)) from None
