import datetime
import unicodedata
import uuid
from collections.abc import Iterable
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import invoice_registration
from accounts.prefectures import PREFECTURE_CHOICES

# RISS registrations within this many days of their renewal deadline are
# "renewal_due" (a product choice, DOMAIN.md).
RENEWAL_DUE_DAYS = 180


LISTED = Q(status="active", listed_in_directory=True)
# The person behind the profile can be reached: address confirmed, account not deactivated.
# Only such specialists are listed in the directory or proposed by the matching engine.
REACHABLE = Q(user__email_confirmed_at__isnull=False, user__is_active=True)


def skill_key(skill_id: int, level: int) -> int:
    """One number of `Specialist.skill_keys`: this skill at this level or above."""
    return skill_id * 8 + level


def skill_keys(levels: Iterable[tuple[int, int]]) -> list[int]:
    """The keys of every (skill, level) pair reached: a level-4 skill also reaches levels 1 to 3."""
    return sorted(skill_key(skill_id, reached) for skill_id, level in levels for reached in range(1, level + 1))


class RequestKind(models.TextChoices):
    """What an SME asks for; specialists say which kinds they accept."""

    ADVISOR = "advisor", _("Family-doctor advisor (monthly retainer)")
    SPOT = "spot", _("Face-to-face consultation")
    INCIDENT = "incident", _("Incident response and forensics")
    HIRE = "hire", _("New hire")


class Skill(models.Model):
    """A fixed taxonomy, loaded by a data migration; the slug is the public key."""

    slug = models.SlugField(unique=True, max_length=50)
    label_ja = models.CharField(max_length=100)
    label_en = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.slug

    def label(self, language: str) -> str:
        return self.label_ja if language.startswith("ja") else self.label_en


def is_not_fully_engaged(*, active_engagements: int, capacity: int) -> bool:
    """The directory's "has capacity" for one profile's values (SpecialistQuerySet.not_fully_engaged)."""
    return active_engagements < capacity


class SpecialistQuerySet(models.QuerySet["Specialist"]):
    """Reusable filters of the directory and the matching engine."""

    def listed(self) -> "SpecialistQuerySet":
        return self.filter(LISTED).reachable()

    def reachable(self) -> "SpecialistQuerySet":
        """Whose person confirmed their address and is not deactivated (REACHABLE)."""
        return self.filter(REACHABLE)

    def with_skill(self, skill_id: int, min_level: int = 1) -> "SpecialistQuerySet":
        return self.filter(
            Exists(SpecialistSkill.objects.filter(specialist=OuterRef("pk"), skill_id=skill_id, level__gte=min_level))
        )

    def with_all_skills(self, skill_ids: list[int], min_level: int = 1) -> "SpecialistQuerySet":
        """Every one of the skills at min_level or above.

        PostgreSQL tests `skill_keys` for containment on its GIN index: counting the first
        1,001 of 100,000 profiles with two skills took ~5 ms that way and ~25 ms by joining
        the skill table twice, which hashed every holder of either skill (bench/directory.py).
        """
        if connection.vendor == "postgresql":
            return self.filter(skill_keys__contains=[skill_key(pk, min_level) for pk in dict.fromkeys(skill_ids)])
        qs = self
        for skill_id in dict.fromkeys(skill_ids):
            qs = qs.with_skill(skill_id, min_level)
        return qs

    def travelling_to(self, prefecture: str) -> "SpecialistQuerySet":
        """Onsite reach: the specialist works onsite and travels to the prefecture."""
        return self.filter(
            Q(onsite_ok=True),
            Exists(TravelPrefecture.objects.filter(specialist=OuterRef("pk"), prefecture=prefecture)),
        )

    def with_certification(self, kind: str, today: datetime.date | None = None) -> "SpecialistQuerySet":
        """Holds a certification of this kind that counts (verified and not lapsed)."""
        return self.filter(Exists(Certification.objects.counting(today).filter(specialist=OuterRef("pk"), kind=kind)))

    def accepting(self, kind: str) -> "SpecialistQuerySet":
        return self.filter(**{f"accepts_{kind}": True})

    def not_fully_engaged(self) -> "SpecialistQuerySet":
        """Fewer active engagements than their capacity: the directory's cheap "has capacity"
        (one column comparison). It ignores undecided proposals, which also hold a unit each;
        what a specialist can still take is matching.capacity.remaining. The same rule on one
        row's values: `is_not_fully_engaged`."""
        return self.filter(active_engagements__lt=models.F("capacity"))

    def matching_text(self, text: str) -> "SpecialistQuerySet":
        """Free text over name, bio and skill labels (ja and en), every word required."""
        qs = self
        for word in unicodedata.normalize("NFKC", text).lower().split()[:8]:
            qs = qs.filter(search_text__contains=word)
        return qs


