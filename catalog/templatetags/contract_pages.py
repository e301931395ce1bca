"""Filters for contract pages: sanitised Markdown and sizes people can read."""

from django import template
from django.utils.safestring import SafeString

from catalog.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Publisher Markdown as sanitised HTML (see catalog.markdown)."""
    return render_markdown(text)


@register.filter
def decimal_bytes(size: int) -> str:
    """1000000 → '1 MB': decimal units, as HTTP clients and proxies count payloads."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            break
        value /= 1000
    if unit == "bytes":
        return f"{int(value)} bytes"
    return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"
