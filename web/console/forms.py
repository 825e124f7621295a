"""The chamber admin's action forms (web/pages.py); fields are named as the services' arguments."""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.pages import ActionForm, RowForm


class AcceptDocumentForm(RowForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FixDocumentForm(RowForm):
    comment = forms.CharField(label=_("What needs fixing"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ApproveAllForm(ActionForm):
    """Approving every pending proposal of a run: nothing to fill in."""


class InviteSpecialistForm(ActionForm):
    """A chamber admin invites a specialist to the shared talent bank (accounts.lifecycle.invite)."""

    email = forms.EmailField(
        label=_("The specialist's email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class InviteAdminForm(ActionForm):
    """A chamber admin invites another admin of their own chamber."""

    email = forms.EmailField(
        label=_("Your colleague's email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
