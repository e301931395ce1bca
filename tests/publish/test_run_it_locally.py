"""The contract page's "Run it locally" section and the bento download behind it."""

import pytest
from django.core.files.base import ContentFile

from tests.factories import make_version

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db]

ARCHIVE = b"a bento archive, as exported by bentoml"
PAGE = "/models/iris-classifier/versions/1.0.0/"
DOWNLOAD = "/models/iris-classifier/versions/1.0.0/bento/"


@pytest.fixture
def built(iris):
    version = make_version(iris, semver="1.0.0", state="published")
    version.bento_tag = f"iris-classifier:1.0.0-v{version.pk}"
    version.bento_archive.save(f"iris-classifier-1.0.0-v{version.pk}.bento", ContentFile(ARCHIVE))
    return version


def test_the_contract_page_offers_the_bento_and_the_commands(client, built):
    page = client.get(PAGE).content.decode()

    assert "Run it locally" in page
    assert f'href="{DOWNLOAD}"' in page
    assert f"bentoml import iris-classifier-1.0.0-v{built.pk}.bento" in page
    assert f"bentoml serve iris-classifier:1.0.0-v{built.pk}" in page


def test_anyone_who_sees_the_version_downloads_it(client, built):
    response = client.get(DOWNLOAD)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ARCHIVE
    assert response["Content-Disposition"] == (
        f'attachment; filename="iris-classifier-1.0.0-v{built.pk}.bento"'
    )


def test_a_proprietary_bento_is_for_members_only(client, built, charlie, bob):
    built.entry.license = "proprietary"
    built.entry.save()

    anonymous_page = client.get(PAGE).content.decode()
    anonymous = client.get(DOWNLOAD)
    client.force_login(charlie)
    buyer = client.get(DOWNLOAD)
    client.force_login(bob)
    member_page = client.get(PAGE).content.decode()
    member = client.get(DOWNLOAD)

    assert "Run it locally" not in anonymous_page
    assert anonymous.status_code == 403
    assert buyer.status_code == 403
    assert "Run it locally" in member_page
    assert member.status_code == 200


def test_without_an_archive_there_is_no_section_and_no_download(client, iris):
    make_version(iris, semver="1.0.0", state="published")

    assert "Run it locally" not in client.get(PAGE).content.decode()
    assert client.get(DOWNLOAD).status_code == 404


def test_a_version_hidden_from_the_visitor_cannot_be_downloaded(client, built, charlie):
    built.state = "failed"
    built.save()
    client.force_login(charlie)

    assert client.get(DOWNLOAD).status_code == 404
