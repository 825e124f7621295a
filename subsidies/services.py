"""Writes for subsidies: programs (versioned), cases, documents, reminders, expiry."""

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import CompanyMembership, User
from incidents.categories import CostCategory
from marketplace import links
from marketplace.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    refuse_unknown_fields,
    require_reason,
)
from marketplace.uploads import check_upload
from matching.models import Engagement
from notifications.services import notify
from subsidies import costs, eligibility, schedule
from subsidies.models import CaseComment, DocumentType, SubsidyCase, SubsidyDocument, SubsidyProgram
from workflow.services import bulk_transition, record_creation, transition

PROGRAM_FIELDS = frozenset(
    {
        "code",
        "name_ja",
        "name_en",
        "authority",
        "fiscal_year",
        "description_ja",
        "description_en",
        "chamber",
        "is_illustrative",
        "amount_kind",
        "amount_jpy",
        "rate_percent",
        "cap_jpy",
        "kind",
        "floor_jpy",
        "cost_categories",
        "opens_on",
        "closes_on",
        "has_plan",
        "periods",
        "rules",
        "deadline_rules",
        "required_documents",
    }
)
RULE_KEYS = {
    "size_classes",
    "employment_types",
    "min_weekly_hours",
    "referrals",
    "declarations",
    "hire_from",
    "hire_until",
    "member_sme",
    "security_action",
    "engagement_kinds",
}
CASE_FIELDS = frozenset(
    {"referral", "declarations", "milestones", "authority_reference", "decided_amount_jpy", "cost_categories"}
)
# The chamber's own moves on the cases of a program it decides (incident costs): it takes a filed
# case into review and asks for corrections; decide_case and record_case_payment do the rest.
CHAMBER_MOVES = {SubsidyCase.Status.UNDER_REVIEW, SubsidyCase.Status.CORRECTION_REQUESTED}
# ...and what the company still records itself there.
COMPANY_MOVES_ON_CHAMBER_PROGRAMS = {
    SubsidyCase.Status.COLLECTING_DOCUMENTS,
    SubsidyCase.Status.UNDER_REVIEW,  # back from correction_requested, corrected
    SubsidyCase.Status.WITHDRAWN,
}
# Moves the company records itself (the authority's decisions included); submit/ files, the
# daily task expires, a chamber admin reopens.
COMPANY_MOVES = {
    SubsidyCase.Status.PLAN_SUBMITTED,
    SubsidyCase.Status.PLAN_CERTIFIED,
    SubsidyCase.Status.IN_PROGRESS,
    SubsidyCase.Status.PERIOD_ENDED,
    SubsidyCase.Status.COLLECTING_DOCUMENTS,
    SubsidyCase.Status.UNDER_REVIEW,
    SubsidyCase.Status.CORRECTION_REQUESTED,
    SubsidyCase.Status.PAID,
    SubsidyCase.Status.NOT_PAID,
    SubsidyCase.Status.WITHDRAWN,
}
REMINDER_DAYS = (14, 3)


