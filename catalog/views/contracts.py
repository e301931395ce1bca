from django.shortcuts import get_object_or_404, render

from catalog.models import ModelEntry


def model_detail(request, slug):
    entry = get_object_or_404(ModelEntry.objects.visible_to(request.user), slug=slug)
    return render(request, "catalog/model.html", {"entry": entry})
