from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from web.forms import RENDERER, PageForm
from web.pages import ActionForm


class LoginForm(AuthenticationForm):
    """Email and password against the same users (and Argon2 hashes) as the API."""

    default_renderer = RENDERER

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


def _password_field(label: "Any", *, autocomplete: str = "new-password", help_text: "Any" = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


NEW_PASSWORD_HELP = _("At least 10 characters; not a common password, not all digits, not like your name or address.")


class SignupForm(PageForm):
    """Self-service sign-up (accounts.services.register_user); fields named as its arguments."""

    role = forms.ChoiceField(
        label=_("You are"),
        choices=[
            (User.Role.SME, _("A business (SME) looking for a security specialist")),
            (User.Role.SPECIALIST, _("A security specialist (情報処理安全確保支援士)")),
        ],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send a link to this address to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = _password_field(_("Password"), help_text=NEW_PASSWORD_HELP)


class PasswordResetForm(PageForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you sign in with. We send a link to set a new password to it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class SetPasswordForm(PageForm):
    password = _password_field(_("New password"), help_text=NEW_PASSWORD_HELP)


class AcceptInvitationForm(PageForm):
    """Accepting an invitation (accounts.lifecycle.accept_invitation)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("As the people you work with should see it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = _password_field(
        _("Password"),
        help_text=_(
            "Choose a password: at least 10 characters, not a common one. If you already have an account "
            "with this address, enter its password."
        ),
    )


class ProfileForm(ActionForm):
    """Name and language (accounts.services.update_me), filled in with the person's own."""

    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        help_text=_("Of these pages and of the mails we send you."),
    )
    # The person's current values, set per request (`prefilled`).
    current: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {**self.current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


def prefilled(form: type[ProfileForm], **current: Any) -> type[ProfileForm]:
    """`form` showing `current` until the person changes it (web/pages.py builds forms by class)."""
    return type(form.__name__, (form,), {"current": current})


class PasswordChangeForm(ActionForm):
    current_password = _password_field(_("Current password"), autocomplete="current-password")
    new_password = _password_field(_("New password"), help_text=NEW_PASSWORD_HELP)


class ResendConfirmationForm(ActionForm):
    """Mailing the confirmation link again: nothing to fill in."""