def _check_program(program: SubsidyProgram) -> None:
    errors: dict[str, str] = {}
    if not isinstance(program.rules, dict) or set(program.rules) - RULE_KEYS:
        errors["rules"] = _("Rules are an object with these keys: %(keys)s.") % {"keys": ", ".join(sorted(RULE_KEYS))}
    rules_ok = isinstance(program.deadline_rules, list) and all(
        isinstance(rule, dict)
        and rule.get("milestone")
        and rule.get("after") in (*schedule.MILESTONES, *schedule.FROM_ENGAGEMENT)
        and any(int(rule.get(key, 0) or 0) > 0 for key in ("months", "weeks", "days"))
        for rule in program.deadline_rules
    )
    if not rules_ok:
        errors["deadline_rules"] = _(
            "Each deadline rule names a milestone, what it counts from (%(after)s) and a period."
        ) % {"after": ", ".join((*schedule.MILESTONES, *schedule.FROM_ENGAGEMENT))}
    documents = program.required_documents
    if not isinstance(documents, dict) or any(
        stage not in SubsidyCase.Status.values or not isinstance(types, list) or set(types) - set(DocumentType.values)
        for stage, types in documents.items()
    ):
        errors["required_documents"] = _("Required documents map a stage to a list of document types.")
    if program.amount_kind == SubsidyProgram.AmountKind.RATE_WITH_CAP and not (
        program.rate_percent and program.cap_jpy
    ):
        errors["rate_percent"] = _("A rate with a cap needs both.")
    elif program.amount_kind != SubsidyProgram.AmountKind.RATE_WITH_CAP and not program.amount_jpy:
        errors["amount_jpy"] = _("Give the amount.")
    categories = program.cost_categories
    if not isinstance(categories, list) or set(map(str, categories)) - set(CostCategory.values):
        errors["cost_categories"] = _("Cost categories are a list of: %(names)s.") % {
            "names": ", ".join(CostCategory.values)
        }
    if program.kind == SubsidyProgram.Kind.INCIDENT_COST:
        if program.amount_kind != SubsidyProgram.AmountKind.RATE_WITH_CAP:
            errors["amount_kind"] = _("An incident-cost program covers a share of the costs: a rate with a cap.")
        if not categories:
            errors.setdefault("cost_categories", _("Name the costs the program covers."))
    if program.opens_on and program.closes_on and program.closes_on < program.opens_on:
        errors["closes_on"] = _("Applications close after they open.")
    if errors:
        raise ValidationFailed.from_errors(errors)
    program.full_clean(validate_unique=False)


def _ensure_program_manager(user: User, chamber_id: Any) -> None:
    """Operators manage every program; a chamber admin their chamber's own ones."""
    if access.is_staff(user):
        return
    if chamber_id is None or not access.administers(user, chamber_id):
        raise PermissionDenied(_("Only operators and the chamber's admins manage this program."))


@transaction.atomic
def create_program(*, user: User, **fields: Any) -> SubsidyProgram:
    refuse_unknown_fields(fields, PROGRAM_FIELDS)
    if user.is_chamber_admin and not user.is_staff:
        fields["chamber"] = user.chamber  # a chamber admin's program is their chamber's own
    chamber = fields.get("chamber")
    _ensure_program_manager(user, chamber.pk if chamber else None)
    if SubsidyProgram.objects.filter(code=fields.get("code", "")).exists():
        raise ValidationFailed(_("A program with this code exists; change it instead."), field="code")
    program = SubsidyProgram(**fields)
    _check_program(program)
    program.save()
    return program


@transaction.atomic
def update_program(*, program: SubsidyProgram, user: User, **fields: Any) -> SubsidyProgram:
    """Edit a program; once a case uses it, the change is a new version and cases keep theirs."""
    _ensure_program_manager(user, program.chamber_id)
    fields.pop("code", None)
    fields.pop("chamber", None)
    refuse_unknown_fields(fields, PROGRAM_FIELDS)
    program = SubsidyProgram.objects.select_for_update().get(pk=program.pk)
    if not program.is_current:
        raise Conflict(_("Only the current version of a program can change."))
    if program.cases.exists():
        SubsidyProgram.objects.filter(pk=program.pk).update(is_current=False)
        program.pk = None
        program.id = None
        program._state.adding = True
        program.version += 1
        program.is_current = True
    for name, value in fields.items():
        setattr(program, name, value)
    _check_program(program)
    program.save()
    return program


def _ensure_acts_for(user: User, case: SubsidyCase) -> None:
    """The company's members and its 社労士 act on a case; a chamber admin may read it only."""
    if not access.is_member(user, case.company_id, roles=access.SUBSIDY_ROLES):
        if access.administers(user, case.company.chamber_id):
            raise PermissionDenied(_("The company files its own case; chamber admins advise and review."))
        raise NotFound(_("Subsidy case not found."))


