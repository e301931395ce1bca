import pytest

from catalog.markdown import render_markdown

pytestmark = [pytest.mark.catalog]


def test_it_removes_script_elements_and_their_content():
    html = render_markdown("Hello\n\n<script>alert('owned')</script>\n\nworld")
    assert "<script" not in html
    assert "alert" not in html
    assert "Hello" in html and "world" in html


def test_it_removes_event_handler_attributes():
    html = render_markdown('<img src="cat.png" onerror="alert(1)"> <p onclick="x()">hi</p>')
    assert "onerror" not in html
    assert "onclick" not in html
    assert '<img src="cat.png">' in html


def test_it_removes_javascript_urls():
    html = render_markdown('[click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">two</a>')
    assert "javascript" not in html.lower()
    assert "click" in html and "two" in html


def test_it_drops_unknown_tags_styles_and_classes():
    html = render_markdown(
        '<iframe src="https://evil.example"></iframe><p style="x" class="y">ok</p>'
    )
    assert "iframe" not in html
    assert "style=" not in html and 'class="y"' not in html
    assert "<p>ok</p>" in html


def test_it_keeps_normal_markdown():
    text = (
        "# Iris\n\nA **logistic** _regression_, see [the paper](https://example.org/paper).\n\n"
        "```python\nprint('hi')\n```\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n"
    )
    html = render_markdown(text)
    assert "<h1>Iris</h1>" in html
    assert "<strong>logistic</strong>" in html and "<em>regression</em>" in html
    assert '<code class="language-python">' in html
    assert '<td align="right">2</td>' in html


def test_it_marks_links_noopener_noreferrer_nofollow():
    html = render_markdown("[paper](https://example.org/paper)")
    assert (
        '<a href="https://example.org/paper" rel="noopener noreferrer nofollow">paper</a>' in html
    )
