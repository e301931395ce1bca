"""manage.py publish: from a directory (publish.json, model.skops, eval.csv) or a single
artifact file, through the same checks as the form, to a queued version."""

import hashlib
import io
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from catalog.models import ModelEntry
from tests.factories import make_publisher
from tests.publish.conftest import EVAL_CSV, IRIS_CSV, contract, stored_files

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db]


@pytest.fixture
def bundle(tmp_path, skops_bytes):
    folder = tmp_path / "iris"
    folder.mkdir()
    (folder / "model.skops").write_bytes(skops_bytes)
    (folder / "eval.csv").write_text(EVAL_CSV)
    spec = {
        "entry": {
            "slug": "iris-cli",
            "name": "Iris from the CLI",
            "summary": "Classifies iris flowers from four measurements.",
            "task": "tabular-classification",
            "license": "mit",
            "tags": ["iris", "demo"],
        },
        "version": {
            "semver": "1.0.0",
            "changelog": "Trained on the full iris set.",
            "eval_target_column": "species",
            "eval_metric": "accuracy",
            "eval_threshold": 0.9,
        },
        "contract": contract(),
    }
    (folder / "publish.json").write_text(json.dumps(spec))
    return folder


def _publish(*args) -> str:
    out = io.StringIO()
    call_command("publish", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_it_creates_the_entry_and_a_queued_version_from_a_directory(
    bundle, alice, acme, skops_bytes, media_root
):
    output = _publish(bundle, "--user", "alice@example.com")

    entry = ModelEntry.objects.get(slug="iris-cli")
    assert (entry.publisher, entry.name) == (acme, "Iris from the CLI")
    assert entry.tags == ["iris", "demo"]
    version = entry.versions.get()
    assert (version.semver, version.state, version.framework) == ("1.0.0", "queued", "sklearn")
    assert version.artifact_sha256 == hashlib.sha256(skops_bytes).hexdigest()
    assert (version.eval_metric, version.eval_threshold) == ("accuracy", 0.9)
    assert version.created_by == alice
    assert len(stored_files(media_root)) == 2
    assert "Created the model iris-cli under Acme Models." in output
    assert f"Status: {settings.SITE_URL}/publish/models/iris-cli/versions/1.0.0/" in output


def test_options_override_publish_json(bundle, bob, acme):
    _publish(bundle, "--user", "bob@example.com", "--semver", "2.0.0", "--hardware", "gpu")

    version = ModelEntry.objects.get(slug="iris-cli").versions.get()
    assert (version.semver, version.hardware) == ("2.0.0", "gpu")


def test_a_single_file_goes_into_an_existing_model(tmp_path, onnx_bytes, alice, iris):
    artifact = tmp_path / "iris.onnx"
    artifact.write_bytes(onnx_bytes)
    contract_file = tmp_path / "contract.json"
    contract_file.write_text(json.dumps(contract()))
    eval_file = tmp_path / "eval.csv"
    eval_file.write_text(IRIS_CSV)

    output = _publish(
        artifact,
        "--user",
        "alice@example.com",
        "--model",
        "iris-classifier",
        "--semver",
        "0.3.0",
        "--contract",
        contract_file,
        "--eval-set",
        eval_file,
        "--target",
        "species",
        "--metric",
        "accuracy",
        "--threshold",
        "0.9",
    )

    version = iris.versions.get()
    assert (version.semver, version.framework, version.state) == ("0.3.0", "onnx", "queued")
    assert "Created the model" not in output


def test_a_refused_version_leaves_no_new_model_behind(bundle, alice, acme, media_root):
    (bundle / "model.skops").write_bytes(b"\x80\x04not really a model")

    with pytest.raises(CommandError) as refused:
        _publish(bundle, "--user", "alice@example.com")

    assert "artifact: model.skops is a pickle, not a skops file." in str(refused.value)
    assert not ModelEntry.objects.filter(slug="iris-cli").exists()
    assert stored_files(media_root) == []


def test_it_needs_a_publisher_the_user_belongs_to(bundle, charlie, acme):
    make_publisher(owner=charlie, slug="charlie-labs")
    make_publisher(owner=charlie, slug="charlie-two")

    with pytest.raises(CommandError) as ambiguous:
        _publish(bundle, "--user", "charlie@example.com")
    with pytest.raises(CommandError) as foreign:
        _publish(bundle, "--user", "charlie@example.com", "--publisher", "acme")

    assert "belongs to several publishers (charlie-labs, charlie-two); give --publisher." in str(
        ambiguous.value
    )
    assert "charlie@example.com is not a member of a publisher “acme”." in str(foreign.value)


def test_a_non_member_cannot_add_a_version_to_an_existing_model(bundle, charlie, iris):
    with pytest.raises(CommandError) as refused:
        _publish(bundle, "--user", "charlie@example.com", "--model", "iris-classifier")

    assert "You are not a member of Acme Models" in str(refused.value)
    assert not iris.versions.exists()


def test_bad_bundles_are_named(tmp_path, alice, acme):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "publish.json").write_text("{not json")

    with pytest.raises(CommandError) as bad_json:
        _publish(empty, "--user", "alice@example.com")
    with pytest.raises(CommandError) as no_user:
        _publish(empty, "--user", "nobody@example.com")

    assert "publish.json (" in str(bad_json.value)
    assert "is not valid JSON" in str(bad_json.value)
    assert str(no_user.value) == "No user has the email nobody@example.com."


def test_wait_gives_up_after_its_timeout_with_the_status_url(bundle, alice, acme):
    # No worker runs in this test, so the version stays queued.
    with pytest.raises(CommandError) as waited:
        _publish(bundle, "--user", "alice@example.com", "--wait", "--timeout", "0")

    assert str(waited.value) == (
        "iris-cli 1.0.0 is still queued (Validating the artifact) after 0 s; follow it at "
        f"{settings.SITE_URL}/publish/models/iris-cli/versions/1.0.0/"
    )


def test_the_help_documents_the_directory_layout():
    from catalog.management.commands.publish import Command

    help_text = Command().create_parser("manage.py", "publish").format_help()

    assert "publish.json" in help_text
    assert "model.skops    or model.onnx" in help_text
    assert "eval.csv" in help_text