@transaction.atomic
def open_case(
    *, user: User, engagement: Engagement, program: SubsidyProgram, labour_attorney: User | None = None
) -> SubsidyCase:
    """A member of the company opens a case on an engagement of a kind the program covers (a hire
    for a hiring subsidy, an incident engagement for an incident-cost program), while the
    program takes applications."""
    if not access.is_member(user, engagement.company_id, roles=access.SUBSIDY_ROLES):
        raise NotFound(_("Engagement not found."))
    if engagement.kind not in program.engagement_kinds:
        if program.kind == SubsidyProgram.Kind.HIRE:
            raise ValidationFailed(_("Hiring subsidies are for hire engagements."), field="engagement")
        raise ValidationFailed(
            _("This program covers these engagements: %(kinds)s.") % {"kinds": ", ".join(program.engagement_kinds)},
            field="engagement",
        )
    today = timezone.localdate()
    if (program.opens_on and today < program.opens_on) or (program.closes_on and today > program.closes_on):
        raise ValidationFailed(_("This program is not taking applications today."), field="program")
    if not program.is_current:
        raise ValidationFailed(_("Use the program's current version."), field="program")
    if program.chamber_id and program.chamber_id != engagement.company.chamber_id:
        raise ValidationFailed(_("This program is another chamber's own."), field="program")
    if labour_attorney is not None and not access.is_member(
        labour_attorney, engagement.company_id, roles=(CompanyMembership.Role.LABOUR_ATTORNEY,)
    ):
        raise ValidationFailed(_("Invite the 社労士 to the company first."), field="labour_attorney")
    if SubsidyCase.objects.filter(engagement=engagement, program__code=program.code, period=1).exists():
        raise Conflict(_("This hire already has a case for this program."))
    case = SubsidyCase.objects.create(
        company=engagement.company,
        engagement=engagement,
        program=program,
        labour_attorney=labour_attorney,
        created_by=user,
    )
    record_creation(case, by=user)
    return case


@transaction.atomic
def update_case(*, case: SubsidyCase, user: User, **fields: Any) -> SubsidyCase:
    _ensure_acts_for(user, case)
    refuse_unknown_fields(fields, CASE_FIELDS)
    case = SubsidyCase.objects.select_for_update().get(pk=case.pk)
    if case.status in (SubsidyCase.Status.PAID, SubsidyCase.Status.NOT_PAID, SubsidyCase.Status.WITHDRAWN):
        raise Conflict(_("A decided or withdrawn case no longer changes."))
    if "milestones" in fields:
        milestones = fields["milestones"]
        if not isinstance(milestones, dict) or set(milestones) - (set(schedule.MILESTONES) - {"hire_date"}):
            raise ValidationFailed(_("Unknown milestone."), field="milestones")
        try:
            fields["milestones"] = (case.milestones or {}) | {
                key: datetime.date.fromisoformat(str(value)).isoformat() for key, value in milestones.items()
            }
        except ValueError as exc:
            raise ValidationFailed(_("Milestones are dates (YYYY-MM-DD)."), field="milestones") from exc
    if "declarations" in fields:
        declarations = fields["declarations"]
        if (
            not isinstance(declarations, dict)
            or set(declarations) - set(eligibility.DECLARATIONS)
            or not all(isinstance(value, bool) for value in declarations.values())
        ):
            raise ValidationFailed(_("Declarations are yes/no answers to the listed questions."), field="declarations")
        fields["declarations"] = (case.declarations or {}) | declarations
    if "decided_amount_jpy" in fields and case.program.is_decided_by_chamber:
        raise ValidationFailed(_("The chamber decides the amount of its own program."), field="decided_amount_jpy")
    if "cost_categories" in fields:
        fields["cost_categories"] = (case.cost_categories or {}) | _checked_cost_categories(
            case, fields["cost_categories"]
        )
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean(exclude=["company", "engagement", "program", "created_by", "labour_attorney", "previous"])
    case.save()
    return case


