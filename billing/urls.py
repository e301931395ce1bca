from django.urls import path

# Imported for its side effect: it registers the <semver:...> path converter.
import catalog.urls  # noqa: F401
from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/", views.subscription, name="subscription"),
    path("subscriptions/<int:pk>/keys/", views.key_create, name="key_create"),
    path("plans/<int:plan_id>/subscribe/", views.subscribe, name="subscribe"),
    path("keys/<int:pk>/rotate/", views.key_rotate, name="key_rotate"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
    path("console/<slug:slug>/<semver:semver>/", views.console, name="console"),
]
