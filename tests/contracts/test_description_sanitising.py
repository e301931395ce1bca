import pytest

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_renders_the_description_as_sanitised_markdown(client):
    entry = make_entry(
        slug="iris",
        description=(
            "## How it works\n\nA *small* model.\n\n<script>steal()</script>\n\n"
            '<img src="x.png" onerror="steal()">\n\n[docs](javascript:steal())'
        ),
    )
    make_version(entry, changelog='<a href="#" onclick="steal()">Fixed</a> things')
    html = client.get("/models/iris/").content.decode()
    assert "<h2>How it works</h2>" in html
    assert "<em>small</em>" in html
    assert "steal()" not in html
    assert "<script>steal" not in html
    assert "Fixed" in html
