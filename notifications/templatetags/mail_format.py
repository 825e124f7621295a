"""`{% load mail_format %}` in mail templates: money and dates as people write them, in the
language the mail is rendered in (notifications.services.render overrides it). Each filter only
calls marketplace.formatting, as the pages' filters do."""

import datetime as dt
from decimal import Decimal

from django import template

from marketplace import formatting

register = template.Library()


@register.filter
def yen(amount: int | Decimal | None) -> str:
    return formatting.yen(amount)


@register.filter
def jdate(value: dt.date | dt.datetime | None) -> str:
    return formatting.jdate(value)


@register.filter
def jdatetime(value: dt.datetime | None) -> str:
    return formatting.jdatetime(value)
