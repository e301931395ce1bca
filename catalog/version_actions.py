"""What a publisher's member may do to a version after uploading it: retry or delete it.

The pipeline (`serving.pipeline`) does the work; this module says which versions qualify and
turns the pipeline's refusals into messages for pages and the API.
"""

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
