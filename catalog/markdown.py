"""Publisher-written Markdown turned into HTML that is safe to put on our pages.

python-markdown passes raw HTML through untouched, so its output is never trusted: nh3
(ammonia) then keeps only the tags, attributes and URL schemes listed here.
"""

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p",
        "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Publishers link to papers and repositories; nofollow keeps the catalog from lending them rank.
LINK_REL = "noopener noreferrer nofollow"


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    # Fenced code blocks say their language as class="language-x"; no other class survives.
    if attribute == "class":
        return value if element == "code" and value.startswith("language-") else None
    return value


def render_markdown(text: str) -> SafeString:
    """Render Markdown (with fenced code and tables) to sanitised HTML.

    Scripts, styles, event handlers and javascript:/data: URLs are removed; links get
    rel="noopener noreferrer nofollow".
    """
    html = md.markdown(
        text or "",
        extensions=["fenced_code", "tables", "sane_lists"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it against the allow-list
