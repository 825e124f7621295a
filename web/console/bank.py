"""The console's queues of the chamber's companies and of the shared talent bank: companies to
verify (one by one or in bulk), credentials to review with their evidence beside the form, the
renewal-due and lapsed registrations, the specialists (search, suspend or reactivate, invite, a
CSV import previewed line by line). Each object page shows its history and the related objects.

Objects come through the API's selectors (out of reach: 404), decisions through the domain's
services (web/pages.py). An action posted by htmx answers with the row alone, re-rendered in
place; without JavaScript the form posts and the page redirects to itself.
"""

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from accounts import lifecycle
from accounts import selectors as accounts_selectors
from accounts import services as accounts_services
from accounts.models import Company, Invitation, User
from accounts.size_class import SMALL_SCALE, SME, THRESHOLDS
from marketplace.downloads import private_download
from marketplace.errors import DomainError, NotFound, get_or_not_found
from marketplace.uploads import UPLOAD_TYPES
from matching import selectors as matching_selectors
from matching.services import proposals as proposal_services
from talent import import_jobs
from talent import selectors as talent_selectors
from talent import services as talent_services
from talent.importer import COLUMNS
from talent.models import RENEWAL_DUE_DAYS, Certification, Specialist
from web.access import for_role
from web.action_forms import RowNoteForm, RowReasonForm
from web.console import bank_forms, forms
from web.pages import Action, ActionForm, RowForm, acting, page, paginate, reach, show_refusal
from workflow.selectors import history_of

ADMIN = User.Role.CHAMBER_ADMIN
PER_PAGE = 50
# The NTA's public page of one corporate number (名称・所在地の変更履歴等): read by eye, never scraped.
# DOMAIN.md names the site, not this URL's form [U]: should the NTA change it, the link breaks;
# change it here.
NTA_LOOKUP = "https://www.houjin-bangou.nta.go.jp/henkorireki-johoto.html?selHouzinNo={number}"


# --- what the pages share ------------------------------------------------------------------------


def _history(obj: Any) -> list[dict[str, Any]]:
    """Who moved `obj` from which status to which, when and why, oldest first, with the statuses'
    labels in the reader's language."""
    labels = dict(type(obj).Status.choices)
    return [
        {
            "when": change.created_at,
            "who": (change.by.name or change.by.email) if change.by else _("The system"),
            "from": labels.get(change.from_status, change.from_status) if change.from_status else "",
            "to": labels.get(change.to_status, change.to_status),
            "note": change.note,
        }
        for change in history_of(obj)
    ]


def _row_forms(actions: Mapping[str, Action], row: Any, failed: tuple[str, ActionForm] | None = None) -> None:
    """`row.action_forms` as web.pages.page builds them (ids of the row's own), one form replaced by
    the one that failed."""
    row.action_forms = {
        name: action.form(prefix=name, initial={"action": name, "target": row.pk}, auto_id=f"id_{row.pk}_%s")
        for name, action in actions.items()
        if issubclass(action.form, RowForm)
    }
    if failed is not None:
        row.action_forms[failed[0]] = failed[1]