class Specialist(models.Model):
    """A security specialist's profile (1:1 with a specialist user)."""

    class EntityType(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual (sole proprietor)")
        CORPORATION = "corporation", _("Corporation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.PENDING, Status.ACTIVE},
        Status.PENDING: {Status.ACTIVE},
        Status.ACTIVE: {Status.SUSPENDED},
        Status.SUSPENDED: {Status.ACTIVE},
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="specialist")
    display_name = models.CharField(_("display name"), max_length=100)
    bio = models.TextField(_("bio"), blank=True, default="", max_length=4000)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=PREFECTURE_CHOICES, blank=True)
    remote_ok = models.BooleanField(_("remote work"), default=True)
    onsite_ok = models.BooleanField(_("onsite work"), default=False)
    accepts_advisor = models.BooleanField(default=True)
    accepts_spot = models.BooleanField(default=True)
    accepts_incident = models.BooleanField(default=False)
    accepts_hire = models.BooleanField(default=False)
    hourly_rate_jpy = models.PositiveIntegerField(
        _("hourly rate (JPY)"), default=0, validators=[MaxValueValidator(10_000_000)]
    )
    monthly_retainer_jpy = models.PositiveIntegerField(
        _("monthly retainer (JPY)"), default=0, validators=[MaxValueValidator(100_000_000)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity (concurrent engagements)"), default=2, validators=[MaxValueValidator(50)]
    )
    active_engagements = models.PositiveSmallIntegerField(default=0, editable=False)
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours per month"), default=20, validators=[MaxValueValidator(744)]
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), default=0, validators=[MaxValueValidator(80)]
    )
    listed_in_directory = models.BooleanField(_("listed in the directory"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    rating = models.FloatField(_("rating"), null=True, blank=True, editable=False)
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    # Conflicts of interest, shown to SMEs and admins.
    vendor_affiliations = models.TextField(_("vendor affiliations"), blank=True, default="", max_length=2000)
    resale_commissions = models.TextField(_("resale commissions"), blank=True, default="", max_length=2000)
    # Contact details are personal data: self, chamber admins and engaged companies only.
    legal_name = models.CharField(_("legal name"), max_length=100, blank=True, default="")
    contact_email = models.EmailField(_("contact email"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    # Who issues the invoice to the SME (ADR 0011): an individual or a corporation, and the
    # qualified-invoice registration number if registered (blank: tax-exempt, a plain invoice).
    entity_type = models.CharField(
        _("business form"), max_length=12, choices=EntityType.choices, default=EntityType.INDIVIDUAL
    )
    invoice_registration_number = models.CharField(
        _("qualified-invoice registration number"),
        max_length=14,
        blank=True,
        default="",
        help_text=_("T and 13 digits; blank if not registered (a tax-exempt business)."),
    )
    # Lower-cased name, bio and skill labels (ja and en): the free-text search column.
    search_text = models.TextField(default="", editable=False)
    # `skill_keys` of the profile's skill levels: the directory's all-of-skills filter. Both
    # search columns are kept by talent.services.refresh_search_columns.
    skill_keys = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpecialistQuerySet.as_manager()

    class Meta:
        verbose_name = _("specialist")
        verbose_name_plural = _("specialists")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__lte=50), name="specialist_capacity_bounded"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="specialist_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(invoice_registration_number="") | Q(invoice_registration_number__regex=r"^T[0-9]{13}$"),
                name="specialist_registration_number_format",
            ),
        ]
        # The directory reads only listed, active profiles: partial indexes in its sort
        # orders let a page stop after LIMIT rows, and count(*) scan a narrow index.
        # The default order (rating DESC NULLS LAST, id) has its index in migration
        # 0003, PostgreSQL only: SQLite refuses NULLS LAST in an index.
        indexes = [
            models.Index(fields=["hourly_rate_jpy", "id"], name="spec_dir_rate_idx", condition=LISTED),
            models.Index(fields=["years_experience", "id"], name="spec_dir_years_idx", condition=LISTED),
            # Covers every column filter, so counts and filtered scans never read the wide rows.
            models.Index(
                fields=["prefecture", "id"],
                include=[
                    "remote_ok",
                    "onsite_ok",
                    "accepts_advisor",
                    "accepts_spot",
                    "accepts_incident",
                    "accepts_hire",
                    "hourly_rate_jpy",
                    "capacity",
                    "active_engagements",
                    "years_experience",
                    "rating",
                ],
                name="spec_dir_cover_idx",
                condition=LISTED,
            ),
            # The console's bank list, in its two orders (by name; newest/oldest): a page reads
            # LIMIT rows of the index instead of sorting the whole bank.
            models.Index(fields=["display_name", "id"], name="spec_console_name_idx"),
            models.Index(fields=["created_at", "id"], name="spec_console_created_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def request_kinds(self) -> list[str]:
        return [kind for kind in RequestKind.values if getattr(self, f"accepts_{kind}")]

    @property
    def email(self) -> str:
        return self.contact_email or self.user.email

    @property
    def is_individual(self) -> bool:
        return self.entity_type == self.EntityType.INDIVIDUAL

    def clean(self) -> None:
        """The registration number as `T` + 13 digits; a corporation's digits are its 法人番号
        (check digit verified): accounts.invoice_registration holds the rule."""
        if self.invoice_registration_number:
            try:
                self.invoice_registration_number = invoice_registration.normalize(
                    self.invoice_registration_number, corporation=not self.is_individual
                )
            except ValidationError as exc:
                raise ValidationError({"invoice_registration_number": exc.messages}) from exc


class SpecialistSkill(models.Model):
    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        constraints = [
            models.UniqueConstraint(fields=["specialist", "skill"], name="unique_specialist_skill"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="skill_level_1_to_5"),
        ]
        indexes = [models.Index(fields=["skill", "level", "specialist"], name="skill_level_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.skill_id}:{self.level}"


class TravelPrefecture(models.Model):
    """A prefecture the specialist travels to for onsite work."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="travel")
    prefecture = models.CharField(max_length=2, choices=PREFECTURE_CHOICES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["specialist", "prefecture"], name="unique_travel_prefecture")]
        indexes = [models.Index(fields=["prefecture", "specialist"], name="travel_lookup_idx")]

    def __str__(self) -> str:
        return self.prefecture


class CertificationQuerySet(models.QuerySet["Certification"]):
    def counting(self, today: datetime.date | None = None) -> "CertificationQuerySet":
        """Verified and not lapsed: the only certifications that count anywhere.

        The deadline is checked here too, so a registration counts as lapsed the day
        after its deadline even before the daily validity task has run.
        """
        today = today or timezone.localdate()
        return (
            self.filter(status=Certification.Status.VERIFIED)
            .exclude(validity=Certification.Validity.LAPSED)
            .exclude(renewal_deadline__lt=today)
        )


class Certification(models.Model):
    class Kind(models.TextChoices):
        RISS = "riss", _("Registered Information Security Specialist (RISS)")
        SG = "sg", _("Information Security Management Examination (SG)")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    class Validity(models.TextChoices):
        ACTIVE = "active", _("Active")
        RENEWAL_DUE = "renewal_due", _("Renewal due")
        LAPSED = "lapsed", _("Lapsed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.VERIFIED, Status.REJECTED},
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True, default="")
    number = models.CharField(_("number"), max_length=50, blank=True, default="")
    issued_on = models.DateField(_("registered or passed on"))
    renewal_deadline = models.DateField(_("renewal deadline"), null=True, blank=True)
    training_years = models.JSONField(_("training years"), default=list, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/", max_length=200)
    evidence_content_type = models.CharField(max_length=50)
    evidence_name = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    validity = models.CharField(_("validity"), max_length=12, choices=Validity.choices, default=Validity.ACTIVE)
    warnings = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="riss") | Q(renewal_deadline__isnull=False, number__regex=r"^[0-9]{6}$"),
                name="riss_has_number_and_deadline",
            ),
            models.CheckConstraint(condition=~Q(kind="other") | ~Q(name=""), name="other_certification_named"),
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=Q(kind="riss") & ~Q(status="rejected"),
                name="unique_live_riss_number",
                violation_error_message=_("This RISS registration number is already registered."),
            ),
        ]
        indexes = [
            models.Index(fields=["specialist", "kind", "status"], name="cert_lookup_idx"),
            # "Holds a counting credential of kind K" reads only this index.
            models.Index(
                fields=["kind", "specialist"],
                include=["validity", "renewal_deadline"],
                name="cert_counting_idx",
                condition=Q(status="verified"),
            ),
            # The console's queues: credentials to review, oldest first (the dashboard's count and
            # oldest, the list and its count read this small index only) ...
            models.Index(fields=["created_at", "id"], name="cert_pending_idx", condition=Q(status="pending")),
            # ... and the verified registrations by renewal deadline (renewal due, lapsed).
            models.Index(
                fields=["renewal_deadline", "id"],
                include=["validity"],
                name="cert_verified_deadline_idx",
                condition=Q(status="verified"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}".strip()

    @property
    def riss_verify_url(self) -> str:
        """IPA's public registry page for chamber admins to check by eye (never scraped)."""
        return f"https://riss.ipa.go.jp/r?r={self.number}" if self.kind == self.Kind.RISS else ""

    def counts(self, today: datetime.date | None = None) -> bool:
        """The row-level twin of `CertificationQuerySet.counting()`: verified and not lapsed,
        the deadline checked too (before the daily task has marked it)."""
        today = today or timezone.localdate()
        return (
            self.status == self.Status.VERIFIED
            and self.validity != self.Validity.LAPSED
            and self.validity_on(today) != self.Validity.LAPSED
        )

    def validity_on(self, today: datetime.date) -> str:
        if self.kind != self.Kind.RISS or self.renewal_deadline is None:
            return self.Validity.ACTIVE
        if today > self.renewal_deadline:
            return self.Validity.LAPSED
        if (self.renewal_deadline - today).days <= RENEWAL_DUE_DAYS:
            return self.Validity.RENEWAL_DUE
        return self.Validity.ACTIVE
