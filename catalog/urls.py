from django.urls import path

from catalog.views import browse, contracts

app_name = "catalog"

urlpatterns = [
    path("", browse.browse, name="browse"),
    path("<slug:slug>/", contracts.model_detail, name="model"),
]
