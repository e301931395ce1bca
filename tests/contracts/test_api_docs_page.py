import re

import pytest
from django.contrib.staticfiles import finders

from tests.factories import make_entry, make_version

pytestmark = [pytest.mark.catalog, pytest.mark.django_db]


def test_it_renders_swagger_ui_from_our_static_files(client):
    make_version(make_entry(slug="iris"), semver="1.0.0")
    response = client.get("/models/iris/versions/1.0.0/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://", html)  # no CDN, nor any other host
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert 'data-openapi-url="/models/iris/versions/1.0.0/openapi.json"' in html
