"""Absolute links to the pages mails point at: SITE_URL + a path of the URL contract.

Domain code builds its links here, from the paths as strings, so it never imports `web`;
tests/web checks that every function's path resolves to the page it names.
"""

from urllib.parse import quote

from django.conf import settings


def absolute(path: str) -> str:
    """SITE_URL + path (the path starts with "/")."""
    return str(settings.SITE_URL).rstrip("/") + path


def confirm_email(token: str) -> str:
    """web:confirm_email"""
    return absolute(f"/confirm/{quote(token, safe='')}/")


def password_reset(uidb64: str, token: str) -> str:
    """web:password_reset_confirm"""
    return absolute(f"/password-reset/{quote(uidb64, safe='')}/{quote(token, safe='')}/")


def invitation(token: str) -> str:
    """web:invite"""
    return absolute(f"/invite/{quote(token, safe='')}/")


# --- the object pages of each audience (h11) ----------------------------------


def _id(object_id: object) -> str:
    return quote(str(object_id), safe="")


def sme_home() -> str:
    """sme:home"""
    return absolute("/sme/")


def sme_company() -> str:
    """sme:company"""
    return absolute("/sme/company/")


def sme_request(request_id: object) -> str:
    """sme:request"""
    return absolute(f"/sme/requests/{_id(request_id)}/")


def sme_engagement(engagement_id: object) -> str:
    """sme:engagement"""
    return absolute(f"/sme/engagements/{_id(engagement_id)}/")


def sme_invoice(invoice_id: object) -> str:
    """sme:invoice"""
    return absolute(f"/sme/invoices/{_id(invoice_id)}/")


def sme_invoice_paid(invoice_id: object) -> str:
    """sme:invoice_paid (Stripe's return after a payment)"""
    return absolute(f"/sme/invoices/{_id(invoice_id)}/paid/")


def sme_subsidy(case_id: object) -> str:
    """sme:subsidy"""
    return absolute(f"/sme/subsidies/{_id(case_id)}/")


def specialist_home() -> str:
    """specialist:home"""
    return absolute("/specialist/")


def specialist_proposal(proposal_id: object) -> str:
    """specialist:proposal"""
    return absolute(f"/specialist/proposals/{_id(proposal_id)}/")


def specialist_engagement(engagement_id: object) -> str:
    """specialist:engagement"""
    return absolute(f"/specialist/engagements/{_id(engagement_id)}/")


def specialist_credentials() -> str:
    """specialist:credentials"""
    return absolute("/specialist/credentials/")


def specialist_payouts() -> str:
    """specialist:payouts"""
    return absolute("/specialist/payouts/")


def specialist_payouts_return() -> str:
    """specialist:payouts_return (Stripe Connect's return_url)"""
    return absolute("/specialist/payouts/return/")


def specialist_payouts_refresh() -> str:
    """specialist:payouts_refresh (Stripe Connect's refresh_url)"""
    return absolute("/specialist/payouts/refresh/")


def console_home() -> str:
    """console:home"""
    return absolute("/console/")


def console_companies() -> str:
    """console:companies"""
    return absolute("/console/companies/")


def console_company(company_id: object) -> str:
    """console:company"""
    return absolute(f"/console/companies/{_id(company_id)}/")


def console_certifications() -> str:
    """console:certifications"""
    return absolute("/console/certifications/")


def console_certification(certification_id: object) -> str:
    """console:certification"""
    return absolute(f"/console/certifications/{_id(certification_id)}/")


def console_proposals() -> str:
    """console:proposals"""
    return absolute("/console/proposals/")


def console_run(run_id: object) -> str:
    """console:run"""
    return absolute(f"/console/runs/{_id(run_id)}/")


def console_request(request_id: object) -> str:
    """console:requests"""
    return absolute(f"/console/requests/{_id(request_id)}/")


def console_engagements() -> str:
    """console:engagements"""
    return absolute("/console/engagements/")


def console_engagement(engagement_id: object) -> str:
    """console:engagement"""
    return absolute(f"/console/engagements/{_id(engagement_id)}/")


def console_subsidy_cases() -> str:
    """console:subsidy_cases"""
    return absolute("/console/subsidy-cases/")


def console_subsidy_case(case_id: object) -> str:
    """console:subsidy_case"""
    return absolute(f"/console/subsidy-cases/{_id(case_id)}/")


def console_invoices() -> str:
    """console:invoices"""
    return absolute("/console/invoices/")


def console_specialists() -> str:
    """console:specialists"""
    return absolute("/console/specialists/")


# --- one's own account (h13) -----------------------------------------------------


def account_settings() -> str:
    """web:settings"""
    return absolute("/settings/")


def calendar_feed(token: str) -> str:
    """web:calendar_feed (the person's secret calendar URL)"""
    return absolute(f"/calendar/{quote(token, safe='')}.ics")
