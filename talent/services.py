"""Writes for the talent bank: profiles, certifications, verification, validity."""

import datetime
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import Company, User
from accounts.prefectures import PREFECTURES
from accounts.services import register_user
from marketplace import links
from marketplace.errors import NotFound, PermissionDenied, ValidationFailed, refuse_unknown_fields, require_reason
from marketplace.uploads import check_upload
from notifications.services import notify
from talent.models import (
    Certification,
    RequestKind,
    Skill,
    Specialist,
    SpecialistSkill,
    TravelPrefecture,
    skill_keys,
)
from workflow.services import transition

# Profile fields a specialist edits directly; the rest move through services.
PROFILE_FIELDS = frozenset(
    {
        "display_name",
        "bio",
        "prefecture",
        "remote_ok",
        "onsite_ok",
        "hourly_rate_jpy",
        "monthly_retainer_jpy",
        "capacity",
        "hours_per_month",
        "languages",
        "industries",
        "years_experience",
        "listed_in_directory",
        "vendor_affiliations",
        "resale_commissions",
        "legal_name",
        "contact_email",
        "phone",
        # Who invoices the SME and their qualified-invoice number (Specialist.clean checks it).
        "entity_type",
        "invoice_registration_number",
    }
)
LANGUAGES = frozenset({"ja", "en", "zh", "ko", "vi", "pt", "es", "fr", "de", "th", "id", "tl", "ne"})
_SG_PATTERN = re.compile(r"^SG-\d{4}-\d{2}-\d{5}$")


def _search_text(specialist: Specialist, skills: Iterable[Skill]) -> str:
    parts = [specialist.display_name, specialist.bio]
    for skill in skills:
        parts += [skill.slug.replace("_", " "), skill.label_ja, skill.label_en]
    return unicodedata.normalize("NFKC", " ".join(parts)).lower()


def refresh_search_columns(specialist: Specialist) -> None:
    """The free-text column and the skill keys, after the profile or its skills changed."""
    levels = list(specialist.skill_levels.select_related("skill").order_by("skill__position", "skill__slug"))
    specialist.search_text = _search_text(specialist, [row.skill for row in levels])
    specialist.skill_keys = skill_keys((row.skill_id, row.level) for row in levels)
    Specialist.objects.filter(pk=specialist.pk).update(
        search_text=specialist.search_text, skill_keys=specialist.skill_keys
    )


def _check_choices(values: list[str], allowed: Iterable[str], field: str) -> list[str]:
    allowed = set(allowed)
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValidationFailed(_("Unknown values: %(values)s") % {"values": ", ".join(unknown)}, field=field)
    return list(dict.fromkeys(values))


def create_specialist_profile(*, user: User, display_name: str) -> Specialist:
    """Every specialist user gets an empty draft profile."""
    specialist = Specialist(user=user, display_name=display_name[:100])
    specialist.search_text = _search_text(specialist, [])
    specialist.save()
    return specialist


@transaction.atomic
def register_specialist(*, email: str, password: str, name: str, language: str = "ja") -> User:
    """Sign-up of a specialist: the user and their draft profile, together or not at all."""
    user = register_user(email=email, password=password, role=User.Role.SPECIALIST, name=name, language=language)
    create_specialist_profile(user=user, display_name=name)
    return user


@transaction.atomic
def update_specialist_profile(*, specialist: Specialist, user: User, **fields: Any) -> Specialist:
    """The specialist edits their own profile (skills, travel and kinds replace the old sets)."""
    if not access.is_specialist_user(user, specialist.user_id):
        raise NotFound(_("Specialist not found."))
    specialist = Specialist.objects.select_for_update().get(pk=specialist.pk)
    skills = fields.pop("skills", None)
    travel = fields.pop("travel_prefectures", None)
    kinds = fields.pop("request_kinds", None)
    refuse_unknown_fields(fields, PROFILE_FIELDS)
    if "languages" in fields:
        fields["languages"] = _check_choices(fields["languages"], LANGUAGES, "languages")
    if "industries" in fields:
        fields["industries"] = _check_choices(fields["industries"], Company.Industry.values, "industries")
    for name, value in fields.items():
        setattr(specialist, name, value)
    if kinds is not None:
        kinds = _check_choices(kinds, RequestKind.values, "request_kinds")
        for kind in RequestKind.values:
            setattr(specialist, f"accepts_{kind}", kind in kinds)
    try:
        specialist.clean()  # folds a typed registration number to T + 13 digits before its length is checked
        specialist.full_clean(exclude=["user"])
    except DjangoValidationError as exc:
        raise DjangoValidationError(exc.message_dict) from exc
    specialist.save()
    if travel is not None:
        travel = _check_choices(travel, PREFECTURES, "travel_prefectures")
        specialist.travel.all().delete()
        TravelPrefecture.objects.bulk_create(
            TravelPrefecture(specialist=specialist, prefecture=code) for code in travel
        )
    if skills is not None:
        _replace_skills(specialist, skills)
    refresh_search_columns(specialist)
    return specialist


