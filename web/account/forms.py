from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from web.forms import FormRenderer


class LoginForm(AuthenticationForm):
    """Email and password against the same users (and Argon2 hashes) as the API."""

    default_renderer = FormRenderer

    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        # One message whether the address is unknown, the password wrong or the account
        # deactivated, so the page does not tell which addresses have accounts.
        "invalid_login": _("The email address or password is not correct."),
        "inactive": _("The email address or password is not correct."),
    }

    def clean_username(self) -> Any:
        # Addresses are stored in lower case (accounts.models.UserManager).
        return self.cleaned_data["username"].lower()
