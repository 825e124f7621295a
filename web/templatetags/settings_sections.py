"""`{% load settings_sections %}`: the notification and calendar sections of /settings/, each
building its own context from the signed-in person (web/account/preferences.py posts them)."""

from typing import Any

from django import template

from notifications import services
from web.account.preferences import NEW_CALENDAR_URL, NotificationPreferencesForm

register = template.Library()


@register.inclusion_tag("web/partials/settings_notifications_section.html", takes_context=True)
def notification_settings(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        "form": NotificationPreferencesForm(user=request.user),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("web/partials/settings_calendar_section.html", takes_context=True)
def calendar_settings(context: template.Context) -> dict[str, Any]:
    """The URL made a moment ago is shown this once (only its hash is kept), then forgotten."""
    request = context["request"]
    return {
        "has_feed": services.has_calendar_token(request.user),
        "new_url": request.session.pop(NEW_CALENDAR_URL, None),
        "csrf_token": context.get("csrf_token"),
    }