def _replace_skills(specialist: Specialist, skills: list[dict[str, Any]]) -> None:
    by_slug = {skill.slug: skill for skill in Skill.objects.all()}
    levels: dict[str, int] = {}
    for item in skills:
        slug, level = item["skill"], item["level"]
        if slug not in by_slug:
            raise ValidationFailed(_("Unknown skill: %(slug)s") % {"slug": slug}, field="skills")
        if not 1 <= level <= 5:
            raise ValidationFailed(_("A skill level is from 1 to 5."), field="skills")
        levels[slug] = level
    specialist.skill_levels.all().delete()
    SpecialistSkill.objects.bulk_create(
        SpecialistSkill(specialist=specialist, skill=by_slug[slug], level=level) for slug, level in levels.items()
    )


def normalize_riss_number(raw: str) -> str:
    """「第017758号」, full-width digits and spaces -> "017758" (6 digits, zero-padded)."""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = re.sub(r"\s+", "", text)
    text = text.removeprefix("第").removesuffix("号")
    if not (text.isascii() and text.isdigit()) or not 1 <= len(text) <= 6 or int(text) == 0:
        raise ValidationFailed(_("A RISS registration number has up to 6 digits, like 第017758号."), field="number")
    return text.zfill(6)


def _certification_warnings(kind: str, number: str, issued_on: datetime.date) -> list[str]:
    warnings = []
    if kind == Certification.Kind.SG and number and not _SG_PATTERN.match(number):
        # The SG-YYYY-MM-NNNNN pattern is only inferred (DOMAIN.md): warn, never reject.
        warnings.append("sg_number_pattern")
    if kind == Certification.Kind.RISS and (issued_on.month, issued_on.day) not in ((4, 1), (10, 1)):
        warnings.append("riss_registration_date")
    return warnings


@transaction.atomic
def submit_certification(
    *,
    user: User,
    kind: str,
    evidence: "UploadedFile[bytes]",
    issued_on: datetime.date,
    number: str = "",
    name: str = "",
    renewal_deadline: datetime.date | None = None,
    training_years: list[int] | None = None,
) -> Certification:
    """A specialist submits a credential with its evidence; an admin will review it."""
    specialist = Specialist.objects.select_for_update().filter(user=user).first()
    if specialist is None:
        raise PermissionDenied(_("Only specialists can submit certifications."))
    today = timezone.localdate()
    if issued_on > today:
        raise ValidationFailed(_("The date cannot be in the future."), field="issued_on")
    number = unicodedata.normalize("NFKC", number).strip()
    if kind == Certification.Kind.RISS:
        number = normalize_riss_number(number)
        if renewal_deadline is None:
            raise ValidationFailed(_("Enter the renewal deadline printed on the card."), field="renewal_deadline")
        if renewal_deadline <= issued_on:
            raise ValidationFailed(
                _("The renewal deadline must be after the registration date."), field="renewal_deadline"
            )
    elif kind == Certification.Kind.SG:
        if not number:
            raise ValidationFailed(_("Enter the certificate number."), field="number")
        renewal_deadline = None  # SG never expires
    elif not name.strip():
        raise ValidationFailed(_("Name the certification."), field="name")
    years = sorted(set(training_years or []))
    if any(year < 2016 or year > today.year for year in years):
        raise ValidationFailed(_("Training years run from 2016 to this year."), field="training_years")
    checked = check_upload(evidence, field="evidence")
    certification = Certification(
        specialist=specialist,
        kind=kind,
        name=name.strip(),
        number=number,
        issued_on=issued_on,
        renewal_deadline=renewal_deadline,
        training_years=years,
        evidence_content_type=checked.content_type,
        evidence_name=checked.display_name,
        warnings=_certification_warnings(kind, number, issued_on),
    )
    certification.validity = certification.validity_on(today)
    if specialist.status == Specialist.Status.DRAFT:
        transition(specialist, to=Specialist.Status.PENDING, by=user, note=_("Credential submitted."))
    # The file is written last, after every check, and removed if the row cannot be.
    try:
        with transaction.atomic():
            certification.evidence.save(checked.stored_name, evidence, save=False)
            certification.save()
    except IntegrityError as exc:
        certification.evidence.delete(save=False)
        raise ValidationFailed(_("This RISS registration number is already registered."), field="number") from exc
    # The talent bank is shared: every chamber's admins may review it.
    notify(
        kind="credential_to_review",
        recipients=User.objects.filter(role=User.Role.CHAMBER_ADMIN, is_active=True),
        event_key=f"credential_to_review:{certification.pk}",
        context={"specialist": specialist.display_name, "kind": Certification.Kind(certification.kind).label},
        link=links.console_certification(certification.pk),
    )
    return certification


