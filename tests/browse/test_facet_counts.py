import pytest

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_counts_the_entries_each_filter_value_would_give(client, acme):
    make_version(make_entry(acme, name="Iris Classifier", license="mit"))
    make_version(make_entry(acme, name="Spam Filter", license="apache-2.0"), framework="onnx")
    make_version(make_entry(acme, name="Vision Net", license="apache-2.0"), framework="onnx")
    html = client.get("/models/", {"license": "apache-2.0"}).content.decode()
    # The framework counts honour the license filter...
    assert '<option value="onnx">ONNX (2)</option>' in html
    assert '<option value="sklearn">scikit-learn (skops) (0)</option>' in html
    # ...while the license counts leave out the license filter itself, to show alternatives.
    assert '<option value="mit">MIT (1)</option>' in html
    assert '<option value="apache-2.0" selected>Apache 2.0 (2)</option>' in html


def test_it_leaves_other_publishers_drafts_out_of_the_counts(client, acme):
    entry = make_entry(acme, name="Iris Classifier")
    make_version(entry, "1.0.0")
    make_version(entry, "2.0.0", state="draft", framework="onnx")
    html = client.get("/models/").content.decode()
    assert '<option value="onnx">ONNX (0)</option>' in html
    assert '<option value="sklearn">scikit-learn (skops) (1)</option>' in html