@transaction.atomic
def transition_case(*, case: SubsidyCase, user: User, to: str, note: str = "") -> SubsidyCase:
    """The company records its case's progress (and the authority's decisions); a chamber
    admin only reopens an expired case, with the reason. On a program the chamber decides, the
    chamber takes filed cases into review and asks for corrections, and the company moves only
    to collecting documents, back to review once corrected, or out."""
    if case.program.is_decided_by_chamber and to in CHAMBER_MOVES and access.administers(user, case.company.chamber_id):
        if to == SubsidyCase.Status.CORRECTION_REQUESTED:
            require_reason(note, message=_("Say what needs correcting."))
        elif case.status != SubsidyCase.Status.SUBMITTED:
            raise InvalidTransition(case, to=to)
        transition(case, to=to, by=user, note=note)
        return case
    if to == SubsidyCase.Status.COLLECTING_DOCUMENTS and case.status == SubsidyCase.Status.EXPIRED:
        access.ensure_admin_of(user, case.company.chamber_id, _("Subsidy case not found."))
        require_reason(note, message=_("Give the reason for reopening."))
        transition(case, to=to, by=user, note=note)
        return case
    _ensure_acts_for(user, case)
    if to == SubsidyCase.Status.SUBMITTED:
        raise ValidationFailed(_("File the claim with submit/."), field="to")
    if to not in COMPANY_MOVES:
        raise InvalidTransition(case, to=to)
    if case.program.is_decided_by_chamber:
        if to not in COMPANY_MOVES_ON_CHAMBER_PROGRAMS:
            raise PermissionDenied(_("The chamber reviews and decides this program's cases."))
        if to == SubsidyCase.Status.UNDER_REVIEW and case.status != SubsidyCase.Status.CORRECTION_REQUESTED:
            raise InvalidTransition(case, to=to)
        transition(case, to=to, by=user, note=note)
        return case
    if to == SubsidyCase.Status.COLLECTING_DOCUMENTS and case.status == SubsidyCase.Status.DRAFT:
        raise InvalidTransition(case, to=to)  # a hire waits for its period first
    has_plan = case.program.has_plan
    if to in (SubsidyCase.Status.PLAN_SUBMITTED, SubsidyCase.Status.PLAN_CERTIFIED) and not has_plan:
        raise Conflict(_("This program has no plan stage."))
    if to == SubsidyCase.Status.IN_PROGRESS and has_plan and case.status == SubsidyCase.Status.DRAFT:
        raise Conflict(_("This program needs its plan certified first."))
    if to == SubsidyCase.Status.PLAN_SUBMITTED:
        _ensure_documents(case, SubsidyCase.Status.PLAN_SUBMITTED)
    transition(case, to=to, by=user, note=note)
    if to in (SubsidyCase.Status.PAID, SubsidyCase.Status.NOT_PAID) and case.period < case.program.periods:
        _open_next_period(case, user)
    return case


def _open_next_period(case: SubsidyCase, user: User) -> SubsidyCase:
    """Multi-period programs: the next period opens once a period is decided."""
    following = SubsidyCase.objects.create(
        company=case.company,
        engagement=case.engagement,
        program=case.program,
        period=case.period + 1,
        previous=case,
        labour_attorney=case.labour_attorney,
        referral=case.referral,
        declarations=case.declarations,
        status=SubsidyCase.Status.IN_PROGRESS,
        created_by=user,
    )
    record_creation(
        following,
        by=user,
        note=_("Period %(n)s opened after period %(m)s was decided.") % {"n": following.period, "m": case.period},
    )
    return following


