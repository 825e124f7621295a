"""The queues' forms: their filters (GET) and the actions they add (web/pages.py); fields are
named as the services' arguments, so a refusal naming a field lands beside it."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.models import Invoice
from matching.models import Engagement, MatchRun, Proposal
from subsidies.models import SubsidyCase
from talent.models import RequestKind
from web.action_forms import note_field
from web.console.queues import QueueFilters, choice_filter, search_field
from web.pages import ActionForm, RowForm

# --- filters -----------------------------------------------------------------


class ProposalFilters(QueueFilters):
    SORTS = {
        "oldest": (_("Oldest run first"), ("run__created_at", "run_id", "request__created_at", "request_id", "rank")),
        "newest": (_("Newest run first"), ("-run__created_at", "run_id", "request__created_at", "request_id", "rank")),
    }
    DEFAULTS = {"status": Proposal.Status.PENDING_REVIEW}
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Proposal.Status.choices],
    )
    kind = choice_filter(_("Kind of request"), RequestKind.choices)
    q = search_field(_("Request, company or specialist"))


class RunFilters(QueueFilters):
    SORTS = {
        "newest": (_("Newest first"), ("-created_at", "id")),
        "oldest": (_("Oldest first"), ("created_at", "id")),
    }
    status = choice_filter(_("Status"), MatchRun.Status.choices)


class EngagementFilters(QueueFilters):
    SORTS = {
        "newest": (_("Newest first"), ("-created_at", "id")),
        "ending": (_("Ending soonest"), ("ends_on", "-created_at", "id")),
        "oldest": (_("Oldest first"), ("created_at", "id")),
    }
    status = choice_filter(_("Status"), Engagement.Status.choices)
    kind = choice_filter(_("Kind"), RequestKind.choices)
    notice = forms.BooleanField(label=_("Only those with notice given"), required=False)
    q = search_field(_("Request, company or specialist"))


class CaseFilters(QueueFilters):
    SORTS = {
        "to_review": (_("Documents to review first"), ("-to_review", "-created_at", "id")),
        "newest": (_("Newest first"), ("-created_at", "id")),
        "oldest": (_("Oldest first"), ("created_at", "id")),
    }
    status = choice_filter(_("Status"), SubsidyCase.Status.choices)
    to_review = forms.BooleanField(label=_("Only those with documents to review"), required=False)
    q = search_field(_("Company or program"))


class InvoiceFilters(QueueFilters):
    SORTS = {
        "overdue": (_("Overdue first"), ("-overdue_first", "due_on", "id")),
        "newest": (_("Newest first"), ("-issued_on", "-created_at", "id")),
        "due": (_("Due soonest"), ("due_on", "id")),
    }
    status = choice_filter(_("Status"), Invoice.Status.choices)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    q = search_field(_("Invoice number, company or specialist"))


# --- actions -----------------------------------------------------------------


class UUIDListField(forms.Field):
    """The ids of the rows ticked (checkboxes named alike)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[uuid.UUID]:
        if not value:
            return []
        try:
            return [uuid.UUID(str(item)) for item in value]
        except ValueError as exc:
            raise ValidationError(_("Choose from the list."), code="invalid") from exc


class ApproveSelectedForm(ActionForm):
    """Approving a run's proposals at once: those ticked, or every pending one with `every`."""

    run = forms.UUIDField(widget=forms.HiddenInput)
    proposals = UUIDListField(label=_("Proposals"), required=False)
    every = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("every") and not cleaned.get("proposals"):
            self.add_error("proposals", _("Tick the proposals to approve, or approve every pending one."))
        return cleaned


class RerunForm(ActionForm):
    """Match one request again (a new run; the chamber's live run, if any, refuses it)."""

    request = forms.UUIDField(widget=forms.HiddenInput)


class RowVoidForm(RowForm):
    note = note_field(_("Reason for voiding"), required=True)


class RefundForm(RowForm):
    """A refund of one payment (the row): part of what is left, or all of it."""

    amount_jpy = forms.IntegerField(
        label=_("Amount to refund (yen)"),
        required=False,
        min_value=1,
        help_text=_("Empty: everything that is left."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(ActionForm):
    note = note_field(_("Reason for reopening"), required=True)