def _ensure_reviewer(admin: User) -> None:
    """Any chamber admin reviews credentials: the talent bank is shared across chambers."""
    access.ensure_talent_reviewer(admin)


def _notify_credential(certification: Certification) -> None:
    """Tell the specialist what happened to a credential, once per outcome."""
    certification.refresh_from_db()
    if certification.status == Certification.Status.REJECTED:
        kind = "credential_rejected"
    elif certification.validity == Certification.Validity.LAPSED:
        kind = "credential_lapsed"
    elif certification.validity == Certification.Validity.RENEWAL_DUE:
        kind = "credential_renewal_due"
    else:
        kind = "credential_verified"
    notify(
        kind=kind,
        recipients=[certification.specialist.user],
        event_key=f"{kind}:{certification.pk}:{certification.renewal_deadline or ''}",
        context={
            "kind": Certification.Kind(certification.kind).label,
            "number": certification.number or certification.name,
            "note": certification.review_note,
            "deadline": certification.renewal_deadline,
        },
        link=links.specialist_credentials(),
    )


@transaction.atomic
def verify_certification(*, certification: Certification, admin: User, note: str = "") -> Certification:
    """pending -> verified; the specialist becomes active with their first verified credential."""
    _ensure_reviewer(admin)
    transition(
        certification,
        to=Certification.Status.VERIFIED,
        by=admin,
        note=note,
        reviewed_by=admin,
        reviewed_at=timezone.now(),
        review_note=note,
    )
    specialist = Specialist.objects.select_for_update().get(pk=certification.specialist_id)
    if specialist.status in (Specialist.Status.DRAFT, Specialist.Status.PENDING):
        transition(specialist, to=Specialist.Status.ACTIVE, by=admin, note=_("Credential verified."))
    _notify_credential(certification)
    return certification


@transaction.atomic
def reject_certification(*, certification: Certification, admin: User, note: str) -> Certification:
    """pending -> rejected, with the reason shown to the specialist."""
    _ensure_reviewer(admin)
    require_reason(note, message=_("Give the reason for rejecting."))
    transition(
        certification,
        to=Certification.Status.REJECTED,
        by=admin,
        note=note,
        reviewed_by=admin,
        reviewed_at=timezone.now(),
        review_note=note,
    )
    _notify_credential(certification)
    return certification


@transaction.atomic
def suspend_specialist(*, specialist: Specialist, admin: User, note: str) -> Specialist:
    _ensure_reviewer(admin)
    require_reason(note)
    transition(specialist, to=Specialist.Status.SUSPENDED, by=admin, note=note)
    return specialist


@transaction.atomic
def reactivate_specialist(*, specialist: Specialist, admin: User, note: str) -> Specialist:
    _ensure_reviewer(admin)
    require_reason(note)
    transition(specialist, to=Specialist.Status.ACTIVE, by=admin, note=note, allowed_from={"suspended"})
    return specialist


def refresh_certification_validity(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: RISS registrations become renewal_due 180 days before the deadline and lapsed after it.

    Each change is a conditional UPDATE, so a re-run (or two beat schedulers) changes
    and notifies each registration once per step.
    """
    from talent.models import RENEWAL_DUE_DAYS

    today = today or timezone.localdate()
    riss = Certification.objects.filter(kind=Certification.Kind.RISS, renewal_deadline__isnull=False)
    changed: dict[str, int] = {}
    steps = [
        (Certification.Validity.LAPSED, riss.filter(renewal_deadline__lt=today)),
        (
            Certification.Validity.RENEWAL_DUE,
            riss.filter(
                renewal_deadline__gte=today,
                renewal_deadline__lte=today + datetime.timedelta(days=RENEWAL_DUE_DAYS),
            ),
        ),
        (
            Certification.Validity.ACTIVE,
            riss.filter(renewal_deadline__gt=today + datetime.timedelta(days=RENEWAL_DUE_DAYS)),
        ),
    ]
    for validity, qs in steps:
        with transaction.atomic():
            ids = list(qs.exclude(validity=validity).select_for_update(skip_locked=True).values_list("pk", flat=True))
            changed[validity] = (
                Certification.objects.filter(pk__in=ids).exclude(validity=validity).update(validity=validity)
            )
            if validity != Certification.Validity.ACTIVE:
                for certification in Certification.objects.filter(pk__in=ids).select_related("specialist__user"):
                    _notify_credential(certification)
    return changed
