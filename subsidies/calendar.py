"""A case's deadlines as an iCalendar feed (icalendar), for the calendar the SME already uses."""

import datetime

from icalendar import Calendar, Event

from subsidies import schedule
from subsidies.models import SubsidyCase


def feed(case: SubsidyCase, language: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Tcyss Talent Marketplace//subsidy deadlines//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    for event in events(case, language):
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def events(case: SubsidyCase, language: str) -> list[Event]:
    """One all-day event per deadline of the case (also the person's feed, notifications.calendar)."""
    found = []
    program = case.program.name(language)
    for item in schedule.deadlines_of(case):
        if item.deadline is None:
            continue
        event = Event()
        event.add("uid", f"{case.pk}-{item.milestone}@tcyss")
        event.add("summary", f"{program}: {item.label(language)}")
        event.add("dtstart", item.deadline.due_on)
        event.add("dtend", item.deadline.due_on + datetime.timedelta(days=1))
        event.add("description", item.deadline.basis(language))
        event.add("dtstamp", datetime.datetime.now(datetime.UTC))
        found.append(event)
    return found
