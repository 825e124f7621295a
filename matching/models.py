import datetime
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Chamber, Company
from talent.models import RequestKind, Skill, Specialist

# APPI (個人情報保護法) leak reports, counted from when the business became aware:
# a preliminary report promptly (about 3-5 days in the PPC guidelines) and a final
# report within 30 days, 60 when the leak was caused deliberately (施行規則 第8条).
APPI_PRELIMINARY_DAYS = 5
APPI_FINAL_DAYS = 30
APPI_FINAL_DAYS_DELIBERATE = 60


class AdvisorRequest(models.Model):
    """What an SME asks for: an advisor, a consultation, incident help or a hire."""

    class CertificationRequirement(models.TextChoices):
        RISS = "riss", _("RISS")
        SG = "sg", _("SG")
        ANY = "any", _("RISS or SG")
        NONE = "none", _("None")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", _("Full-time")
        PART_TIME = "part_time", _("Part-time")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        FILLED = "filled", _("Filled")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.OPEN, Status.CANCELLED},
        Status.OPEN: {Status.FILLED, Status.CANCELLED, Status.EXPIRED},
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="requests")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="", max_length=8000)
    required_certification = models.CharField(
        _("required certification"), max_length=4, choices=CertificationRequirement.choices, default="none"
    )
    onsite_required = models.BooleanField(_("onsite required"), default=False)
    remote_ok = models.BooleanField(_("remote is fine"), default=True)
    budget_jpy = models.PositiveIntegerField(
        _("budget (JPY)"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000_000)]
    )
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours per month"), default=0, validators=[MaxValueValidator(744)]
    )
    start_date = models.DateField(_("start date"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    slots = models.PositiveSmallIntegerField(
        _("candidates to propose"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    employment_type = models.CharField(
        _("employment type"), max_length=10, choices=EmploymentType.choices, blank=True, default=""
    )
    # Incident requests: a personal-data leak starts the APPI reporting clocks.
    personal_data_leak = models.BooleanField(_("personal-data leak"), default=False)
    leak_deliberate = models.BooleanField(_("leak caused deliberately"), default=False)
    aware_at = models.DateTimeField(_("became aware at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(slots__gte=1, slots__lte=10), name="request_slots_1_to_10"),
            models.CheckConstraint(condition=Q(budget_jpy__gte=1), name="request_budget_positive"),
            models.CheckConstraint(
                condition=~Q(personal_data_leak=True) | Q(kind="incident", aware_at__isnull=False),
                name="leak_is_an_incident_with_awareness_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "company"], name="request_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT or self.personal_data_leak

    def appi_deadlines(self) -> dict[str, datetime.datetime] | None:
        if not (self.personal_data_leak and self.aware_at):
            return None
        final_days = APPI_FINAL_DAYS_DELIBERATE if self.leak_deliberate else APPI_FINAL_DAYS
        return {
            "preliminary_due": self.aware_at + datetime.timedelta(days=APPI_PRELIMINARY_DAYS),
            "final_due": self.aware_at + datetime.timedelta(days=final_days),
        }


class RequiredSkill(models.Model):
    request = models.ForeignKey(AdvisorRequest, on_delete=models.CASCADE, related_name="required_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    min_level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "skill"], name="unique_required_skill"),
            models.CheckConstraint(condition=Q(min_level__gte=1, min_level__lte=5), name="min_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.skill_id}>={self.min_level}"


class MatchRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    LIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chamber = models.ForeignKey(Chamber, on_delete=models.PROTECT, related_name="match_runs")
    request = models.ForeignKey(
        AdvisorRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="match_runs"
    )
    parameters = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    stats = models.JSONField(default=dict)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        ordering = ["-created_at", "id"]
        constraints = [
            # Two live runs in one chamber could hand the same specialist more
            # proposals than their capacity: one at a time.
            models.UniqueConstraint(
                fields=["chamber"],
                condition=Q(status__in=["queued", "running"]),
                name="one_live_run_per_chamber",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"run {self.id} ({self.status})"


class Proposal(models.Model):
    class Status(models.TextChoices):
        PENDING_REVIEW = "pending_review", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")
        EXPIRED = "expired", _("Expired")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING_REVIEW: {Status.APPROVED, Status.REJECTED, Status.EXPIRED},
        Status.APPROVED: {Status.ACCEPTED, Status.DECLINED, Status.EXPIRED},
        Status.ACCEPTED: {Status.SELECTED, Status.NOT_SELECTED, Status.EXPIRED},
    }
    LIVE = ("pending_review", "approved", "accepted", "selected")
    # Never propose this pair again.
    REFUSED = ("rejected", "declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    request = models.ForeignKey(AdvisorRequest, on_delete=models.CASCADE, related_name="proposals")
    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="proposals")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(1000)])
    breakdown = models.JSONField(default=dict)
    reasons = models.JSONField(default=dict)
    rank = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING_REVIEW)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["request", "rank", "id"]
        constraints = [
            # A retried or re-delivered run writes the same rows: conflicts are ignored.
            models.UniqueConstraint(fields=["run", "request", "specialist"], name="unique_proposal_per_run"),
            models.UniqueConstraint(
                fields=["request", "specialist"],
                condition=Q(status__in=["pending_review", "approved", "accepted", "selected"]),
                name="one_live_proposal_per_pair",
            ),
            models.CheckConstraint(condition=Q(score__lte=1000), name="proposal_score_0_to_1000"),
        ]
        indexes = [
            models.Index(fields=["specialist", "status"], name="proposal_specialist_idx"),
            models.Index(fields=["request", "status"], name="proposal_request_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} -> {self.specialist_id} ({self.score})"


class Engagement(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.ACTIVE: {Status.COMPLETED, Status.TERMINATED},
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(AdvisorRequest, on_delete=models.PROTECT, related_name="engagements")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="engagement")
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="engagements")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="engagements")
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    terms = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["company", "status"], name="engagement_company_idx"),
            models.Index(fields=["specialist", "status"], name="engagement_specialist_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} x {self.specialist_id}"


class Review(models.Model):
    """The SME rates an engagement 1-5: once when it ends, or once a month for an advisor."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True, default="", max_length=4000)
    period = models.DateField(help_text=_("First day of the month reviewed, or the end date."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "period"], name="one_review_per_period"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id}: {self.rating}"
