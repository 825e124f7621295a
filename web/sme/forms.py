"""The SME's action forms (web/pages.py); fields are named as the services' arguments."""

from typing import Any, ClassVar, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import CompanyMembership
from subsidies.models import DocumentType
from web.action_forms import note_field
from web.pages import ActionForm, RowForm


class ConfirmHoursForm(RowForm):
    note = note_field()


class DisputeHoursForm(RowForm):
    note = note_field(_("What is wrong with these hours"), required=True)


class UploadDocumentForm(ActionForm):
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG or JPEG. A new version keeps the earlier ones."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )


class InviteForm(ActionForm):
    """An owner invites a colleague or the company's 社労士 (accounts.lifecycle.invite)."""

    email = forms.EmailField(
        label=_("Their email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    company_role = forms.ChoiceField(
        label=_("Their role"),
        choices=[
            (CompanyMembership.Role.MEMBER, _("Colleague: acts for the company in everything")),
            (CompanyMembership.Role.LABOUR_ATTORNEY, _("社労士: acts on the company's subsidy cases only")),
        ],
        widget=forms.RadioSelect,
        initial=CompanyMembership.Role.MEMBER,
    )
    company = forms.ChoiceField(label=_("Company"), choices=())
    # The companies the person owns, set per request (`for_companies`).
    companies: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["company"])
        field.choices = self.companies
        if len(self.companies) == 1:  # nothing to choose: the one company, without a question
            field.widget = forms.HiddenInput()
            field.initial = self.companies[0][0]


def invite_form(companies: list[tuple[str, str]]) -> type[InviteForm]:
    """The invitation form offering `companies` ((id, name) of those the person owns)."""
    return type("InviteForm", (InviteForm,), {"companies": companies})