def missing_documents(case: SubsidyCase, stage: str) -> list[str]:
    """Required document types for `stage` with no current version, or whose current version needs a fix."""
    required = (case.program.required_documents or {}).get(stage, [])
    latest: dict[str, SubsidyDocument] = {}
    for document in case.documents.order_by("document_type", "-version"):
        latest.setdefault(document.document_type, document)
    return [kind for kind in required if kind not in latest or latest[kind].status == SubsidyDocument.Status.NEEDS_FIX]


def _ensure_documents(case: SubsidyCase, stage: str) -> None:
    missing = missing_documents(case, stage)
    if missing:
        labels = ", ".join(str(DocumentType(kind).label) for kind in missing)
        raise Conflict(_("Missing or needing a fix: %(documents)s.") % {"documents": labels}, missing=missing)


@transaction.atomic
def submit_case(*, case: SubsidyCase, user: User, note: str = "") -> SubsidyCase:
    """collecting_documents -> submitted, by the company (or its 社労士) only: every rule passes
    and every required document is there and not awaiting a fix, or a 409 says what is not."""
    _ensure_acts_for(user, case)
    case = SubsidyCase.objects.select_for_update().select_related("program", "engagement", "company").get(pk=case.pk)
    if case.status != SubsidyCase.Status.COLLECTING_DOCUMENTS:
        raise InvalidTransition(case, to=SubsidyCase.Status.SUBMITTED)
    language = translation.get_language() or "ja"
    blocked = eligibility.blocking(eligibility.check(case))
    documents = missing_documents(case, SubsidyCase.Status.SUBMITTED)
    if blocked or documents:
        lines = [str(_("Eligibility: %(rule)s") % {"rule": result.reason(language)}) for result in blocked]
        lines += [str(_("Document: %(type)s") % {"type": DocumentType(kind).label}) for kind in documents]
        raise Conflict(
            _("The case cannot be submitted yet: %(problems)s") % {"problems": "; ".join(lines)},
            rules=[result.rule for result in blocked],
            documents=documents,
        )
    transition(case, to=SubsidyCase.Status.SUBMITTED, by=user, note=note)
    return case


@transaction.atomic
def upload_document(
    *, case: SubsidyCase, user: User, document_type: str, file: "UploadedFile[bytes]"
) -> SubsidyDocument:
    """A new version of a document (older versions stay)."""
    _ensure_acts_for(user, case)
    if document_type not in DocumentType.values:
        raise ValidationFailed(_("Unknown document type."), field="document_type")
    if case.status in (SubsidyCase.Status.PAID, SubsidyCase.Status.NOT_PAID, SubsidyCase.Status.WITHDRAWN):
        raise Conflict(_("A decided or withdrawn case takes no more documents."))
    checked = check_upload(file, field="file")
    case = SubsidyCase.objects.select_for_update().get(pk=case.pk)
    version = (case.documents.filter(document_type=document_type).aggregate(v=Max("version"))["v"] or 0) + 1
    document = SubsidyDocument(
        case=case,
        document_type=document_type,
        version=version,
        content_type=checked.content_type,
        name=checked.display_name,
        uploaded_by=user,
    )
    file.name = checked.stored_name
    document.file.save(checked.stored_name, file, save=False)
    document.save()
    record_creation(document, by=user)
    notify(
        kind="subsidy_document_uploaded",
        recipients=access.admins_of(case.company.chamber_id),
        event_key=f"subsidy_document_uploaded:{document.pk}",
        context={
            "company": case.company.name,
            "program_ja": case.program.name_ja,
            "program_en": case.program.name_en,
            "document_type": DocumentType(document_type).label,
            "version": version,
        },
        link=links.console_subsidy_case(case.pk),
    )
    return document


