"""Forms of the catalog's public pages."""

from urllib.parse import urlencode

from django import forms

from catalog.models import Framework, Hardware, License, Publisher, Task

# In the order the sidebar shows them.
FILTER_FIELDS = ("task", "framework", "hardware", "license", "publisher")


class BrowseForm(forms.Form):
    """The query string of /models/. Every field is optional; an invalid one is reported and
    left out of the filtering, so a hand-edited URL never costs the visitor the page."""

    SORT_RELEVANCE = "relevance"
    SORT_NEWEST = "newest"
    SORT_NAME = "name"
    SORT_CHOICES = [
        (SORT_RELEVANCE, "Best match"),
        (SORT_NEWEST, "Newest"),
        (SORT_NAME, "Name (A–Z)"),
    ]
    # The SQLite fallback search builds a scoring expression per word; a cap keeps that
    # expression (and the PostgreSQL query) small.
    MAX_QUERY_WORDS = 12

    q = forms.CharField(label="Search", max_length=200, required=False)
    task = forms.ChoiceField(
        label="Task", choices=[("", "Any task"), *Task.choices], required=False
    )
    framework = forms.ChoiceField(
        label="Framework", choices=[("", "Any framework"), *Framework.choices], required=False
    )
    hardware = forms.ChoiceField(
        label="Hardware", choices=[("", "Any hardware"), *Hardware.choices], required=False
    )
    license = forms.ChoiceField(
        label="License", choices=[("", "Any license"), *License.choices], required=False
    )
    publisher = forms.ModelChoiceField(
        label="Publisher",
        queryset=Publisher.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "There is no publisher “%(value)s”."},
    )
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(label="Page", min_value=1, required=False)

    def clean_q(self) -> str:
        q = " ".join(self.cleaned_data["q"].split())
        if len(q.split()) > self.MAX_QUERY_WORDS:
            raise forms.ValidationError(
                f"Use at most {self.MAX_QUERY_WORDS} words in a search.", code="too_many_words"
            )
        return q

    def clean_sort(self) -> str:
        # Best match is the default; without a search, browse_entries shows the newest first.
        return self.cleaned_data["sort"] or self.SORT_RELEVANCE

    def filter_menus(self, counts: dict[str, dict[str, int]]) -> list[dict]:
        """The sidebar's selects after validation: [{"field", "options"}], each option a
        {"value", "label", "count", "selected"} with its facet count from `counts`."""
        menus = []
        for name in FILTER_FIELDS:
            chosen = self.cleaned_data.get(name) or ""
            if name == "publisher":
                chosen = chosen.slug if chosen else ""
                # Publishers with entries here, plus the chosen one even when it has none.
                slugs = set(counts[name]) | ({chosen} if chosen else set())
                choices = [("", "Any publisher")] + list(
                    Publisher.objects.filter(slug__in=slugs).values_list("slug", "name")
                )
            else:
                choices = self.fields[name].choices
            options = [
                {
                    "value": value,
                    "label": label,
                    "count": counts[name].get(value, 0) if value else None,
                    "selected": value == chosen,
                }
                for value, label in choices
            ]
            menus.append({"field": self[name], "options": options})
        return menus

    def query_string(self) -> str:
        """The valid criteria as a query string without the page, for pagination links."""
        params = {}
        for name in ("q", *FILTER_FIELDS, "sort"):
            value = self.cleaned_data.get(name)
            if isinstance(value, Publisher):
                value = value.slug
            if value and not (name == "sort" and value == self.SORT_RELEVANCE):
                params[name] = value
        return urlencode(params)

    def has_criteria(self) -> bool:
        """Whether a search or a filter narrows the catalog (for the empty-result message)."""
        return any(self.cleaned_data.get(name) for name in ("q", *FILTER_FIELDS))
