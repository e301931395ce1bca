"""What the publisher's version page shows about a version going through the pipeline."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from catalog.models import ModelVersion

S = ModelVersion.State


@dataclass(frozen=True)
class Progress:
    version: ModelVersion
    # While the pipeline drives the version, the page polls for changes.
    polling: bool
    elapsed_seconds: int | None
    failed_stage_label: str
    can_retry: bool
    can_delete: bool

    @property
    def elapsed(self) -> str:
        return format_duration(self.elapsed_seconds) if self.elapsed_seconds is not None else ""


def progress_of(version: ModelVersion, now: datetime | None = None) -> Progress:
    """The version's progress: elapsed time since the pipeline started (until it ended)."""
    now = now or timezone.now()
    polling = version.state in ModelVersion.PIPELINE_STATES
    elapsed = None
    if version.pipeline_started_at is not None:
        end = now if polling else _ended_at(version)
        if end is not None:
            elapsed = max(0, int((end - version.pipeline_started_at).total_seconds()))
    return Progress(
        version=version,
        polling=polling,
        elapsed_seconds=elapsed,
        failed_stage_label=stage_label(version.failed_stage) if version.state == S.FAILED else "",
        can_retry=version.state == S.FAILED,
        can_delete=version.state in (S.DRAFT, S.FAILED),
    )


def stage_label(stage: str) -> str:
    """A stage's label, e.g. "build" → "Building the BentoML service"."""
    if stage in ModelVersion.Stage.values:
        return ModelVersion.Stage(stage).label
    return stage or "an unknown stage"


def _ended_at(version: ModelVersion) -> datetime | None:
    if version.state == S.FAILED:
        ended = version.transitions.filter(to_state=S.FAILED).order_by("-created_at", "-id")
        return ended.values_list("created_at", flat=True).first()
    return version.published_at


def format_duration(seconds: int) -> str:
    """45 → "45 s", 185 → "3 min 05 s", 3720 → "1 h 02 min"."""
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
