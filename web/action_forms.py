"""The action forms several audiences' pages share (web/pages.py); each field is named as the
service's argument, so a refusal naming a field lands beside it."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching.models import Engagement
from matching.services import engagements
from web.pages import Action, ActionForm, RowForm

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    Text = str | _StrPromise  # a label as gettext_lazy gives it
else:
    Text = str

REASON_HELP = _("Recorded with the decision and shown to the people it concerns.")


def note_field(label: "Text" = "", *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label or (_("Reason") if required else _("Note")),
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP if required else "",
    )


def date_field(label: "Text", *, required: bool = True, help_text: "Text" = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class NoteForm(ActionForm):
    """A decision with an optional note."""

    note = note_field()


class ReasonForm(ActionForm):
    """A decision that needs its reason."""

    note = note_field(required=True)


class RowNoteForm(RowForm):
    note = note_field()


class RowReasonForm(RowForm):
    note = note_field(required=True)


class CommentForm(ActionForm):
    body = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class NoticeForm(ActionForm):
    """Ending an engagement with notice (either party; the Freelance Act's 30 days apply to the client)."""

    note = note_field(_("Reason for ending"), required=True)
    ends_on = date_field(
        _("Last day"),
        required=False,
        help_text=_("Empty: the earliest day the notice allows (today if no notice is needed)."),
    )
    exception = forms.ChoiceField(
        label=_("Exception to the 30 days' notice"),
        required=False,
        choices=[("", _("None")), *Engagement.TerminationException.choices],
    )


def notice_action(engagement: Engagement, user: User, done: "Text") -> Action:
    """Giving notice on an engagement, from either party's page (`done`: who is told)."""
    return Action(
        NoticeForm,
        lambda data: engagements.terminate_engagement(
            engagement=engagement,
            user=user,
            note=data["note"],
            ends_on=data["ends_on"],
            exception=data["exception"],
        ),
        done,
    )
