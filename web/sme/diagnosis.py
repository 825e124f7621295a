"""The SME's self-diagnosis: start one (a sheet per site or department), answer the 25 items,
complete it, read the result (band and advice, parts, "don't know" items, the sheets rolled up,
the trend), check ★★ readiness, and draft a request from the weak items the SME chooses to share.
Reads through diagnosis.selectors (out of reach: 404), writes through diagnosis.services."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Company, User
from diagnosis import selectors, services
from diagnosis.models import Diagnosis, RequestDraft
from diagnosis.questionnaire import OFFICIAL_SHEET_URL
from diagnosis.scoring import ROLL_UP_RULE, Form, Score, localized
from web.access import for_role
from web.pages import ActionForm, acting, reach
from web.sme.steps import Step, page

SME = User.Role.SME


def _language() -> str:
    return translation.get_language() or "ja"


# --- forms -----------------------------------------------------------------------------------


class StartForm(ActionForm):
    sheet_labels = forms.CharField(
        label=gettext_lazy("Sites or departments"),
        help_text=gettext_lazy(
            "One a line: each answers its own sheet, and the company's result rolls them up. "
            "Leave empty for one sheet for the whole company."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_sheet_labels(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["sheet_labels"].splitlines() if line.strip()]


class AddSheetForm(ActionForm):
    label = forms.CharField(label=gettext_lazy("Site or department"), max_length=100)


class CompleteForm(ActionForm):
    """Completing the diagnosis: nothing to fill in."""


class PolicyForm(ActionForm):
    file = forms.FileField(
        label=gettext_lazy("Basic security policy"),
        help_text=gettext_lazy("PDF, PNG or JPEG. A new upload is a new version; earlier ones are kept."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    public_url = forms.CharField(
        label=gettext_lazy("Where it is published (URL)"),
        help_text=gettext_lazy("For example the page of your website that shows it."),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )


class PolicyUrlForm(ActionForm):
    public_url = forms.CharField(
        label=gettext_lazy("Where the basic policy is published (URL)"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )


class AnswersForm(ActionForm):
    """A sheet's answers; `grouped()` lays its items out in the questionnaire's parts."""

    part_items: list[tuple[str, list[str]]] = []

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(label, [self[name] for name in names]) for label, names in self.part_items]


def answers_form(form: Form, language: str) -> type[AnswersForm]:
    """One radio group per item (q1 … q25), "not applicable" only where the item allows it."""
    fields: dict[str, Any] = {
        "part_items": [
            (
                localized(part, language),
                [item_id for item_id, item in form.items.items() if item["part"] == number],
            )
            for number, part in form.parts.items()
        ]
    }
    for item_id, item in form.items.items():
        choices = [
            (value, localized(answer, language))
            for value, answer in form.answers.items()
            if value in form.allowed_answers(item_id)
        ]
        fields[item_id] = forms.ChoiceField(
            label=f"Q{item['number']}. {localized(item, language)}",
            choices=choices,
            required=False,
            widget=forms.RadioSelect(attrs={"class": "answers"}),
        )
    return type("AnswersForm", (AnswersForm,), fields)


def draft_form(form: Form, result: Score, language: str) -> type[ActionForm]:
    """Checkboxes of the items that need work; nothing is shared unless ticked."""
    choices = [
        (
            item_id,
            f"Q{form.items[item_id]['number']}. {localized(form.items[item_id], language)} "
            f"({localized(form.answers[result.answers[item_id]], language)})",
        )
        for item_id in result.weak
    ]
    field = forms.MultipleChoiceField(
        label=gettext_lazy("Items to share with the specialists"),
        help_text=gettext_lazy(
            "Only the items you tick are written into the request; the others stay with you. "
            "The kind of request and the skills asked for follow from them."
        ),
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    return type("DraftForm", (ActionForm,), {"shared_items": field})


# --- what the pages show ---------------------------------------------------------------------


@dataclass(frozen=True)
class TrendChart:
    """A small SVG of the totals over time, drawn on the server (the table beside it has the numbers)."""

    width: int
    height: int
    points: str
    dots: list[tuple[float, float, int]]
    zero_y: float


def trend_chart(totals: list[int]) -> TrendChart | None:
    if not totals:
        return None
    width, height, pad = 320, 120, 10
    lowest, highest = -25, 100

    def y(total: int) -> float:
        return round(pad + (highest - total) * (height - 2 * pad) / (highest - lowest), 1)

    step = (width - 2 * pad) / max(len(totals) - 1, 1)
    dots = [(round(pad + i * step, 1), y(total), total) for i, total in enumerate(totals)]
    return TrendChart(width, height, " ".join(f"{x},{y_}" for x, y_, _t in dots), dots, y(0))


def _pick_company(request: HttpRequest, companies: list[Company]) -> Company:
    wanted = request.GET.get("company", "")
    return next((company for company in companies if str(company.pk) == wanted), companies[0])


def _band_text(band: Any, language: str) -> dict[str, str]:
    return {"label": localized(band, language), "advice": localized(band, language, "advice")}


# --- pages -----------------------------------------------------------------------------------


@for_role(SME)
def overview(request: HttpRequest) -> HttpResponse:
    """The company's diagnoses and their trend, ★★ readiness and the basic policy; start a new one."""
    user = acting(request)
    companies = list(selectors.companies_diagnosed_by(user).order_by("name", "id"))
    if not companies:
        return render(request, "web/sme/diagnosis_overview.html", {"companies": []})
    company = _pick_company(request, companies)
    diagnoses = list(selectors.diagnoses_of(user, company)[:50])
    trend = selectors.diagnosis_trend(user, company)
    policy = selectors.latest_basic_policy(user, company)
    steps = {
        "start": Step(
            StartForm,
            lambda data: services.start_diagnosis(user=user, company=company, sheet_labels=data["sheet_labels"]),
            gettext_lazy("A new diagnosis is started: answer each sheet."),
            to=lambda diagnosis: reverse("sme:diagnosis_detail", kwargs={"diagnosis_id": diagnosis.pk}),
            aliases={"label": "sheet_labels"},
        ),
        "policy": Step(
            PolicyForm,
            lambda data: services.upload_basic_policy(
                user=user, company=company, file=data["file"], public_url=data["public_url"]
            ),
            lambda policy: _("Version %(version)s of the basic policy is uploaded.") % {"version": policy.version},
        ),
    }
    if policy is not None:
        steps["policy_url"] = Step(
            PolicyUrlForm,
            lambda data: services.set_basic_policy_url(user=user, company=company, public_url=data["public_url"]),
            gettext_lazy("Where the basic policy is published is saved."),
            initial={"public_url": policy.public_url},
        )
    language = _language()
    # Band keys are stable across versions: the current version's data names them.
    bands = {band["band"]: localized(band, language) for band in selectors.current_questionnaire().data["bands"]}
    context = {
        "companies": companies,
        "company": company,
        "diagnoses": [(diagnosis, bands.get(diagnosis.band, "")) for diagnosis in diagnoses],
        "trend": [(point, bands.get(point.band, "")) for point in trend],
        "chart": trend_chart([point.total for point in trend]),
        "readiness": selectors.two_star_readiness(user, company),
        "readiness_note": selectors.READINESS_NOTE,
        "policy": policy,
        "official_sheet_url": OFFICIAL_SHEET_URL,
    }
    return page(request, "web/sme/diagnosis_overview.html", context, steps)


