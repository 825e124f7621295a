"""The SME's action forms (web/pages.py); fields are named as the services' arguments."""

from django import forms
from django.utils.translation import gettext_lazy as _

from subsidies.models import DocumentType
from web.action_forms import note_field
from web.pages import ActionForm, RowForm


class ConfirmHoursForm(RowForm):
    note = note_field()


class DisputeHoursForm(RowForm):
    note = note_field(_("What is wrong with these hours"), required=True)


class PayForm(ActionForm):
    """Paying by card at Stripe: nothing to fill in."""


class UploadDocumentForm(ActionForm):
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG or JPEG. A new version keeps the earlier ones."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
