from django.shortcuts import render

from catalog.models import ModelEntry


def browse(request):
    entries = ModelEntry.objects.visible_to(request.user).select_related("publisher")
    return render(request, "catalog/browse.html", {"entries": entries})
