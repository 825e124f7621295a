"""The console's forms for companies, credentials and specialists (web/console/bank.py): the
queues' filters (GET) and the bulk decision and the CSV import (POST)."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Company
from accounts.prefectures import PREFECTURE_CHOICES
from talent.models import Certification, Specialist
from web.action_forms import note_field
from web.forms import PageForm
from web.pages import ActionForm

ANY = [("", _("Any"))]


class FilterForm(PageForm):
    """A queue's filters, read from the query string: a field not given or with an unknown value
    takes its default; one given empty ("Any") is empty."""

    def value(self, name: str) -> Any:
        self.is_valid()  # cleans every field; one bad field leaves the others' values
        if not self.is_bound or name not in self.data or name in self.errors:
            return self.fields[name].initial
        return self.cleaned_data.get(name)


class CompanyFilters(FilterForm):
    status = forms.ChoiceField(
        label=_("Verification"), required=False, initial="pending", choices=[*ANY, *Company.Status.choices]
    )
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False, choices=[*ANY, *PREFECTURE_CHOICES])
    size = forms.ChoiceField(
        label=_("Size class"),
        required=False,
        choices=[*ANY, ("small_scale", _("Small-scale enterprise")), ("sme", _("SME")), ("large", _("Large"))],
    )
    q = forms.CharField(label=_("Name, corporate number or city"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        initial="oldest",
        choices=[
            ("oldest", _("Registered, oldest first")),
            ("newest", _("Registered, newest first")),
            ("name", _("Name")),
            ("prefecture", _("Prefecture")),
            ("employees", _("Regular employees, most first")),
        ],
    )


class CertificationFilters(FilterForm):
    queue = forms.ChoiceField(
        label=_("List"),
        required=False,
        initial="pending",
        choices=[
            ("pending", _("To review")),
            ("renewal_due", _("Renewal due")),
            ("lapsed", _("Lapsed")),
            ("all", _("All")),
        ],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[*ANY, *Certification.Kind.choices])
    q = forms.CharField(label=_("Specialist's name or number"), required=False, max_length=100)


class SpecialistFilters(FilterForm):
    q = forms.CharField(label=_("Name, email address or skill"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[*ANY, *Specialist.Status.choices])
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        initial="name",
        choices=[("name", _("Name")), ("newest", _("Newest first")), ("oldest", _("Oldest first"))],
    )


class UUIDListField(forms.Field):
    """The ids of the rows ticked in a list (checkboxes of the rows, outside the form's markup)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose rows of this list.")}

    def to_python(self, value: Any) -> list[uuid.UUID]:
        if not value:
            return []
        try:
            return list(dict.fromkeys(uuid.UUID(str(item)) for item in value))
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class BulkCompanyForm(ActionForm):
    """Verify or reject the ticked companies in one step (each through the service)."""

    ids = UUIDListField(
        label=_("Companies ticked"), error_messages={"required": _("Tick at least one company in the list.")}
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
        initial="verify",
    )
    note = note_field(_("Note (the reason, when rejecting)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Give the reason for rejecting."))
        return data


class ImportForm(PageForm):
    file = forms.FileField(
        label=_("CSV file (UTF-8)"),
        help_text=_("One specialist a line, with a header line naming the columns; at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
