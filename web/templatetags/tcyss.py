"""`{% load tcyss %}`: the filters every page uses; each only calls marketplace.formatting."""

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


@register.filter
def corporate_number(value: str | None) -> str:
    return formatting.corporate_number(value)
