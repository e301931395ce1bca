"""Reading the compliance section of a contract page the way a visitor reads it."""

import html
import re

_TAG = re.compile(r"<[^>]+>")


def text(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def gate_html(response, name: str) -> str:
    """The HTML of the one gate card named `name`."""
    page = response.content.decode()
    marker = f'<article class="gate card" id="gate-{name}">'
    assert page.count(marker) == 1, f"expected one {name} gate card"
    return page.split(marker)[1].split("</article>")[0]


def figures(fragment: str, raw: bool = False) -> dict[str, str]:
    """A gate card's labelled figures (or, with raw, its unlabelled ones) as label → value."""
    css = "figures raw" if raw else "figures"
    lists = re.findall(rf'<dl class="{css}">(.*?)</dl>', fragment, re.S)
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", "".join(lists), re.S)
    return {text(label): text(value) for label, value in pairs}


def compatibility_html(response) -> str:
    page = response.content.decode()
    return page.split('<section class="compatibility-report card" id="compatibility">')[1].split(
        "</section>"
    )[0]


def change_rows(fragment: str, heading: str) -> list[list[str]]:
    """The rows (cells as text) of the change table under the heading starting `heading`."""
    after = fragment.split(f"<h4>{heading}")[1].split("<h4>")[0]
    return [
        [text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", after.split("<tbody>")[-1], re.S)
        if "<td>" in row
    ]