@transaction.atomic
def review_document(*, document: SubsidyDocument, admin: User, status: str, comment: str = "") -> SubsidyDocument:
    """A chamber admin of the company's chamber accepts a document or asks for a fix."""
    access.ensure_admin_of(admin, document.case.company.chamber_id, _("Document not found."))
    if status == SubsidyDocument.Status.NEEDS_FIX:
        require_reason(comment, field="comment", message=_("Say what needs fixing."))
    if status not in (SubsidyDocument.Status.ACCEPTED, SubsidyDocument.Status.NEEDS_FIX):
        raise ValidationFailed(_("Accept it or ask for a fix."), field="status")
    transition(document, to=status, by=admin, note=comment, comment=comment)
    if status == SubsidyDocument.Status.NEEDS_FIX:
        case = document.case
        notify(
            kind="subsidy_document_needs_fix",
            recipients=_recipients(case),
            event_key=f"subsidy_document_needs_fix:{document.pk}",
            context={
                "program_ja": case.program.name_ja,
                "program_en": case.program.name_en,
                "document_type": DocumentType(document.document_type).label,
                "version": document.version,
                "comment": comment,
            },
            link=links.sme_subsidy(case.pk),
        )
    return document


@transaction.atomic
def comment_on_case(*, case: SubsidyCase, user: User, body: str) -> CaseComment:
    """The chamber's admins advise on a case; the company and its 社労士 answer."""
    advises = access.administers(user, case.company.chamber_id)
    if not (advises or access.is_member(user, case.company_id, roles=access.SUBSIDY_ROLES)):
        raise NotFound(_("Subsidy case not found."))
    if not body.strip():
        raise ValidationFailed(_("Write the comment."), field="body")
    comment = CaseComment.objects.create(case=case, author=user, body=body.strip())
    if advises:
        # The chamber advised: the company and its 社労士 are told (they answer on the page).
        notify(
            kind="case_comment",
            recipients=_recipients(case),
            event_key=f"case_comment:{comment.pk}",
            context={
                "program_ja": case.program.name_ja,
                "program_en": case.program.name_en,
                "author": user.name or user.email,
                "body": comment.body,
            },
            link=links.sme_subsidy(case.pk),
        )
    return comment


def _checked_cost_categories(case: SubsidyCase, given: Any) -> dict[str, str]:
    """{invoice id: cost category} for invoices of the case's engagement."""
    if not isinstance(given, dict) or not all(value in CostCategory.values for value in given.values()):
        raise ValidationFailed(
            _("Map invoice ids to one of: %(names)s.") % {"names": ", ".join(CostCategory.values)},
            field="cost_categories",
        )
    invoices = {str(pk) for pk in case.engagement.invoices.values_list("pk", flat=True)}
    if set(map(str, given)) - invoices:
        raise ValidationFailed(_("Only this engagement's invoices."), field="cost_categories")
    return {str(key): value for key, value in given.items()}


@transaction.atomic
def decide_case(*, case: SubsidyCase, admin: User, granted_amount_jpy: int, note: str = "") -> SubsidyCase:
    """under_review -> granted (an amount up to the computed one) or not_paid (nothing, with the
    reason), by an admin of the company's chamber, on a program the chamber decides."""
    access.ensure_admin_of(admin, case.company.chamber_id, _("Subsidy case not found."))
    if not case.program.is_decided_by_chamber:
        raise Conflict(_("The authority decides this program; the company records its decision."))
    case = SubsidyCase.objects.select_for_update().select_related("program", "engagement", "company").get(pk=case.pk)
    if case.status != SubsidyCase.Status.UNDER_REVIEW:
        raise InvalidTransition(case, to=SubsidyCase.Status.GRANTED)
    computed = costs.cost_share(case).amount_jpy
    if granted_amount_jpy < 0 or granted_amount_jpy > computed:
        raise ValidationFailed(
            _("Grant from 0 to the computed %(amount)s yen.") % {"amount": f"{computed:,}"},
            field="granted_amount_jpy",
        )
    to = SubsidyCase.Status.GRANTED if granted_amount_jpy > 0 else SubsidyCase.Status.NOT_PAID
    if granted_amount_jpy < computed:
        note = require_reason(note, message=_("Say why less than the computed amount is granted."))
    transition(
        case,
        to=to,
        by=admin,
        note=note,
        decided_amount_jpy=granted_amount_jpy,
        decided_by=admin,
        decided_at=timezone.now(),
        decision_note=note,
    )
    return case


