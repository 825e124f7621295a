"""A person's calendar feed (/calendar/<token>.ics): the dates they must act by, for the calendar
app they already use, which subscribes without signing in (the secret URL is the key).

Items: the deadlines of the subsidy cases they act on or advise (subsidies.calendar), the answer
deadlines of proposals waiting for a specialist, and the ends of engagements. Each carries an
alarm a few days ahead; items more than PAST_DAYS in the past are dropped.
"""

import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from accounts.models import User
from marketplace import links
from matching import selectors as matching_selectors
from matching.models import Engagement, Proposal
from subsidies import calendar as subsidy_calendar
from subsidies import selectors as subsidy_selectors
from subsidies.models import SubsidyCase

PAST_DAYS = 30
# Dates (subsidy deadlines, engagement ends) ring this far ahead; a proposal's answer window is
# only days long (chamber.proposal_response_hours), so it rings a day ahead.
ALARM_AHEAD = datetime.timedelta(days=3)
PROPOSAL_ALARM_AHEAD = datetime.timedelta(days=1)


def _alarm(event: Event, ahead: datetime.timedelta) -> Event:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event.get("summary", "Tcyss"))
    alarm.add("trigger", -ahead)
    event.add_component(alarm)
    return event


def _day_event(uid: str, day: datetime.date, summary: str, url: str, now: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("url", url)
    event.add("dtstamp", now)
    return event


def _subsidy_events(user: User, language: str, horizon: datetime.date) -> list[Event]:
    found = []
    cases = subsidy_selectors.cases_visible_to(user).filter(status__in=SubsidyCase.OPEN_BEFORE_FILING)
    for case in cases:
        url = links.console_subsidy_case(case.pk) if user.is_chamber_admin else links.sme_subsidy(case.pk)
        for event in subsidy_calendar.events(case, language):
            if event.decoded("dtstart") >= horizon:
                event.add("url", url)
                found.append(_alarm(event, ALARM_AHEAD))
    return found


def _proposal_events(user: User, now: datetime.datetime) -> list[Event]:
    found = []
    waiting = Proposal.objects.filter(
        specialist__user=user, status=Proposal.Status.APPROVED, expires_at__gte=now - datetime.timedelta(days=PAST_DAYS)
    ).select_related("request")
    for proposal in waiting:
        event = Event()
        event.add("uid", f"proposal-{proposal.pk}@tcyss")
        event.add("summary", _("Answer the proposal: %(title)s") % {"title": proposal.request.title})
        event.add("dtstart", proposal.expires_at)
        event.add("dtend", proposal.expires_at)
        event.add("url", links.specialist_proposal(proposal.pk))
        event.add("dtstamp", now)
        found.append(_alarm(event, PROPOSAL_ALARM_AHEAD))
    return found


def _engagement_url(user: User, engagement: Engagement) -> str:
    if user.is_chamber_admin:
        return links.console_engagement(engagement.pk)
    if engagement.specialist.user_id == user.pk:
        return links.specialist_engagement(engagement.pk)
    return links.sme_engagement(engagement.pk)


def _engagement_events(user: User, horizon: datetime.date, now: datetime.datetime) -> list[Event]:
    found = []
    engagements = matching_selectors.engagements_visible_to(user).prefetch_related(None)
    active = engagements.filter(status=Engagement.Status.ACTIVE, ends_on__gte=horizon)
    ended = engagements.exclude(status=Engagement.Status.ACTIVE).filter(ended_on__gte=horizon)
    for engagement in [*active, *ended]:
        day = engagement.ends_on if engagement.status == Engagement.Status.ACTIVE else engagement.ended_on
        if day is None:
            continue
        summary = _("Engagement ends: %(title)s (%(company)s)") % {
            "title": engagement.request.title,
            "company": engagement.company.name,
        }
        event = _day_event(
            f"engagement-{engagement.pk}-end@tcyss", day, summary, _engagement_url(user, engagement), now
        )
        found.append(_alarm(event, ALARM_AHEAD))
    return found


def feed_for(user: Any, *, today: datetime.date | None = None) -> bytes:
    """The person's feed, in their language."""
    language = user.language if user.language in ("ja", "en") else "ja"
    today = today or timezone.localdate()
    now = timezone.now()
    horizon = today - datetime.timedelta(days=PAST_DAYS)
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", "-//Tcyss Talent Marketplace//your deadlines//JA")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", "Tcyss")
        calendar.add("x-wr-timezone", "Asia/Tokyo")
        events = [
            *_subsidy_events(user, language, horizon),
            *_proposal_events(user, now),
            *_engagement_events(user, horizon, now),
        ]
        for event in events:
            calendar.add_component(event)
    return bytes(calendar.to_ical())