def _htmx_row_action(
    request: HttpRequest,
    actions: Mapping[str, Action],
    fetch: Callable[[str], Any],
    render_row: Callable[[Any, str, bool], HttpResponse],
    actionable: Callable[[Any], bool],
) -> HttpResponse:
    """One row's action posted by htmx: the service's call as web.pages.page makes it, answered with
    the row re-rendered (its new state and the message; refused: its form with the message beside
    the field, nothing changed). Always 200, so htmx swaps the row either way."""
    name = next((key for key in actions if request.POST.get(f"{key}-action") == key), None)
    if name is None or not issubclass(actions[name].form, RowForm):
        raise Http404("No such action on this page.")
    action = actions[name]
    target = request.POST.get(f"{name}-target", "")
    form = action.form(request.POST, prefix=name, initial={"action": name}, auto_id=f"id_{target}_%s")
    if not form.is_valid():
        if "target" in form.errors:
            raise Http404
        row = fetch(target)
        _row_forms(actions, row, (name, form))
        return render_row(row, "", True)
    try:
        result = action.run({k: v for k, v in form.cleaned_data.items() if k != "action"})
    except (DomainError, DjangoValidationError) as exc:
        row = fetch(target)
        if isinstance(exc, DomainError) and exc.field not in form.fields:
            # A refusal of the whole step (the row changed meanwhile) is said in the row itself,
            # shown as it is now (the form it came from may not belong to its new state).
            if actionable(row):
                _row_forms(actions, row)
            else:
                row.action_forms = {}
            return render_row(row, str(exc.message), True)
        show_refusal(form, exc)
        _row_forms(actions, row, (name, form))
        return render_row(row, "", True)
    row = fetch(target)
    if actionable(row):
        _row_forms(actions, row)
    else:
        row.action_forms = {}
    return render_row(row, action.done(result) if callable(action.done) else str(action.done), False)


def _htmx(request: HttpRequest) -> bool:
    """Sent by htmx (django-htmx's middleware sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


def _query_without(request: HttpRequest, *names: str) -> str:
    """The query string without `names` (the pagination's and the tabs' links keep the filters)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# --- companies -----------------------------------------------------------------------------------


def _size_q(size: str) -> Q:
    """Companies of one size class (accounts.size_class.classify, as a filter the database runs)."""
    small = Q()
    sme = Q()
    for industry, limits in THRESHOLDS.items():
        small |= Q(industry=industry, employees__lte=limits.small_scale_employees)
        capital_test = Q(entity_type=Company.EntityType.CORPORATION, capital_jpy__lte=limits.capital_jpy)
        sme |= Q(industry=industry) & (Q(employees__lte=limits.employees) | capital_test)
    if size == SMALL_SCALE:
        return small
    if size == SME:
        return sme & ~small
    return ~sme & ~small


COMPANY_ORDER = {
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "id"),
    "name": ("name", "id"),
    "prefecture": ("prefecture", "name", "id"),
    "employees": ("-employees", "name", "id"),
}


def _company_actions(request: HttpRequest) -> dict[str, Action]:
    admin = acting(request)

    def company(data: dict[str, Any]) -> Company:
        return reach(accounts_selectors.access_company, request, data["target"])

    return {
        "verify": Action(
            RowNoteForm,
            lambda data: accounts_services.verify_company(company=company(data), admin=admin, note=data["note"]),
            gettext_lazy("The company is verified; its people are told."),
        ),
        "reject": Action(
            RowReasonForm,
            lambda data: accounts_services.reject_company(company=company(data), admin=admin, note=data["note"]),
            gettext_lazy("The company is rejected; its people are told why."),
        ),
    }


def _decorate_company(company: Company) -> Company:
    company.nta_url = NTA_LOOKUP.format(number=company.corporate_number) if company.corporate_number else ""  # type: ignore[attr-defined]
    return company


class BulkRefused(Exception):
    def __init__(self, company: Company, exc: DomainError | DjangoValidationError) -> None:
        super().__init__(str(exc))
        self.company = company
        self.exc = exc


def _run_bulk(request: HttpRequest, form: bank_forms.BulkCompanyForm) -> list[Company]:
    """Every ticked company through the service, all or nothing: one refused, none changes."""
    admin = acting(request)
    decided = []
    with transaction.atomic():
        for company_id in form.cleaned_data["ids"]:
            company = reach(accounts_selectors.access_company, request, company_id)
            try:
                if form.cleaned_data["decision"] == "verify":
                    accounts_services.verify_company(company=company, admin=admin, note=form.cleaned_data["note"])
                else:
                    accounts_services.reject_company(company=company, admin=admin, note=form.cleaned_data["note"])
            except (DomainError, DjangoValidationError) as exc:
                raise BulkRefused(company, exc) from exc
            decided.append(company)
    return decided


def _bulk_done_message(decision: str, count: int) -> str:
    if decision == "verify":
        return ngettext(
            "%(count)d company is verified; its people are told.",
            "%(count)d companies are verified; their people are told.",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)d company is rejected; its people are told why.",
        "%(count)d companies are rejected; their people are told why.",
        count,
    ) % {"count": count}


def _company_row(request: HttpRequest, company: Company, message: str, failed: bool) -> HttpResponse:
    return render(
        request,
        "web/console/company_row.html",
        {"company": _decorate_company(company), "row_message": message, "row_failed": failed},
    )


@for_role(ADMIN)
def companies(request: HttpRequest) -> HttpResponse:
    """The chamber's companies: filtered (verification, prefecture, size class, text), sorted and
    paged; each pending one to verify or reject with the reason, one by one or ticked in bulk."""
    admin = acting(request)
    actions = _company_actions(request)
    visible = accounts_selectors.companies_visible_to(admin)

    def fetch(company_id: str) -> Company:
        return reach(accounts_selectors.access_company, request, company_id)

    bulk = bank_forms.BulkCompanyForm(prefix="bulk", initial={"action": "bulk"})
    if request.method == "POST" and request.POST.get("bulk-action") == "bulk":
        bulk = bank_forms.BulkCompanyForm(request.POST, prefix="bulk", initial={"action": "bulk"})
        if bulk.is_valid():
            try:
                decided = _run_bulk(request, bulk)
            except BulkRefused as refused:
                show_refusal(bulk, refused.exc)
                bulk.add_error(
                    None, _("%(company)s: refused, so nothing was changed.") % {"company": refused.company.name}
                )
            else:
                message = _bulk_done_message(bulk.cleaned_data["decision"], len(decided))
                if _htmx(request):
                    rows = [fetch(str(company.pk)) for company in decided]
                    for row in rows:  # decided: no forms (a row another admin re-opened keeps its own)
                        _decorate_company(row)
                        if row.status == Company.Status.PENDING:
                            _row_forms(actions, row)
                    fresh = bank_forms.BulkCompanyForm(prefix="bulk", initial={"action": "bulk"})
                    context = {"bulk": fresh, "bulk_message": message, "updated_rows": rows}
                    return render(request, "web/console/company_bulk.html", context)
                messages.success(request, message)
                return redirect(request.get_full_path())
        if _htmx(request):
            return render(request, "web/console/company_bulk.html", {"bulk": bulk})
    elif request.method == "POST" and _htmx(request):
        return _htmx_row_action(
            request,
            actions,
            fetch,
            lambda row, message, failed: _company_row(request, row, message, failed),
            lambda row: row.status == Company.Status.PENDING,
        )

    filters = bank_forms.CompanyFilters(request.GET or None)
    listed = visible
    if status := filters.value("status"):
        listed = listed.filter(status=status)
    if prefecture := filters.value("prefecture"):
        listed = listed.filter(prefecture=prefecture)
    if size := filters.value("size"):
        listed = listed.filter(_size_q(size))
    if text := filters.value("q"):
        digits = "".join(ch for ch in text if ch.isdigit())
        match = Q(name__icontains=text) | Q(city__icontains=text)
        if len(digits) >= 4:
            match |= Q(corporate_number__contains=digits)
        listed = listed.filter(match)
    listed = listed.order_by(*COMPANY_ORDER[filters.value("sort")])
    page_obj = paginate(request, listed, PER_PAGE)
    rows = [_decorate_company(company) for company in page_obj]
    pending = [company for company in rows if company.status == Company.Status.PENDING]
    context = {
        "page_obj": page_obj,
        "companies": rows,
        "filters": filters,
        "bulk": bulk,
        "query": _query_without(request, "page"),
        "any_pending": bool(pending),
    }
    if bulk.is_bound:  # the bulk decision refused (without JavaScript): the list with its errors
        for row in pending:
            _row_forms(actions, row)
        response = render(request, "web/console/companies.html", {**context, "forms": {}, "form": bulk})
        response.status_code = 400
        return response
    return page(request, "web/console/companies.html", context, actions, pending)


@for_role(ADMIN)
def company(request: HttpRequest, company_id: str) -> HttpResponse:
    """A company: who it is (the corporate number with the NTA's public page), its size class with
    the basis, its people, requests and engagements, its history, and the decision if pending."""
    admin = acting(request)
    found = _decorate_company(reach(accounts_selectors.access_company, request, company_id))
    rows = [found] if found.status == Company.Status.PENDING else []
    context = {
        "company": found,
        "size": found.size,
        "history": _history(found),
        "memberships": found.memberships.select_related("user").order_by("created_at"),
        "requests": matching_selectors.requests_visible_to(admin).filter(company=found).order_by("-created_at")[:50],
        "engagements": matching_selectors.engagements_visible_to(admin)
        .filter(company=found)
        .select_related("specialist", "request")
        .order_by("-created_at")[:50],
    }
    return page(request, "web/console/company.html", context, _company_actions(request), rows)


# --- credentials ---------------------------------------------------------------------------------


def _certification_actions(request: HttpRequest) -> dict[str, Action]:
    admin = acting(request)

    def certification(data: dict[str, Any]) -> Certification:
        return reach(talent_selectors.access_certification, request, data["target"])

    return {
        "verify": Action(
            RowNoteForm,
            lambda data: talent_services.verify_certification(
                certification=certification(data), admin=admin, note=data["note"]
            ),
            gettext_lazy("The credential is verified; the specialist is told."),
        ),
        "reject": Action(
            RowReasonForm,
            lambda data: talent_services.reject_certification(
                certification=certification(data), admin=admin, note=data["note"]
            ),
            gettext_lazy("The credential is rejected; the specialist is told why."),
        ),
    }


def _certification_queues(today: datetime.date) -> dict[str, Q]:
    """The lists of credentials: to review; RISS registrations whose renewal is due (within
    RENEWAL_DUE_DAYS of the deadline) or that lapsed (past it), whether or not the daily task has
    marked them yet; all."""
    verified = Q(status=Certification.Status.VERIFIED)
    lapsed = verified & (Q(validity=Certification.Validity.LAPSED) | Q(renewal_deadline__lt=today))
    due = (
        verified
        & ~lapsed
        & (
            Q(validity=Certification.Validity.RENEWAL_DUE)
            | Q(renewal_deadline__lte=today + datetime.timedelta(days=RENEWAL_DUE_DAYS))
        )
    )
    return {"pending": Q(status=Certification.Status.PENDING), "renewal_due": due, "lapsed": lapsed, "all": Q()}


CERTIFICATION_ORDER = {
    "pending": ("created_at", "id"),
    "renewal_due": ("renewal_deadline", "id"),
    "lapsed": ("renewal_deadline", "id"),
    "all": ("-created_at", "id"),
}


@for_role(ADMIN)
def certifications(request: HttpRequest) -> HttpResponse:
    """Credentials: those waiting for review (oldest first), the RISS registrations whose renewal is
    due and those that lapsed (deadline first), or all; each list with its count."""
    admin = acting(request)
    filters = bank_forms.CertificationFilters(request.GET or None)
    queues = _certification_queues(timezone.localdate())
    queue = filters.value("queue")
    visible = talent_selectors.certifications_visible_to(admin)
    listed = visible.filter(queues[queue])
    if kind := filters.value("kind"):
        listed = listed.filter(kind=kind)
    if text := filters.value("q"):
        listed = listed.filter(
            Q(specialist__display_name__icontains=text) | Q(number__icontains=text) | Q(name__icontains=text)
        )
    page_obj = paginate(request, listed.order_by(*CERTIFICATION_ORDER[queue]), PER_PAGE)
    tab_query = _query_without(request, "page", "queue")
    tabs = [
        {
            "key": key,
            "label": label,
            "count": visible.filter(queues[key]).count(),
            "current": key == queue,
            "query": f"queue={key}" + (f"&{tab_query}" if tab_query else ""),
        }
        for key, label in bank_forms.CertificationFilters.base_fields["queue"].choices  # type: ignore[attr-defined]
        if key != "all"
    ]
    context = {
        "page_obj": page_obj,
        "filters": filters,
        "queue": queue,
        "tabs": tabs,
        "query": _query_without(request, "page"),
        "today": timezone.localdate(),
    }
    return render(request, "web/console/certifications.html", context)


@for_role(ADMIN)
def certification(request: HttpRequest, certification_id: str) -> HttpResponse:
    """A credential with its evidence shown beside the decision (PDF and images through the
    authorised endpoint), the RISS registry link, the specialist's other credentials, the history."""
    admin = acting(request)
    found = reach(talent_selectors.access_certification, request, certification_id)
    rows = [found] if found.status == Certification.Status.PENDING else []
    others = (
        talent_selectors.certifications_visible_to(admin)
        .filter(specialist_id=found.specialist_id)
        .exclude(pk=found.pk)
        .order_by("-created_at")
    )
    context = {
        "certification": found,
        "history": _history(found),
        "others": others,
        "inline": found.evidence_content_type in UPLOAD_TYPES,
        "is_pdf": found.evidence_content_type == "application/pdf",
    }
    return page(request, "web/console/certification.html", context, _certification_actions(request), rows)


@require_GET
@for_role(ADMIN)
def certification_evidence(request: HttpRequest, certification_id: str) -> HttpResponseBase:
    """The evidence file, as the API serves it: never cached, never sniffed."""
    found = reach(talent_selectors.access_certification, request, certification_id)
    return private_download(
        found.evidence.open("rb"), filename=found.evidence_name or "evidence", content_type=found.evidence_content_type
    )


def _frameable_by_self(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """This response alone may be framed by our own pages (X-Frame-Options SAMEORIGIN and CSP
    frame-ancestors 'self'); every other keeps DENY and 'none'."""
    from csp.constants import SELF
    from csp.decorators import csp_replace

    return xframe_options_sameorigin(csp_replace({"frame-ancestors": [SELF]})(view))


@require_GET
@for_role(ADMIN)
@_frameable_by_self
def certification_evidence_inline(request: HttpRequest, certification_id: str) -> HttpResponseBase:
    """The evidence shown in the review page (inline, for its <object> or <img>): the same
    authorised file, never cached, never sniffed, only of the types an upload may be (PDF, PNG,
    JPEG, checked by content when uploaded)."""
    found = reach(talent_selectors.access_certification, request, certification_id)
    if found.evidence_content_type not in UPLOAD_TYPES:
        raise Http404
    response = private_download(
        found.evidence.open("rb"), filename=found.evidence_name or "evidence", content_type=found.evidence_content_type
    )
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=False, filename=found.evidence_name or "evidence") or "inline"
    )
    return response


# --- specialists ---------------------------------------------------------------------------------


def _specialist_actions(request: HttpRequest) -> dict[str, Action]:
    admin = acting(request)

    def specialist(data: dict[str, Any]) -> Specialist:
        return reach(talent_selectors.access_specialist, request, data["target"])

    return {
        "suspend": Action(
            RowReasonForm,
            lambda data: proposal_services.suspend_specialist_and_withdraw_proposals(
                specialist=specialist(data), admin=admin, note=data["note"]
            ),
            gettext_lazy("The specialist is suspended; their undecided proposals are withdrawn."),
        ),
        "reactivate": Action(
            RowReasonForm,
            lambda data: talent_services.reactivate_specialist(
                specialist=specialist(data), admin=admin, note=data["note"]
            ),
            gettext_lazy("The specialist is active again."),
        ),
        "deactivate": Action(
            RowReasonForm,
            lambda data: lifecycle.deactivate_user(user=specialist(data).user, by=admin, note=data["note"]),
            lambda gone: _("%(name)s can no longer sign in.") % {"name": gone.name or gone.email},
        ),
    }


SPECIALIST_ORDER = {"name": ("display_name", "id"), "newest": ("-created_at", "id"), "oldest": ("created_at", "id")}


def _specialists_matching(listed: QuerySet[Specialist], text: str) -> QuerySet[Specialist]:
    """Free text: an email address (or part of one) or the legal name, else the bank's own text
    search (name, bio, skills; talent's SpecialistQuerySet.matching_text)."""
    if "@" in text:
        return listed.filter(user__email__icontains=text.strip())
    by_text = Specialist.objects.all().matching_text(text).values("pk")
    return listed.filter(Q(pk__in=by_text) | Q(legal_name__icontains=text.strip()))


@for_role(ADMIN)
def specialists(request: HttpRequest) -> HttpResponse:
    """The shared talent bank, searched and filtered; suspend an active specialist (their undecided
    proposals are withdrawn) or reactivate a suspended one, with the reason; deactivate a
    specialist's account. Invite a specialist or another admin of the chamber, and follow the
    invitations not accepted yet: send one again, or withdraw it. The CSV import has its own page."""
    admin = acting(request)

    def invitation(data: dict[str, Any]) -> Invitation:
        return reach(
            lambda user, pk: get_or_not_found(lifecycle.invitations_visible_to(user), pk, _("Invitation not found.")),
            request,
            data["target"],
        )

    def invite(email: str, role: User.Role) -> Any:
        return lifecycle.invite(by=admin, email=email, role=role)

    def sent(result: tuple[Invitation, str]) -> str:
        return _("The invitation is sent to %(email)s.") % {"email": result[0].email}

    actions = {
        **_specialist_actions(request),
        "invite_specialist": Action(
            forms.InviteSpecialistForm, lambda data: invite(data["email"], User.Role.SPECIALIST), sent
        ),
        "invite_admin": Action(
            forms.InviteAdminForm, lambda data: invite(data["email"], User.Role.CHAMBER_ADMIN), sent
        ),
        "resend": Action(
            RowForm,
            lambda data: lifecycle.resend_invitation(invitation=invitation(data), by=admin),
            lambda result: (
                _("The invitation is sent again to %(email)s, with a new link.") % {"email": result[0].email}
            ),
        ),
        "revoke": Action(
            RowForm,
            lambda data: lifecycle.revoke_invitation(invitation=invitation(data), by=admin),
            lambda revoked: _("The invitation to %(email)s is withdrawn.") % {"email": revoked.email},
        ),
    }
    if request.method == "POST" and _htmx(request) and {"suspend-action", "reactivate-action"} & set(request.POST):
        row_actions = _specialist_actions(request)

        def fetch(specialist_id: str) -> Specialist:
            return reach(talent_selectors.access_specialist, request, specialist_id)

        return _htmx_row_action(
            request,
            row_actions,  # every row form is rendered again (deactivating posts without htmx)
            fetch,
            lambda row, message, failed: render(
                request,
                "web/console/specialist_row.html",
                {"specialist": row, "row_message": message, "row_failed": failed},
            ),
            lambda row: row.status in (Specialist.Status.ACTIVE, Specialist.Status.SUSPENDED),
        )
    filters = bank_forms.SpecialistFilters(request.GET or None)
    listed: QuerySet[Specialist] = talent_selectors.specialists_visible_to(admin).prefetch_related(None)
    if status := filters.value("status"):
        listed = listed.filter(status=status)
    if text := filters.value("q"):
        listed = _specialists_matching(listed, text)
    page_obj = paginate(request, listed.order_by(*SPECIALIST_ORDER[filters.value("sort")]), PER_PAGE)
    # Open invitations, newest first; a long list (a CSV import's) is paged on its own.
    open_invitations = (
        lifecycle.invitations_visible_to(admin)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .order_by("-created_at", "id")
    )
    invitations = Paginator(open_invitations, 50).get_page(request.GET.get("invitations"))
    rows = [
        *(
            s
            for s in page_obj
            if s.status in (Specialist.Status.ACTIVE, Specialist.Status.SUSPENDED) or s.user.is_active
        ),
        *invitations,
    ]
    context = {
        "page_obj": page_obj,
        "invitations": invitations,
        "filters": filters,
        "query": _query_without(request, "page", "invitations"),
    }
    return page(request, "web/console/specialists.html", context, actions, rows)


@for_role(ADMIN)
def specialist(request: HttpRequest, specialist_id: str) -> HttpResponse:
    """A specialist of the bank: their profile and contact, credentials, this chamber's engagements
    with them, their status history; suspend or reactivate with the reason."""
    admin = acting(request)
    found = reach(talent_selectors.access_specialist, request, specialist_id)
    rows = [found] if found.status in (Specialist.Status.ACTIVE, Specialist.Status.SUSPENDED) else []
    actions = {name: a for name, a in _specialist_actions(request).items() if name != "deactivate"}
    context = {
        "specialist": found,
        "history": _history(found),
        "certifications": talent_selectors.certifications_visible_to(admin)
        .filter(specialist=found)
        .order_by("-created_at"),
        "engagements": matching_selectors.engagements_visible_to(admin)
        .filter(specialist=found)
        .select_related("company", "request")
        .order_by("-created_at")[:50],
    }
    return page(request, "web/console/specialist.html", context, actions, rows)


# --- the CSV import ------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    """A spreadsheet's column name: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _job(request: HttpRequest, job_id: str) -> dict[str, Any]:
    try:
        return import_jobs.job_of(acting(request), str(job_id))
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@for_role(ADMIN)
def specialist_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of specialists: a dry run (the preview, every error of every line) or the
    import itself; either runs as a task, its progress shown on the job's page."""
    form = bank_forms.ImportForm()
    if request.method == "POST":
        form = bank_forms.ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = import_jobs.decode(upload.read(import_jobs.MAX_BYTES + 1))
            except DomainError as exc:
                show_refusal(form, exc)
            else:
                job_id = import_jobs.start(
                    text=text,
                    dry_run=request.POST.get("mode") != "import",
                    by=acting(request),
                    filename=upload.name or "",
                )
                return redirect("console:specialist_import_job", job_id=job_id)
    context = {"form": form, "columns": COLUMNS}
    response = render(request, "web/console/specialist_import.html", context)
    if form.errors:
        response.status_code = 400
    return response


@for_role(ADMIN)
def specialist_import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    """An import's progress (polled by htmx while it works), then its report: how many rows would
    be (or were) created and updated, and every error by line, column and message. From a clean
    preview, the same file is imported for real with one button."""
    job = _job(request, job_id)
    if request.method == "POST":
        if not job["dry_run"] or job["status"] != import_jobs.DONE:
            raise Http404
        text = import_jobs.text_of(acting(request), str(job_id))
        new_id = import_jobs.start(text=text, dry_run=False, by=acting(request), filename=job["filename"])
        return redirect("console:specialist_import_job", job_id=new_id)
    header = job.get("header") or []
    errors = [
        {
            "line": line,
            "column": column,
            "letter": _column_letter(header.index(column)) if column in header else "",
            "message": message,
        }
        for line, column, message in job["errors"]
    ]
    # By line, then in the file's order of columns (as the admin reads the file).
    errors.sort(key=lambda error: (error["line"], header.index(error["column"]) if error["column"] in header else 999))
    context = {
        "job": job,
        "errors": errors,
        "lines_with_errors": len({error["line"] for error in errors}),
        "percent": 100 * job["done"] // job["total"] if job["total"] else (100 if job["status"] == "done" else 0),
        "poll_url": reverse("console:specialist_import_job", kwargs={"job_id": job_id}),
    }
    template = (
        "web/console/specialist_import_progress.html" if _htmx(request) else "web/console/specialist_import_job.html"
    )
    return render(request, template, context)
