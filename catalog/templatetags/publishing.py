"""Template filters of the publishing pages."""

from django import template

from catalog.progress import stage_label as _stage_label

register = template.Library()


@register.filter
def stage_label(stage: str) -> str:
    """A pipeline stage's label: {{ version.failed_stage|stage_label }}."""
    return _stage_label(stage)