@transaction.atomic
def record_case_payment(*, case: SubsidyCase, admin: User, paid_on: datetime.date, reference: str = "") -> SubsidyCase:
    """granted -> paid: the chamber transferred the granted amount to the company (outside Stripe)."""
    access.ensure_admin_of(admin, case.company.chamber_id, _("Subsidy case not found."))
    if case.status != SubsidyCase.Status.GRANTED:
        raise InvalidTransition(case, to=SubsidyCase.Status.PAID)
    if paid_on > timezone.localdate():
        raise ValidationFailed(_("Record a payment once it is made."), field="paid_on")
    transition(
        case,
        to=SubsidyCase.Status.PAID,
        by=admin,
        note=reference,
        paid_amount_jpy=case.decided_amount_jpy,
        paid_on=paid_on,
        payment_reference=reference.strip(),
    )
    return case


def _recipients(case: SubsidyCase) -> list[User]:
    users = list(access.members_of(case.company_id, roles=access.SUBSIDY_ROLES))
    if case.labour_attorney and case.labour_attorney not in users:
        users.append(case.labour_attorney)
    return users


def remind_deadlines(*, today: datetime.date | None = None) -> int:
    """Daily: the company's members (and its 社労士) are reminded 14 and 3 days before each
    deadline, once per deadline, step and person however often this runs."""
    today = today or timezone.localdate()
    sent = 0
    cases = SubsidyCase.objects.filter(status__in=SubsidyCase.OPEN_BEFORE_FILING).select_related(
        "program", "engagement", "company"
    )
    for case in cases.iterator(chunk_size=500):
        for item in schedule.deadlines_of(case):
            if item.deadline is None or schedule.has_reached(case, item.reach):
                continue
            left = (item.deadline.due_on - today).days
            step = next((days for days in sorted(REMINDER_DAYS) if 0 <= left <= days), None)
            if step is None:
                continue
            with transaction.atomic():
                sent += len(
                    notify(
                        kind="subsidy_deadline",
                        recipients=_recipients(case),
                        event_key=f"subsidy_deadline:{case.pk}:{item.milestone}:{item.deadline.due_on}:{step}",
                        context={
                            "program_ja": case.program.name_ja,
                            "program_en": case.program.name_en,
                            "milestone_ja": item.label_ja,
                            "milestone_en": item.label_en,
                            "due_on": item.deadline.due_on,
                            "days": left,
                            "case_id": case.pk,
                            "basis_ja": item.deadline.basis_ja,
                            "basis_en": item.deadline.basis_en,
                        },
                        link=links.sme_subsidy(case.pk),
                    )
                )
    return sent


def expire_overdue_cases(*, today: datetime.date | None = None) -> int:
    """Daily: a case that had not reached the stage a deadline asks for expires the day after it."""
    today = today or timezone.localdate()
    overdue = []
    cases = SubsidyCase.objects.filter(status__in=SubsidyCase.OPEN_BEFORE_FILING).select_related(
        "program", "engagement"
    )
    for case in cases.iterator(chunk_size=500):
        for item in schedule.deadlines_of(case):
            if item.deadline and item.deadline.due_on < today and not schedule.has_reached(case, item.reach):
                overdue.append(case.pk)
                break
    expired = bulk_transition(
        SubsidyCase.objects.filter(pk__in=overdue),
        to=SubsidyCase.Status.EXPIRED,
        by=None,
        note=_("The deadline passed before the case was filed."),
        allowed_from=set(SubsidyCase.OPEN_BEFORE_FILING),
    )
    return len(expired)
