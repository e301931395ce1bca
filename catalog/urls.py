from django.urls import path

from catalog.views import browse

app_name = "catalog"

urlpatterns = [
    path("", browse.browse, name="browse"),
]
