"""/settings/'s notification and calendar sections: their forms, the two POST endpoints they send
to (each redirects back to /settings/ with a message), and the calendar feed itself.

The sections are rendered by inclusion tags (web/templatetags/settings_sections.py) that build
their own context from the signed-in person, so the settings page only includes them.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace import links
from marketplace.errors import DomainError
from notifications import calendar, kinds, services
from web.access import signed_in_user

# The session key under which the settings page finds a calendar URL made a moment ago: the
# token is kept only as a hash, so this is the one time it can be shown.
NEW_CALENDAR_URL = "calendar_feed_url"

DELIVERY_CHOICES = [
    (kinds.IMMEDIATE, gettext_lazy("At once")),
    (kinds.DIGEST, gettext_lazy("Daily digest")),
    (kinds.OFF, gettext_lazy("Off")),
]


class NotificationPreferencesForm(forms.Form):
    """One choice per kind the person's audience receives; law-required kinds are shown, disabled."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "ja"
        self.current: dict[str, str] = {}
        for spec, delivery in services.preferences_of(user):
            self.current[spec.name] = delivery
            field = forms.ChoiceField(
                label=spec.label(language), choices=DELIVERY_CHOICES, initial=delivery, required=True
            )
            if spec.legally_required:
                field.disabled = True
                field.help_text = _("Required by law or for the security of your account: always sent at once.")
            self.fields[spec.name] = field

    def changed_preferences(self) -> dict[str, str]:
        """{kind: delivery} for every kind whose choice moved (disabled fields never move)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not self.fields[name].disabled and value != self.current.get(name)
        }


class CalendarForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Calendar URL"),
        choices=[("create", gettext_lazy("Make a new URL")), ("revoke", gettext_lazy("Stop the URL"))],
    )


@require_POST
def settings_notifications(request: HttpRequest) -> HttpResponse:
    """Save how the person gets each kind of notification."""
    user = signed_in_user(request)
    if user is None:
        return redirect_to_login(reverse("web:settings"))
    form = NotificationPreferencesForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _("Choose at once, daily digest or off for each kind."))
        return redirect("web:settings")
    try:
        for kind, delivery in form.changed_preferences().items():
            services.set_preference(user=user, kind=kind, delivery=delivery)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("web:settings")
    messages.success(request, _("Your notification settings are saved."))
    return redirect("web:settings")


@require_POST
def settings_calendar(request: HttpRequest) -> HttpResponse:
    """Make (or remake) the person's secret calendar URL, or stop it."""
    user = signed_in_user(request)
    if user is None:
        return redirect_to_login(reverse("web:settings"))
    form = CalendarForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to make a new calendar URL or to stop it."))
        return redirect("web:settings")
    if form.cleaned_data["action"] == "create":
        token = services.create_calendar_token(user=user)
        request.session[NEW_CALENDAR_URL] = links.calendar_feed(token)
        messages.success(
            request, _("Your calendar URL is ready: copy it now, it is shown only once. Any earlier URL stopped.")
        )
    elif services.revoke_calendar_token(user=user):
        messages.success(request, _("Your calendar URL is stopped: calendars subscribed to it get nothing more."))
    else:
        messages.info(request, _("You had no calendar URL."))
    return redirect("web:settings")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's deadlines as iCalendar, for a calendar app: the secret URL is the key (no
    session, no Authorization header); an unknown, rotated or revoked token is a 404."""
    user = services.user_of_calendar_token(token)
    if user is None:
        raise Http404
    response = HttpResponse(calendar.feed_for(user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="tcyss.ics"'
    return response
