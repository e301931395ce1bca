"""The account page where a user creates, lists and revokes personal access tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.models import PersonalAccessToken
from portal.tokens import MAX_EXPIRY_DAYS, create_token, revoke_token


class CreateTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        help_text="What the token is for, e.g. 'CI upload' or 'laptop CLI'.",
    )
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        label="Expires in (days)",
        help_text="Leave empty for a token that lasts until you revoke it.",
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name


# never_cache: the page that shows a new raw token must not be kept by any cache.
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """GET lists the user's tokens; POST creates one and shows its raw value this once."""
    raw_token = None
    created = None
    form = CreateTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created, raw_token = create_token(
            request.user, form.cleaned_data["name"], form.cleaned_data["expires_in_days"]
        )
        form = CreateTokenForm()
    rows = PersonalAccessToken.objects.filter(user=request.user)
    status = 400 if request.method == "POST" and raw_token is None else 200
    return render(
        request,
        "portal/tokens.html",
        {"tokens": rows, "form": form, "raw_token": raw_token, "created": created},
        status=status,
    )


@login_required
@require_POST
def revoke(request, pk: int):
    """Revoke one of the user's own tokens; another user's token is a 404."""
    token = get_object_or_404(PersonalAccessToken, pk=pk, user=request.user)
    revoke_token(token)
    messages.success(request, f"Token “{token.name}” (mmp_{token.prefix}…) is revoked.")
    return redirect("portal:tokens")
