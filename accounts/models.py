import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import invoice_registration
from accounts import size_class as sizing
from accounts.prefectures import PREFECTURE_CHOICES

# PostgreSQL bigint: anything larger must be a 400, not a DataError.
MAX_BIGINT = 2**63 - 1


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email; one role. Operators are Django staff."""

    class Role(models.TextChoices):
        SPECIALIST = "specialist", _("Specialist")
        SME = "sme", _("SME member")
        CHAMBER_ADMIN = "chamber_admin", _("Chamber admin")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    chamber = models.ForeignKey(
        "accounts.Chamber",
        verbose_name=_("chamber"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admins",
        help_text=_("The chamber a chamber admin belongs to."),
    )

    class Language(models.TextChoices):
        JA = "ja", "日本語"
        EN = "en", "English"

    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        default=Language.JA,
        help_text=_("Messages and emails to this user are in this language."),
    )
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    # Set when the person followed the confirmation link (or accepted an invitation, or reset
    # their password: both prove the mailbox). Until then an SME cannot publish and a
    # specialist is neither listed nor proposed.
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    # Set when a chamber admin, an owner or an operator deactivated the account (is_active is
    # then False); an invited person who has not accepted yet is inactive with this empty.
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name", "role"]
    # What a user changes about themselves (accounts.services.update_me and the API's `me/`).
    SELF_EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = ("name", "language")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="chamber_admin") | Q(chamber__isnull=False),
                name="chamber_admin_has_chamber",
            ),
            models.CheckConstraint(
                condition=Q(role="chamber_admin") | Q(chamber__isnull=True),
                name="only_chamber_admin_has_chamber",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_chamber_admin(self) -> bool:
        return self.role == self.Role.CHAMBER_ADMIN and self.is_active

    @property
    def is_email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class Chamber(models.Model):
    """A support organisation (商工会議所 / 商工会) in the network."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=PREFECTURE_CHOICES)
    # How long a specialist has to answer an approved proposal (a chamber setting).
    proposal_response_hours = models.PositiveSmallIntegerField(
        _("hours to answer a proposal"), default=7 * 24, validators=[MinValueValidator(1), MaxValueValidator(60 * 24)]
    )
    incident_response_hours = models.PositiveSmallIntegerField(
        _("hours to answer an incident proposal"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(14 * 24)],
    )
    # What the chamber keeps of each payment, as Stripe's application fee (1000 = 10 %).
    platform_fee_bps = models.PositiveSmallIntegerField(
        _("platform fee (basis points)"),
        default=1000,
        validators=[MaxValueValidator(5000)],
        help_text=_("1000 = 10 %; applied to invoices when they are issued."),
    )
    # The chamber invoices specialists for its fee (ADR 0011): a qualified invoice needs its own
    # registration number (T + its 法人番号); blank until recorded, and then no fee invoice says
    # it is qualified.
    invoice_registration_number = models.CharField(
        _("qualified-invoice registration number"),
        max_length=14,
        blank=True,
        default="",
        help_text=_("T and the chamber's corporate number (13 digits)."),
        validators=[invoice_registration.validate_corporation_number],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chamber")
        verbose_name_plural = _("chambers")
        ordering = ["prefecture", "name"]

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    """The SME: a corporation (with a 法人番号) or a sole proprietor (without)."""

    class EntityType(models.TextChoices):
        CORPORATION = "corporation", _("Corporation")
        SOLE_PROPRIETOR = "sole_proprietor", _("Sole proprietor")

    class Industry(models.TextChoices):
        MANUFACTURING = "manufacturing", _("Manufacturing, construction, transport")
        WHOLESALE = "wholesale", _("Wholesale")
        RETAIL = "retail", _("Retail (including restaurants)")
        SERVICES = "services", _("Services")
        OTHER = "other", _("Other")

    class SecurityAction(models.TextChoices):
        NONE = "none", _("None")
        ONE_STAR = "one_star", _("SECURITY ACTION one star")
        TWO_STARS = "two_stars", _("SECURITY ACTION two stars")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.VERIFIED, Status.REJECTED},
        Status.VERIFIED: {Status.PENDING},
        Status.REJECTED: {Status.PENDING},
    }
    # What an SME owner fills in and edits. The chamber is chosen once, at registration;
    # `status` moves only through the services. accounts.services accepts exactly these
    # and the API's company serializers are built from them.
    EDITABLE_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "name",
            "entity_type",
            "corporate_number",
            "industry",
            "capital_jpy",
            "employees",
            "prefecture",
            "city",
            "security_action",
        }
    )
    SET_ONCE_FIELDS: ClassVar[frozenset[str]] = frozenset({"chamber"})
    # Changing who the company is sends a verified company back for verification.
    IDENTITY_FIELDS: ClassVar[frozenset[str]] = frozenset({"name", "entity_type", "corporate_number"})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    entity_type = models.CharField(_("entity type"), max_length=20, choices=EntityType.choices)
    corporate_number = models.CharField(_("corporate number"), max_length=13, blank=True, default="")
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    capital_jpy = models.BigIntegerField(
        _("capital (JPY)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BIGINT)],
    )
    employees = models.PositiveIntegerField(_("regular employees"), validators=[MaxValueValidator(1_000_000)])
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=PREFECTURE_CHOICES)
    city = models.CharField(_("city"), max_length=100, blank=True, default="")
    security_action = models.CharField(
        _("SECURITY ACTION"), max_length=10, choices=SecurityAction.choices, default=SecurityAction.NONE
    )
    chamber = models.ForeignKey(Chamber, verbose_name=_("chamber"), on_delete=models.PROTECT, related_name="companies")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="CompanyMembership", related_name="companies")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~Q(corporate_number=""),
                name="unique_corporate_number",
                violation_error_message=_("A company with this corporate number is already registered."),
            ),
            models.CheckConstraint(
                condition=(Q(entity_type="corporation") & Q(corporate_number__regex=r"^[1-9][0-9]{12}$"))
                | (Q(entity_type="sole_proprietor") & Q(corporate_number="")),
                name="corporate_number_matches_entity_type",
            ),
            models.CheckConstraint(
                condition=Q(capital_jpy__isnull=True) | Q(capital_jpy__gte=0), name="capital_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["chamber", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def size(self) -> sizing.SizeClass:
        capital = None if self.entity_type == self.EntityType.SOLE_PROPRIETOR else self.capital_jpy
        return sizing.classify(industry=self.industry, employees=self.employees, capital_jpy=capital)

    @property
    def size_class(self) -> str:
        return self.size.size_class


class CompanyMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")
        # A 社会保険労務士 acting for the company on its subsidy cases, and on nothing else.
        LABOUR_ATTORNEY = "labour_attorney", _("Labour and social security attorney (社労士)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company membership")
        verbose_name_plural = _("company memberships")
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.role})"


class Invitation(models.Model):
    """An invitation to sign in for the first time: to the talent bank (a specialist), to a
    chamber's staff (an admin), or to a company (an owner, a member or its 社労士).

    The token is shown once, in the mail; only its SHA-256 is kept. It works once, until
    `expires_at`; a resend replaces the token and the expiry; a revoked one never works.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=User.Role.choices)
    chamber = models.ForeignKey(
        Chamber, verbose_name=_("chamber"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    company_role = models.CharField(
        _("role in the company"), max_length=20, choices=CompanyMembership.Role.choices, blank=True, default=""
    )
    # Empty for an operator's CSV import run from the command line.
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=True, company_role="")
                | Q(company__isnull=False, role="sme") & ~Q(company_role=""),
                name="invitation_company_has_role",
            ),
            models.CheckConstraint(
                condition=~Q(role="chamber_admin") | Q(chamber__isnull=False), name="invitation_admin_has_chamber"
            ),
        ]
        indexes = [models.Index(fields=["email"], name="invitation_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING
