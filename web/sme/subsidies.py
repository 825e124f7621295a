"""The SME's subsidy case page: the eligibility checklist (each rule of the program: met, not met
or not known yet, with its reason), the deadlines with the basis of each date, every version of
every document with its review, a new version uploaded, comments, submitting the case (the
company or its 社労士 submits; the chamber never does), and the deadlines in the person's
calendar. Objects come through subsidies' selectors (out of reach: 404), actions through its
services, as the API's."""

from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import User
from marketplace import links
from marketplace.downloads import private_download
from notifications import services as notifications
from subsidies import calendar, eligibility
from subsidies import selectors as subsidies_selectors
from subsidies import services as subsidies_services
from subsidies.models import DocumentType, SubsidyCase
from web import facts
from web.access import for_role
from web.action_forms import CommentForm, NoteForm
from web.pages import Action, ActionForm, acting, page, reach
from web.sme import forms

SME = User.Role.SME
# The session key under which this page finds the calendar URL it made a moment ago: only its
# hash is kept, so the page after the redirect is the one time it can be shown.
NEW_CALENDAR_URL = "sme_subsidy_calendar_url"
RESULT_LABELS = {
    eligibility.PASS: gettext_lazy("Met"),
    eligibility.FAIL: gettext_lazy("Not met"),
    eligibility.UNKNOWN: gettext_lazy("Not known yet"),
}


class CalendarForm(ActionForm):
    """Make the person's secret calendar URL (notifications' feed of all their deadlines)."""

    confirm = django_forms.BooleanField(widget=django_forms.HiddenInput, initial=True)


def checklist(case: SubsidyCase) -> list[dict[str, str]]:
    """The program's rules for this case, as the API's eligibility answer gives them."""
    language = get_language() or "ja"
    return [
        {"result": result.result, "label": str(RESULT_LABELS[result.result]), "reason": result.reason(language)}
        for result in eligibility.check(case)
    ]


@for_role(SME)
def subsidy_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    """A subsidy case: eligibility, deadlines, documents with their review, comments; upload a
    new version, comment, submit, subscribe to the deadlines."""
    user = acting(request)
    case = reach(subsidies_selectors.access_case, request, case_id)

    def new_calendar_url(_data: dict[str, Any]) -> str:
        url = links.calendar_feed(notifications.create_calendar_token(user=user))
        request.session[NEW_CALENDAR_URL] = url
        return url

    actions = {
        "upload": Action(
            forms.UploadDocumentForm,
            lambda data: subsidies_services.upload_document(
                case=case, user=user, document_type=data["document_type"], file=data["file"]
            ),
            gettext_lazy("The document is uploaded; the chamber is told."),
        ),
        "comment": Action(
            CommentForm,
            lambda data: subsidies_services.comment_on_case(case=case, user=user, body=data["body"]),
            gettext_lazy("Your comment is posted."),
        ),
        "submit": Action(
            NoteForm,
            lambda data: subsidies_services.submit_case(case=case, user=user, note=data["note"]),
            gettext_lazy("The case is submitted: the chamber checks it and tells you."),
        ),
        "calendar": Action(
            CalendarForm,
            new_calendar_url,
            gettext_lazy("Your calendar URL is ready: copy it now, it is shown only once. Any earlier URL stopped."),
        ),
    }
    rules = checklist(case)
    context = {
        **facts.subsidy_case(case),
        "rules": rules,
        "eligible": all(rule["result"] == eligibility.PASS for rule in rules),
        "missing": [
            str(DocumentType(kind).label)
            for kind in subsidies_services.missing_documents(case, SubsidyCase.Status.SUBMITTED)
        ],
        "has_feed": notifications.has_calendar_token(user),
        "new_calendar_url": request.session.pop(NEW_CALENDAR_URL, None) if request.method == "GET" else None,
    }
    return page(request, "web/sme/subsidy.html", context, actions)


@require_GET
@for_role(SME)
def subsidy_document(request: HttpRequest, case_id: str, document_id: str) -> HttpResponseBase:
    document = reach(lambda user, pk: subsidies_selectors.access_document(user, case_id, pk), request, document_id)
    return facts.document_download(document)


@require_GET
@for_role(SME)
def subsidy_calendar(request: HttpRequest, case_id: str) -> HttpResponseBase:
    """This case's deadlines as an iCalendar file (the API's calendar.ics), to import once."""
    case = reach(subsidies_selectors.access_case, request, case_id)
    return private_download(
        calendar.feed(case, get_language() or "ja"),
        filename=f"subsidy-{case.pk}.ics",
        content_type="text/calendar; charset=utf-8",
    )