def _result_context(diagnosis: Diagnosis, language: str) -> dict[str, Any]:
    result = selectors.result_of(diagnosis)
    form = result.form
    parts = {number: localized(part, language) for number, part in form.parts.items()}
    return {
        "result": result,
        "band": _band_text(result.company.band, language) if result.company.band else None,
        "part_rows": [(parts[part.number], part) for part in result.company.parts],
        "dont_know": [(form.items[i]["number"], localized(form.items[i], language)) for i in result.company.dont_know],
        "sheet_rows": [
            (
                row.sheet,
                row.score,
                _band_text(row.score.band, language) if row.score.band else None,
                len(form.items) - len(row.score.unanswered),
            )
            for row in result.sheets
        ],
        "roll_up_rule": ROLL_UP_RULE,
        "item_count": len(form.items),
    }


@for_role(SME)
def detail(request: HttpRequest, diagnosis_id: str) -> HttpResponse:
    """In progress: its sheets and how far each is answered, add a sheet, complete it.
    Completed: the result, and a request drafted from the items the SME chooses to share."""
    user = acting(request)
    diagnosis = reach(selectors.access_diagnosis, request, diagnosis_id)
    language = _language()
    context: dict[str, Any] = {"diagnosis": diagnosis, **_result_context(diagnosis, language)}
    steps: dict[str, Step] = {}
    if diagnosis.status == Diagnosis.Status.IN_PROGRESS:
        steps = {
            "sheet": Step(
                AddSheetForm,
                lambda data: services.add_sheet(user=user, diagnosis=diagnosis, label=data["label"]),
                lambda sheet: _("The sheet %(label)s is added.") % {"label": sheet.label},
            ),
            "complete": Step(
                CompleteForm,
                lambda data: services.complete_diagnosis(user=user, diagnosis=diagnosis),
                gettext_lazy("The diagnosis is completed: here is the result."),
            ),
        }
    else:
        steps = {
            "draft": Step(
                draft_form(context["result"].form, context["result"].company, language),
                lambda data: services.draft_request_from_diagnosis(
                    diagnosis=diagnosis, user=user, shared_item_ids=data["shared_items"]
                ),
                gettext_lazy("A draft request is made from the items you shared: check it, edit it, then publish it."),
                to=lambda made: reverse("sme:request_edit", kwargs={"request_id": made.pk}),
            )
        }
        context["drafts"] = list(
            RequestDraft.objects.filter(diagnosis=diagnosis).select_related("request").order_by("-created_at")
        )
    return page(request, "web/sme/diagnosis_detail.html", context, steps)


