from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from catalog.views import publishers
from portal import token_views, views
from serving import gateway_views

portal_patterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("account/", views.account, name="account"),
    path("account/tokens/", token_views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", token_views.revoke, name="token-revoke"),
    path("publishers/<slug:slug>/", publishers.publisher_profile, name="publisher"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("models/", include("catalog.urls")),
    path("publish/models/<slug:slug>/", include("billing.publish_urls")),
    path("publish/", include("catalog.publish_urls")),
    path("billing/", include("billing.urls")),
    path("billing/", include("billing.payment_urls")),
    path("api/", include("catalog.api.urls")),
    path("v1/", include("serving.gateway_urls")),
    path("metrics", gateway_views.metrics_view, name="metrics"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
