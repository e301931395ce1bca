"""Reading the browse page's HTML the way a visitor reads it."""

import re

CARD_TITLE = re.compile(r'<article class="card model-card">\s*<h2><a href="[^"]*">([^<]*)</a>')


def result_names(response) -> list[str]:
    """The names on the result cards, in page order."""
    return CARD_TITLE.findall(response.content.decode())


def card_html(response, name: str) -> str:
    """The HTML of the one result card titled `name`."""
    html = response.content.decode()
    cards = [c for c in html.split('<article class="card model-card">')[1:] if f">{name}</a>" in c]
    assert len(cards) == 1, f"expected one card for {name!r}, found {len(cards)}"
    return cards[0].split("</article>")[0]
