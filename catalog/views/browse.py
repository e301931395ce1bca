from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from catalog.browsing import browse_entries, facet_counts
from catalog.forms import BrowseForm

PAGE_SIZE = 12


# One URL answers with a fragment or a whole page depending on the htmx headers; Vary keeps
# a browser's cache from showing the fragment as the page on Back.
@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def browse(request):
    """/models/: search, filter, sort and page through the catalog."""
    form = BrowseForm(request.GET)
    form.is_valid()  # Invalid fields are reported on the page and left out of cleaned_data.
    criteria = form.cleaned_data
    entries = browse_entries(request.user, criteria)
    # get_page turns a page past the end into the last page and a missing one into the first.
    page = Paginator(entries, PAGE_SIZE).get_page(criteria.get("page"))
    context = {
        "form": form,
        "page": page,
        "filter_menus": form.filter_menus(facet_counts(request.user, criteria)),
        "query_string": form.query_string(),
    }
    htmx = request.htmx
    # A boosted link or a history restore wants the whole page even though htmx sends it.
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render(request, "catalog/browse.html#results", {**context, "swap_oob": True})
    return render(request, "catalog/browse.html", context)
