"""Writes for accounts: registration, companies, verification. Each in one transaction."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, corporate_number, lifecycle
from accounts.models import Chamber, Company, CompanyMembership, User
from marketplace import links
from marketplace.errors import PermissionDenied, ValidationFailed, refuse_unknown_fields, require_reason
from notifications.services import notify
from workflow.services import record_creation, transition

_CORPORATE_NUMBER_ERRORS = {
    "format": lambda: _("A corporate number has only digits (hyphens and spaces are ignored)."),
    "length": lambda: _("A corporate number has exactly 13 digits."),
    "check_digit": lambda: _("The check digit (first digit) of this corporate number is wrong."),
}


@transaction.atomic
def register_user(*, email: str, password: str, role: str, name: str, language: str = "ja") -> User:
    """Self-service sign-up for specialists and SME members (chamber admins are created by
    operators); the confirmation mail goes out with it."""
    if role not in (User.Role.SPECIALIST, User.Role.SME):
        raise ValidationFailed(_("Choose specialist or sme."), field="role")
    email = User.objects.normalize_email(email).lower()
    candidate = User(email=email, name=name, role=role)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise DjangoValidationError({"password": exc.messages}) from exc
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed(_("A user with this email already exists."), field="email")
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, name=name, role=role, language=language)
    except IntegrityError as exc:  # a concurrent sign-up with the same email won the race
        raise ValidationFailed(_("A user with this email already exists."), field="email") from exc
    lifecycle.send_email_confirmation(user=user)
    return user


@transaction.atomic
def update_me(*, user: User, **fields: Any) -> User:
    """A user changes their own name or language; nothing else about them moves here."""
    refuse_unknown_fields(fields, User.SELF_EDITABLE_FIELDS)
    if "language" in fields and fields["language"] not in User.Language.values:
        raise ValidationFailed(_("Choose ja or en."), field="language")
    User.objects.filter(pk=user.pk).update(**fields)
    user.refresh_from_db()
    return user


@transaction.atomic
def create_chamber_admin(*, chamber_name: str, prefecture: str, email: str, password: str, name: str = "") -> User:
    """Operator command: a chamber (created if new) and an admin who belongs to it."""
    chamber, _created = Chamber.objects.get_or_create(name=chamber_name, defaults={"prefecture": prefecture})
    user = User(email=email.lower(), name=name or chamber_name, role=User.Role.CHAMBER_ADMIN, chamber=chamber)
    validate_password(password, user=user)
    user.set_password(password)
    user.email_confirmed_at = timezone.now()  # an operator vouches for the address
    user.full_clean()
    user.save()
    return user


def checked_corporate_number(typed: str) -> str:
    """The 13 digits of a typed 法人番号, or a ValidationFailed saying in words what is wrong
    (the pages check it as it is typed with the same words)."""
    try:
        return corporate_number.normalize(typed)
    except corporate_number.InvalidCorporateNumber as exc:
        raise ValidationFailed(_CORPORATE_NUMBER_ERRORS[exc.reason](), field="corporate_number") from exc


def _normalized_company_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean = dict(fields)
    number = clean.get("corporate_number")
    if number:
        clean["corporate_number"] = checked_corporate_number(number)
    elif "corporate_number" in clean:
        clean["corporate_number"] = ""
    return clean


def _check_company(company: Company) -> None:
    """Multi-field rules, then every field and constraint: a 400 with field errors."""
    errors: dict[str, list[str]] = {}
    if company.entity_type == Company.EntityType.CORPORATION:
        if not company.corporate_number:
            errors["corporate_number"] = [_("A corporation needs its 13-digit corporate number.")]
        if company.capital_jpy is None:
            errors["capital_jpy"] = [_("A corporation needs its capital.")]
    elif company.corporate_number:
        errors["corporate_number"] = [_("A sole proprietor has no corporate number; leave it empty.")]
    if errors:
        raise DjangoValidationError(errors)
    company.full_clean()


@transaction.atomic
def create_company(*, user: User, chamber: Chamber, **fields: Any) -> Company:
    """An SME user registers their company and becomes its owner; it awaits verification."""
    if user.role != User.Role.SME:
        raise ValidationFailed(_("Only SME members can register a company."))
    refuse_unknown_fields(fields, Company.EDITABLE_FIELDS)
    company = Company(chamber=chamber, **_normalized_company_fields(fields))
    _check_company(company)
    company.save()
    CompanyMembership.objects.create(user=user, company=company, role=CompanyMembership.Role.OWNER)
    record_creation(company, by=user)
    _notify_company_to_verify(company)
    return company


def _notify_company_to_verify(company: Company) -> None:
    """The admins of the company's chamber: a company waits for their verification."""
    notify(
        kind="company_to_verify",
        recipients=access.admins_of(company.chamber_id),
        event_key=f"company_to_verify:{company.pk}:{company.updated_at.isoformat()}",
        context={"company": company},
        link=links.console_company(company.pk),
    )


def _notify_company_decision(company: Company, kind: str, note: str) -> None:
    """The company's members: their chamber verified it, or could not."""
    notify(
        kind=kind,
        recipients=access.members_of(company.pk),
        event_key=f"{kind}:{company.pk}:{timezone.now().isoformat()}",
        context={"company": company.name, "chamber": company.chamber.name, "note": note},
        link=links.sme_company(),
    )


@transaction.atomic
def update_company(*, company: Company, user: User, **fields: Any) -> Company:
    """The owner edits the profile; changing the company's identity re-opens verification."""
    if not access.is_owner(user, company.pk):
        raise PermissionDenied(_("Only the company's owner can edit it."))
    refuse_unknown_fields(fields, Company.EDITABLE_FIELDS)
    company = Company.objects.select_for_update().get(pk=company.pk)
    before = {name: getattr(company, name) for name in Company.IDENTITY_FIELDS}
    for name, value in _normalized_company_fields(fields).items():
        setattr(company, name, value)
    if company.entity_type == Company.EntityType.SOLE_PROPRIETOR and "corporate_number" not in fields:
        company.corporate_number = ""
    _check_company(company)
    identity_changed = any(getattr(company, name) != value for name, value in before.items())
    company.save()
    if identity_changed and company.status != Company.Status.PENDING:
        transition(
            company,
            to=Company.Status.PENDING,
            by=user,
            note=_("Name, entity type or corporate number changed."),
        )
        _notify_company_to_verify(company)
    return company


def _ensure_admin_of(admin: User, company: Company) -> None:
    """A chamber admin acts only on their own chamber's companies; others see a 404."""
    access.ensure_admin_of(admin, company.chamber_id, _("Company not found."))


@transaction.atomic
def verify_company(*, company: Company, admin: User, note: str = "") -> Company:
    """pending -> verified by an admin of the company's chamber."""
    _ensure_admin_of(admin, company)
    transition(company, to=Company.Status.VERIFIED, by=admin, note=note)
    _notify_company_decision(company, "company_verified", note)
    return company


@transaction.atomic
def reject_company(*, company: Company, admin: User, note: str) -> Company:
    """pending -> rejected, with the reason recorded."""
    _ensure_admin_of(admin, company)
    require_reason(note, message=_("Give the reason for rejecting."))
    transition(company, to=Company.Status.REJECTED, by=admin, note=note)
    _notify_company_decision(company, "company_rejected", note)
    return company
