import ast
import json
import re
import shlex

import pytest

from catalog.snippets import snippets_for
from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]

URL = "https://api.modelmarket.test/v1/models/iris/versions/1.2.0/predict"
# Quotes, a newline and non-ASCII text: each language must carry them through unchanged.
PAYLOAD = {
    "text": 'It\'s "fine"\nréally',
    "weights": [0.5, 1, None, True],
    "options": {"top_k": 3, "labels": []},
}


@pytest.fixture
def snippets():
    contract = {
        "input_schema": {"type": "object"},
        "output_schema": {"type": "object"},
        "examples": [{"name": "first", "input": PAYLOAD}, {"name": "second", "input": {}}],
    }
    version = make_version(make_entry(slug="iris"), semver="1.2.0", contract=contract)
    return snippets_for(version, base_url="https://api.modelmarket.test/")


def test_the_curl_snippet_posts_the_first_example_to_the_exact_version(snippets):
    words = shlex.split(snippets["curl"].replace("\\\n", " "))
    assert words[:4] == ["curl", "-X", "POST", URL]
    assert "Authorization: Bearer $MODEL_MARKET_KEY" in words
    assert json.loads(words[words.index("-d") + 1]) == PAYLOAD


def test_the_python_snippet_is_valid_python_sending_the_first_example(snippets):
    tree = ast.parse(snippets["python"])
    payload = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and node.targets[0].id == "payload"
    )
    assert ast.literal_eval(payload) == PAYLOAD
    assert f'"{URL}"' in snippets["python"]
    assert "os.environ['MODEL_MARKET_KEY']" in snippets["python"]


def test_the_javascript_snippet_fetches_with_the_first_example(snippets):
    body = re.search(r"const payload = (.*?);\n", snippets["javascript"], re.S).group(1)
    assert json.loads(body) == PAYLOAD
    assert f'await fetch("{URL}"' in snippets["javascript"]
    assert "process.env.MODEL_MARKET_KEY" in snippets["javascript"]
