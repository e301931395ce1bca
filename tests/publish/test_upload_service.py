"""catalog.uploads called directly, as manage.py publish does: inputs that no form field
cleans first, and the guarantee that a failure leaves nothing behind."""

import io

import pytest
from django.core.files import File

from catalog import uploads
from catalog.models import ModelVersion
from tests.publish.conftest import IRIS_CSV, contract, stored_files

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db]


def _create(entry, user, content: bytes, **overrides):
    evaluation = {
        "eval_set": File(io.BytesIO(IRIS_CSV.encode()), name="eval.csv"),
        "eval_target_column": "species",
        "eval_metric": "accuracy",
        "eval_threshold": 0.9,
    }
    arguments = {"semver": "1.0.0", "framework": "sklearn", **contract(), **evaluation, **overrides}
    return uploads.create_version(
        entry, user, artifact=File(io.BytesIO(content), name="model.skops"), **arguments
    )


@pytest.mark.parametrize("semver", ["1.0.0\n", " 1.0.0", "01.0.0", "1.0.0-rc1"])
def test_it_refuses_near_miss_version_numbers(iris, alice, skops_bytes, semver):
    with pytest.raises(uploads.UploadError) as refused:
        _create(iris, alice, skops_bytes, semver=semver)

    assert refused.value.errors == {
        "semver": [f"“{semver}” is not a version number: use MAJOR.MINOR.PATCH, e.g. 1.2.0."]
    }


def test_a_non_member_is_not_allowed(iris, charlie, skops_bytes, media_root):
    with pytest.raises(uploads.UploadNotAllowed) as refused:
        _create(iris, charlie, skops_bytes)

    assert refused.value.message == (
        "You are not a member of Acme Models, so you cannot publish versions of iris-classifier."
    )
    assert stored_files(media_root) == []


def test_a_failure_after_storing_removes_the_row_and_the_files(
    iris, alice, skops_bytes, media_root
):
    # Checks pass (they read only "input" and "output"), but the contract row cannot be
    # saved: the failure comes after the artifact was stored.
    example = {**contract()["examples"][0], "note": object()}

    with pytest.raises(TypeError, match="not JSON serializable"):
        _create(iris, alice, skops_bytes, examples=[example])

    assert not ModelVersion.objects.exists()
    assert stored_files(media_root) == []


def test_a_draft_is_kept_unsubmitted_when_asked(iris, alice, skops_bytes):
    version = _create(iris, alice, skops_bytes, submit=False)

    assert (version.state, version.stage) == ("draft", "")
    assert not version.transitions.exists()
