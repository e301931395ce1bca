from django.urls import path

from serving import gateway_views

app_name = "gateway"

urlpatterns = [
    path("models/<slug:slug>/predict", gateway_views.predict, name="predict"),
    path(
        "models/<slug:slug>/versions/<str:semver>/predict",
        gateway_views.predict,
        name="predict-version",
    ),
    path("models/<slug:slug>/jobs", gateway_views.submit_job, name="submit-job"),
    path("jobs/<str:job_id>", gateway_views.job_status, name="job"),
    path("usage", gateway_views.usage, name="usage"),
]
