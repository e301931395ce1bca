"""Where the benchmarks write their figures: keys in bench/results.json, sections in
docs/benchmarks.md."""

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results.json"
DOC = REPO / "docs" / "benchmarks.md"
INTRO = "# Benchmarks\n\nFigures measured on purpose, with the command that gave them.\n"


def store_results(figures: dict) -> None:
    """Set these keys in results.json, keeping the other benchmarks' keys."""
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    stored.update(figures)
    RESULTS.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")


def write_section(heading: str, body: str) -> None:
    """Replace the section of benchmarks.md starting with `heading` (up to the next `## `),
    or append it."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text() if DOC.exists() else INTRO
    start = text.find(heading)
    if start == -1:
        text = text.rstrip() + "\n\n" + body + "\n"
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + body + "\n" + (text[end:] if end != -1 else "")
    DOC.write_text(text)
