"""Writes of the self-diagnosis: start one, answer its sheets, complete it, draft a request from
it, upload the basic policy. Each acts for a full member of the company (accounts.access)."""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Company, User
from diagnosis import drafting, selectors
from diagnosis.models import BasicPolicy, Diagnosis, RequestDraft, Sheet
from diagnosis.scoring import Form, localized, roll_up, score
from marketplace.errors import Conflict, ValidationFailed
from marketplace.uploads import check_upload
from matching.models import AdvisorRequest
from matching.services.requests import create_request
from talent.models import RequestKind
from workflow.services import record_creation, transition

MAX_SHEETS = 50
LABEL_MAX_LENGTH = 100


def _check_labels(labels: Sequence[str], *, taken: Sequence[str] = ()) -> list[str]:
    cleaned = [str(label).strip() for label in labels]
    if any(not label for label in cleaned):
        raise ValidationFailed(_("Give each sheet a name (its site or department)."), field="label")
    if any(len(label) > LABEL_MAX_LENGTH for label in cleaned):
        raise ValidationFailed(
            _("A sheet's name has at most %(limit)d characters.") % {"limit": LABEL_MAX_LENGTH}, field="label"
        )
    if len(set(cleaned)) != len(cleaned) or set(cleaned) & set(taken):
        raise ValidationFailed(_("Each sheet needs its own name."), field="label")
    if len(cleaned) + len(taken) > MAX_SHEETS:
        raise ValidationFailed(_("At most %(limit)d sheets.") % {"limit": MAX_SHEETS}, field="label")
    return cleaned


def _check_answers(form: Form, answers: Mapping[str, Any]) -> dict[str, str | None]:
    """400 naming every unknown item, unknown answer and refused "not applicable"."""
    problems = form.answer_errors(answers)
    if problems:
        messages = {
            "unknown_item": _("%(item)s: no such item."),
            "unknown_answer": _("%(item)s: not an answer (done, partly, not_done, dont_know, not_applicable)."),
            "not_applicable_refused": _('%(item)s: this item cannot be answered "not applicable".'),
        }
        text = " ".join(messages[problem] % {"item": item_id} for item_id, problem in sorted(problems.items()))
        raise ValidationFailed(text, field="answers")
    return {item_id: (None if answer is None else str(answer)) for item_id, answer in answers.items()}


def _locked_in_progress(diagnosis: Diagnosis) -> Diagnosis:
    locked = Diagnosis.objects.select_for_update().select_related("questionnaire").get(pk=diagnosis.pk)
    if locked.status != Diagnosis.Status.IN_PROGRESS:
        raise Conflict(_("A completed diagnosis is kept as it was; start a new one to answer again."))
    return locked


@transaction.atomic
def start_diagnosis(*, user: User, company: Company, sheet_labels: Sequence[str] | None = None) -> Diagnosis:
    """A new diagnosis on the current questionnaire, with one sheet per site or department
    (one named "whole company" when none is given). Earlier diagnoses stay for the trend."""
    access.ensure_member(user, company.pk)
    labels = _check_labels(sheet_labels if sheet_labels else [_("Whole company")])
    diagnosis = Diagnosis.objects.create(
        company=company, questionnaire=selectors.current_questionnaire(), created_by=user
    )
    Sheet.objects.bulk_create(Sheet(diagnosis=diagnosis, label=label) for label in labels)
    record_creation(diagnosis, by=user)
    return diagnosis


@transaction.atomic
def add_sheet(*, user: User, diagnosis: Diagnosis, label: str, answers: Mapping[str, Any] | None = None) -> Sheet:
    access.ensure_member(user, diagnosis.company_id)
    diagnosis = _locked_in_progress(diagnosis)
    taken = list(diagnosis.sheets.values_list("label", flat=True))
    (clean_label,) = _check_labels([label], taken=taken)
    given = _check_answers(diagnosis.questionnaire.form, answers or {})
    return Sheet.objects.create(
        diagnosis=diagnosis,
        label=clean_label,
        answers={item_id: answer for item_id, answer in given.items() if answer is not None},
    )


@transaction.atomic
def update_sheet(
    *,
    user: User,
    sheet: Sheet,
    answers: Mapping[str, Any] | None = None,
    label: str | None = None,
    replace: bool = False,
) -> Sheet:
    """Answer a sheet: `replace` sets exactly the given answers (PUT); otherwise they are merged
    in, a null clearing one (PATCH). Refused whole (400) if any item or answer is unknown."""
    diagnosis = sheet.diagnosis
    access.ensure_member(user, diagnosis.company_id)
    diagnosis = _locked_in_progress(diagnosis)
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk, diagnosis=diagnosis)
    if label is not None:
        taken = list(diagnosis.sheets.exclude(pk=sheet.pk).values_list("label", flat=True))
        (sheet.label,) = _check_labels([label], taken=taken)
    if answers is not None or replace:
        given = _check_answers(diagnosis.questionnaire.form, answers or {})
        merged = {} if replace else dict(sheet.answers)
        merged.update(given)
        sheet.answers = {item_id: answer for item_id, answer in merged.items() if answer is not None}
    sheet.save()
    sheet.diagnosis = diagnosis
    return sheet


