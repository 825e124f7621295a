"""The specialist's action forms (web/pages.py); fields are named as the services' arguments."""

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from talent.models import Certification
from web.action_forms import date_field, note_field
from web.pages import ActionForm


class AcceptForm(ActionForm):
    declaration = forms.CharField(
        label=_("Conflict-of-interest declaration"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Any relationship with the company or with vendors you would recommend to it. Leave it empty if there "
            "is none."
        ),
    )
    note = note_field()


class DeclineForm(ActionForm):
    note = note_field(_("Reason for declining"), required=True)


class YearsField(forms.CharField):
    """Years typed as "2024, 2025" (full-width digits and 、 too) -> [2024, 2025]; the service
    checks the range."""

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = unicodedata.normalize("NFKC", super().to_python(value) or "")
        parts = [part for part in re.split(r"[\s,、]+", text) if part]
        if not all(part.isdigit() and len(part) == 4 for part in parts):
            raise forms.ValidationError(_("Write the years with four digits, separated by commas: 2024, 2025."))
        return [int(part) for part in parts]


class LogHoursForm(ActionForm):
    work_date = date_field(_("Work date"))
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=0.25,
        max_value=24,
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    description = forms.CharField(label=_("What was done"), max_length=500)


class CertificationForm(ActionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Certification.Kind.choices)
    number = forms.CharField(
        label=_("Number"),
        required=False,
        max_length=50,
        help_text=_("RISS: the six-digit registration number. SG: the certificate number."),
    )
    name = forms.CharField(
        label=_("Name of the certification"),
        required=False,
        max_length=200,
        help_text=_("For another certification only."),
    )
    issued_on = date_field(_("Registered or passed on"))
    renewal_deadline = date_field(
        _("Renewal deadline"), required=False, help_text=_("RISS: the deadline printed on the card.")
    )
    training_years = YearsField(
        label=_("Years of the yearly online training you completed"),
        required=False,
        max_length=200,
        help_text=_("RISS: for example 2024, 2025. Renewal needs the online training every year."),
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        help_text=_("A scan or photo of the card or certificate: PDF, PNG or JPEG."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )


class OnboardForm(ActionForm):
    """Starting (or resuming) Stripe's payout set-up: nothing to fill in."""
