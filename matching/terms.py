"""The Freelance Act's rules for an engagement's terms: pure rules, no writes.

`default_terms` is what `select/` assumes where the SME states nothing; `checked_terms`
overlays what it stated and checks it (Art. 3 items, the 60-day payment limit of Art. 4);
`earliest_end` is the notice a client gives on a long continuous engagement (Art. 16).
The statement of terms these produce is rendered by `matching.terms_statement`.
"""

import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import ValidationFailed
from matching.models import AdvisorRequest, Engagement
from talent.models import RequestKind, Specialist

# Freelance Act Art. 4: the fee is due at most 60 days after the service is received.
MAX_PAYMENT_DUE_DAYS = 60
TERM_FIELDS = (
    "scope",
    "fee_basis",
    "fee_jpy",
    "hours_per_month",
    "service_start",
    "service_end",
    "payment_due_days",
    "payment_method",
    "closing",
    "tax_treatment",
    "withholding",
)
HIRE_FIELDS = ("employment_type", "hire_date", "weekly_hours", "annual_salary_jpy")


def default_terms(request: AdvisorRequest, specialist: Specialist) -> dict[str, Any]:
    """What `select/` assumes where the SME gives nothing: the request's and the specialist's prices."""
    start = max(request.start_date, timezone.localdate())
    if request.kind == RequestKind.HIRE:
        full_time = request.employment_type != AdvisorRequest.EmploymentType.PART_TIME
        return {
            "employment_type": request.employment_type or AdvisorRequest.EmploymentType.FULL_TIME,
            "hire_date": start,
            "weekly_hours": 40 if full_time else 20,
            "annual_salary_jpy": request.budget_jpy,
        }
    monthly = request.kind == RequestKind.ADVISOR
    return {
        "scope": f"{request.title}\n{request.description}".strip(),
        "fee_basis": Engagement.FeeBasis.MONTHLY if monthly else Engagement.FeeBasis.HOURLY,
        "fee_jpy": specialist.monthly_retainer_jpy if monthly else specialist.hourly_rate_jpy,
        "hours_per_month": request.hours_per_month or None,
        "service_start": start,
        "service_end": None,
        "payment_due_days": 30,
        # The invoices offer exactly this method; the default is a setting, stated in the terms.
        "payment_method": settings.BILLING_DEFAULT_PAYMENT_METHOD,
        # Month-end closing (月末締め), amounts tax included, no withholding: each stated on the
        # terms statement and followed by the invoices (ADR 0011).
        "closing": Engagement.Closing.MONTH_END,
        "tax_treatment": Engagement.TaxTreatment.INCLUSIVE,
        "withholding": False,
    }


def checked_terms(request: AdvisorRequest, specialist: Specialist, given: dict[str, Any]) -> dict[str, Any]:
    """Defaults, overlaid with what the SME stated, checked against the Freelance Act."""
    hire = request.kind == RequestKind.HIRE
    allowed, refused = (HIRE_FIELDS, TERM_FIELDS) if hire else (TERM_FIELDS, HIRE_FIELDS)
    errors: dict[str, str] = {}
    for name in given:
        if name in refused:
            errors[name] = (
                _("A hire is employment: no fee can be charged for it (no placement fee).")
                if hire
                else _("Only a hire has employment terms.")
            )
    terms = default_terms(request, specialist) | {k: v for k, v in given.items() if k in allowed}
    if hire:
        if not terms.get("weekly_hours"):
            errors["weekly_hours"] = _("Give the weekly working hours.")
        if not terms.get("annual_salary_jpy"):
            errors["annual_salary_jpy"] = _("Give the annual salary.")
    else:
        if not terms.get("fee_jpy"):
            errors["fee_jpy"] = _("State the fee, or how it is computed.")
        if terms["fee_basis"] == Engagement.FeeBasis.HOURLY and not terms.get("hours_per_month"):
            errors["hours_per_month"] = _("State the hours per month the hourly fee is expected for.")
        if terms["fee_basis"] == Engagement.FeeBasis.FIXED and not terms.get("service_end"):
            errors["service_end"] = _("A fixed-fee job states when the service ends.")
        if terms.get("service_end") and terms["service_end"] < terms["service_start"]:
            errors["service_end"] = _("The service cannot end before it starts.")
        if terms["closing"] == Engagement.Closing.ANNIVERSARY and terms["fee_basis"] != Engagement.FeeBasis.MONTHLY:
            errors["closing"] = _("Only a monthly retainer can be invoiced by periods from its start.")
        if terms["withholding"] and not specialist.is_individual:
            errors["withholding"] = _("Income tax is never withheld from a payment to a company.")
        due = terms.get("payment_due_days")
        if due is None:
            errors["payment_due_days"] = _("State when the fee is paid.")
        elif due > MAX_PAYMENT_DUE_DAYS:
            errors["payment_due_days"] = _(
                "The Freelance Act (Art. 4) requires payment within 60 days of receiving the service "
                "(for a monthly retainer, of each month's end); %(days)s days is too late."
            ) % {"days": due}
    if errors:
        raise ValidationFailed.from_errors(errors)
    return terms


def earliest_end(engagement: Engagement, *, by_client: bool, exception: str, today: datetime.date) -> datetime.date:
    """Freelance Act Art. 16: a client ending a continuous engagement that has lasted, or was
    agreed for, six months or more gives 30 days' notice, unless an exception applies."""
    if not by_client or exception or engagement.is_hire or not engagement.is_continuous:
        return today
    six_months_in = engagement.started_on + relativedelta(months=6)
    agreed_long = engagement.service_end is None or (
        engagement.service_start is not None
        and engagement.service_end >= engagement.service_start + relativedelta(months=6)
    )
    if today >= six_months_in or agreed_long:
        return today + datetime.timedelta(days=30)
    return today