@transaction.atomic
def complete_diagnosis(*, user: User, diagnosis: Diagnosis) -> Diagnosis:
    """in_progress -> completed once every sheet answers every item; the rolled-up total and band
    are stored and the sheets frozen. Unanswered items: 409 listing them per sheet."""
    access.ensure_member(user, diagnosis.company_id)
    diagnosis = _locked_in_progress(diagnosis)
    form = diagnosis.questionnaire.form
    sheets = list(diagnosis.sheets.all())
    missing = [
        f"{sheet.label}: {', '.join(result.unanswered)}"
        for sheet in sheets
        if (result := score(form, sheet.answers)).unanswered
    ]
    if missing:
        raise Conflict(_("Answer every item on every sheet first."), unanswered=missing)
    result = score(form, roll_up(form, [sheet.answers for sheet in sheets]))
    assert result.band is not None  # every item answered on every sheet  # noqa: S101
    transition(
        diagnosis,
        to=Diagnosis.Status.COMPLETED,
        by=user,
        total=result.total,
        band=result.band["band"],
        completed_at=timezone.now(),
    )
    return diagnosis


def _draft_text(
    form: Form, diagnosis: Diagnosis, answers: Mapping[str, str], shared: Sequence[str], kind: str
) -> dict[str, str]:
    language = translation.get_language()
    title = (
        _("Security advisor for the gaps found by our self-diagnosis")
        if kind == RequestKind.ADVISOR
        else _("Consultation on our self-diagnosis results")
    )
    assert diagnosis.completed_at is not None  # only completed diagnoses are drafted from  # noqa: S101
    lines = [
        _("From our security self-diagnosis of %(date)s (questionnaire version %(version)s), we would like help with:")
        % {"date": timezone.localtime(diagnosis.completed_at).date().isoformat(), "version": form.data["version"]}
    ]
    for item_id in shared:
        item = form.items[item_id]
        answer = localized(form.answers[answers[item_id]], language)
        lines.append(f"- Q{item['number']} {localized(item, language)} ({answer})")
    return {"title": title, "description": "\n".join(lines)}


@transaction.atomic
def draft_request_from_diagnosis(*, diagnosis: Diagnosis, user: User, shared_item_ids: Sequence[str]) -> AdvisorRequest:
    """A DRAFT request (matching's create_request) from the weak items the SME chose to share.

    Its kind follows drafting.KIND_RULE, its required skills the shared items' topics (at
    drafting.MIN_LEVEL for the kind), its description lists the shared items and nothing else.
    The SME edits and publishes it like any draft.
    """
    access.ensure_member(user, diagnosis.company_id)
    if diagnosis.status != Diagnosis.Status.COMPLETED:
        raise Conflict(_("Complete the diagnosis before drafting a request from it."))
    form = diagnosis.questionnaire.form
    shared = [str(item_id) for item_id in shared_item_ids]
    if not shared:
        raise ValidationFailed(_("Choose at least one item to share."), field="shared_items")
    if len(set(shared)) != len(shared):
        raise ValidationFailed(_("Each item once."), field="shared_items")
    unknown = [item_id for item_id in shared if item_id not in form.items]
    if unknown:
        raise ValidationFailed(_("No such items: %(items)s") % {"items": ", ".join(unknown)}, field="shared_items")
    answers = roll_up(form, [sheet.answers for sheet in diagnosis.sheets.all()])
    not_weak = [item_id for item_id in shared if not form.is_weak(answers[item_id])]
    if not_weak:
        raise ValidationFailed(
            _("Share only items that need work (partly, not done or don't know): %(items)s")
            % {"items": ", ".join(not_weak)},
            field="shared_items",
        )
    shared = sorted(shared, key=lambda item_id: form.items[item_id]["number"])
    kind = drafting.kind_for(form, shared)
    with translation.override(user.language or translation.get_language()):
        text = _draft_text(form, diagnosis, answers, shared, kind)
    request = create_request(
        user=user,
        company=diagnosis.company,
        required_skills=[
            {"skill": slug, "min_level": drafting.MIN_LEVEL[kind]} for slug in drafting.skills_for(form, shared)
        ],
        kind=kind,
        start_date=timezone.localdate() + datetime.timedelta(days=drafting.START_AFTER_DAYS),
        remote_ok=True,
        **text,
        **drafting.STARTING_TERMS[kind],
    )
    RequestDraft.objects.create(diagnosis=diagnosis, request=request, shared_items=shared, created_by=user)
    return request


def _check_public_url(public_url: str) -> str:
    url = (public_url or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError as exc:
        raise ValidationFailed(
            _("Give the web address (https://...) where the policy is published."), field="public_url"
        ) from exc
    if len(url) > 500:
        raise ValidationFailed(_("The address is too long."), field="public_url")
    return url


@transaction.atomic
def upload_basic_policy(*, user: User, company: Company, file: Any, public_url: str = "") -> BasicPolicy:
    """A new version of the company's basic security policy (PDF, PNG or JPEG, checked like every
    upload, stored privately), with where it is published if known."""
    access.ensure_member(user, company.pk)
    url = _check_public_url(public_url)
    checked = check_upload(file, field="file")
    company = Company.objects.select_for_update().get(pk=company.pk)
    version = (BasicPolicy.objects.filter(company=company).aggregate(v=Max("version"))["v"] or 0) + 1
    policy = BasicPolicy(
        company=company,
        version=version,
        content_type=checked.content_type,
        name=checked.display_name,
        public_url=url,
        uploaded_by=user,
    )
    file.name = checked.stored_name
    policy.file.save(checked.stored_name, file, save=False)
    policy.save()
    return policy


@transaction.atomic
def set_basic_policy_url(*, user: User, company: Company, public_url: str) -> BasicPolicy:
    """Say (or change) where the latest basic policy is published; empty clears it."""
    access.ensure_member(user, company.pk)
    url = _check_public_url(public_url)
    policy = BasicPolicy.objects.select_for_update().filter(company=company).order_by("-version").first()
    if policy is None:
        raise Conflict(_("Upload the basic policy first."))
    policy.public_url = url
    policy.save(update_fields=["public_url", "updated_at"])
    return policy
