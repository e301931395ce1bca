"""The version state machine. Every change goes through `transition`, which records it."""

from django.db import transaction
from django.utils import timezone

from catalog.models import ModelVersion, VersionTransition

S = ModelVersion.State

ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.QUEUED},
    S.QUEUED: {S.BUILDING, S.FAILED},
    S.BUILDING: {S.TESTING, S.FAILED},
    S.TESTING: {S.PUBLISHED, S.FAILED},
    S.PUBLISHED: {S.DEPRECATED, S.RETIRED},
    S.DEPRECATED: {S.PUBLISHED, S.RETIRED},
    S.RETIRED: set(),
    S.FAILED: {S.QUEUED},
}


class TransitionError(Exception):
    pass


def transition(
    version: ModelVersion, to_state: str, *, actor=None, label: str = "", reason: str = ""
) -> ModelVersion:
    """Move `version` to `to_state` if allowed from its current state, and record who did it.

    The move is a conditional UPDATE on the current state, so two workers racing on the
    same version cannot both win; the loser gets TransitionError.
    """
    from_state = version.state
    if to_state not in ALLOWED[from_state]:
        raise TransitionError(f"A {from_state} version cannot become {to_state}.")
    changes = {"state": to_state}
    if to_state == S.PUBLISHED and version.published_at is None:
        changes["published_at"] = timezone.now()
    if to_state == S.FAILED:
        changes["failure_reason"] = reason
    with transaction.atomic():
        claimed = ModelVersion.objects.filter(pk=version.pk, state=from_state).update(**changes)
        if not claimed:
            raise TransitionError(
                f"{version} changed state concurrently; it is no longer {from_state}."
            )
        VersionTransition.objects.create(
            version=version,
            from_state=from_state,
            to_state=to_state,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=label or (actor.email if actor is not None else "system"),
            reason=reason,
        )
    for name, value in changes.items():
        setattr(version, name, value)
    return version


def deprecate(version: ModelVersion, *, sunset_at, actor=None, note: str = "") -> ModelVersion:
    """Mark a published version deprecated with the date its endpoint will stop."""
    if sunset_at is None or sunset_at <= timezone.now():
        raise TransitionError("The sunset date must be in the future.")
    with transaction.atomic():
        transition(
            version,
            S.DEPRECATED,
            actor=actor,
            reason=f"Sunset on {sunset_at:%Y-%m-%d}. {note}".strip(),
        )
        ModelVersion.objects.filter(pk=version.pk).update(
            sunset_at=sunset_at, deprecation_note=note
        )
    version.sunset_at, version.deprecation_note = sunset_at, note
    return version


def retire(version: ModelVersion, *, actor=None, label: str = "") -> ModelVersion:
    """Stop serving a live version; calls to it get 410 naming its successor."""
    from serving.pipeline import stop_deployments

    with transaction.atomic():
        transition(
            version, S.RETIRED, actor=actor, label=label, reason="Retired: its endpoint stops."
        )
        stop_deployments(version)
    return version
