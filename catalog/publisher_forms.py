"""Forms of the publisher pages. They check shapes; catalog/publishers.py checks the rules."""

from django import forms

from catalog.models import Membership, Publisher


class PublisherForm(forms.Form):
    name = forms.CharField(max_length=Publisher._meta.get_field("name").max_length)
    slug = forms.CharField(
        max_length=Publisher._meta.get_field("slug").max_length,
        help_text="Part of your public address: /publishers/<slug>/. Lowercase letters, digits "
        "and hyphens.",
    )
    description = forms.CharField(widget=forms.Textarea, required=False)
    website = forms.URLField(required=False, assume_scheme="https")


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