@for_role(SME)
def sheet(request: HttpRequest, diagnosis_id: str, sheet_id: str) -> HttpResponse:
    """One sheet's 25 items in their three parts; saving keeps the answers given so far."""
    user = acting(request)
    found = reach(lambda actor, pk: selectors.access_sheet(actor, diagnosis_id, pk), request, sheet_id)
    diagnosis = found.diagnosis
    language = _language()
    questionnaire = diagnosis.questionnaire.form
    back = reverse("sme:diagnosis_detail", kwargs={"diagnosis_id": diagnosis.pk})
    steps: dict[str, Step] = {}
    if diagnosis.status == Diagnosis.Status.IN_PROGRESS:
        steps["answers"] = Step(
            answers_form(questionnaire, language),
            lambda data: services.update_sheet(
                user=user, sheet=found, answers={item: answer for item, answer in data.items() if answer}
            ),
            lambda saved: _("The answers of %(label)s are saved.") % {"label": saved.label},
            to=lambda saved: back,
            initial=dict(found.answers),
        )
    return page(
        request,
        "web/sme/diagnosis_sheet.html",
        {
            "diagnosis": diagnosis,
            "sheet": found,
            "back": back,
            "notice": localized(questionnaire.data, language, "notice"),
            "official_sheet_url": OFFICIAL_SHEET_URL,
            "answered": [
                (
                    f"Q{item['number']}. {localized(item, language)}",
                    localized(questionnaire.answers[found.answers[item_id]], language)
                    if item_id in found.answers
                    else "",
                )
                for item_id, item in questionnaire.items.items()
            ],
        },
        steps,
    )
