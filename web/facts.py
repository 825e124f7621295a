"""What several audiences' pages show of one object, shaped once: an engagement's terms, a
subsidy case with its deadlines, documents and comments, and the downloads they offer."""

from typing import Any

from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace import formatting
from marketplace.downloads import private_download
from matching.models import Engagement
from subsidies import schedule
from subsidies import selectors as subsidies_selectors
from subsidies.models import SubsidyCase, SubsidyDocument


def engagement_terms(engagement: Engagement) -> list[tuple[str, str]]:
    """The terms stated on selection (Freelance Act Art. 3), as (label, value) rows."""
    if engagement.is_hire:
        return [
            (_("Employment type"), engagement.get_employment_type_display()),
            (_("Hire date"), formatting.jdate(engagement.hire_date)),
            (_("Weekly hours"), str(engagement.weekly_hours or formatting.EMPTY)),
            (_("Annual salary"), formatting.yen(engagement.annual_salary_jpy)),
        ]
    rows = [
        (_("Scope of work"), engagement.scope or formatting.EMPTY),
        (_("Fee basis"), engagement.get_fee_basis_display()),
        (_("Fee"), formatting.yen(engagement.fee_jpy)),
        (_("Hours per month"), str(engagement.hours_per_month or formatting.EMPTY)),
        (_("Service starts"), formatting.jdate(engagement.service_start)),
        (_("Service ends"), formatting.jdate(engagement.service_end)),
        (
            _("Payment due"),
            _("%(days)s days after the service is received") % {"days": engagement.payment_due_days}
            if engagement.payment_due_days is not None
            else formatting.EMPTY,
        ),
        (_("Payment method"), engagement.get_payment_method_display() or formatting.EMPTY),
        (_("Closing"), engagement.get_closing_display()),
        (_("Consumption tax"), engagement.get_tax_treatment_display()),
        (_("Income tax withheld"), _("Yes") if engagement.withholding else _("No")),
    ]
    return [*rows, (_("Terms stated on"), formatting.jdate(engagement.stated_on))]


def terms_download(engagement: Engagement) -> HttpResponseBase:
    """The statement of terms (取引条件明示書) as a PDF in Japanese, as the API serves it."""
    from matching import terms_statement  # reportlab (~15 MB) loads on the first PDF only

    return private_download(
        terms_statement.render(engagement), filename=f"terms-{engagement.pk}.pdf", content_type="application/pdf"
    )


def subsidy_case(case: SubsidyCase) -> dict[str, Any]:
    """A case's page context: the case, its deadlines (with the basis of each date), every version
    of every document, and the comments."""
    language = translation.get_language() or "ja"
    deadlines = [
        {
            "label": item.label(language),
            "due_on": item.deadline.due_on if item.deadline else None,
            "basis": item.deadline.basis(language) if item.deadline else _("Known once the date it counts from is."),
            "reach": SubsidyCase.Status(item.reach).label,
        }
        for item in schedule.deadlines_of(case)
    ]
    return {
        "case": case,
        "deadlines": deadlines,
        "documents": list(subsidies_selectors.documents_of(case)),
        "comments": list(subsidies_selectors.comments_on(case)),
    }


def document_download(document: SubsidyDocument) -> HttpResponseBase:
    return private_download(
        document.file.open("rb"), filename=document.name or "document", content_type=document.content_type
    )
