import datetime
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Chamber, Company
from incidents.categories import IncidentCategory
from matching import reasons
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
    # An incident request may say what happened: specialists who handled that category of
    # incident before score higher (matching.scoring, component incident_history).
    incident_category = models.CharField(
        _("incident category"), max_length=30, choices=IncidentCategory.choices, blank=True, default=""
    )
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
            models.CheckConstraint(
                condition=Q(incident_category="") | Q(kind="incident"), name="incident_category_only_on_incidents"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "company"], name="request_status_idx"),
            # The console dashboard's queue of open incident requests (count, oldest).
            models.Index(
                fields=["company", "published_at"],
                condition=Q(kind="incident", status="open"),
                name="request_incident_open_idx",
            ),
        ]

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
    # running -> running is a re-delivery after a worker died: the retry is claimed and recorded.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.RUNNING, Status.SUCCEEDED, Status.FAILED},
    }

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
    # Refreshed by the executing worker every MATCHING_HEARTBEAT_SECONDS; a running run whose
    # heartbeat stopped lost its worker and is sent again (services.requeue_stalled_runs).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
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
    # Undecided proposals: each holds one unit of the specialist's capacity until decided.
    HOLDING = ("pending_review", "approved", "accepted")
    # At most one of these per (request, specialist): a selected one stands for its engagement.
    LIVE = (*HOLDING, "selected")
    # Never propose this pair again.
    REFUSED = ("rejected", "declined")
    # The SME sees candidates who said yes, and how its choice ended.
    VISIBLE_TO_SME = ("accepted", "selected", "not_selected")
    # The specialist sees what reached them: from approval on (an expiry only if it had reached them).
    VISIBLE_TO_SPECIALIST = ("approved", "accepted", "declined", "selected", "not_selected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of their own: (run, request, specialist), (request, status) and (specialist,
    # status) below lead with them, and every index slows the match run's bulk write.
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals", db_index=False)
    request = models.ForeignKey(AdvisorRequest, on_delete=models.CASCADE, related_name="proposals", db_index=False)
    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="proposals", db_index=False)
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(1000)])
    breakdown = models.JSONField(default=dict)
    # What the reasons say (matching.reasons renders them in ja and en when read).
    facts = models.JSONField(default=dict)
    rank = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING_REVIEW)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        _("answer by"), null=True, blank=True, help_text=_("Set on approval; the proposal expires if unanswered.")
    )
    declaration = models.TextField(
        _("conflict-of-interest declaration"),
        blank=True,
        default="",
        max_length=4000,
        help_text=_("Any relationship with the company or vendors it would recommend; empty: none."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["request", "rank", "id"]
        constraints = [
            # A run proposes a pair once.
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
            models.Index(fields=["expires_at"], condition=Q(status="approved"), name="proposal_expiry_idx"),
            # The console's queue of proposals to review (the dashboard's count and oldest, the
            # list's filter): only the waiting ones, whatever the history of past runs.
            models.Index(
                fields=["request", "created_at"], condition=Q(status="pending_review"), name="proposal_review_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} -> {self.specialist_id} ({self.score})"

    @property
    def reasons(self) -> dict[str, list[str]]:
        """Why this specialist was proposed, in ja and en."""
        return reasons.render(self.breakdown, self.facts)

    @classmethod
    def visible_to_specialist(cls) -> Q:
        return Q(status__in=cls.VISIBLE_TO_SPECIALIST) | Q(status=cls.Status.EXPIRED, expires_at__isnull=False)


class Engagement(models.Model):
    """Working together: the terms the SME stated on selection (Freelance Act Art. 3), or a hire."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    class FeeBasis(models.TextChoices):
        MONTHLY = "monthly", _("Monthly retainer")
        HOURLY = "hourly", _("Hourly rate x hours")
        FIXED = "fixed", _("Fixed fee")

    class PaymentMethod(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD = "card", _("Card")

    class Closing(models.TextChoices):
        """How a retainer's service is cut into invoiced periods (ADR 0011)."""

        MONTH_END = "month_end", _("Calendar months, closed at each month's end")
        ANNIVERSARY = "anniversary", _("Monthly periods from the service start")

    class TaxTreatment(models.TextChoices):
        INCLUSIVE = "inclusive", _("Consumption tax included")
        EXCLUSIVE = "exclusive", _("Consumption tax added")

    class TerminationException(models.TextChoices):
        """Art. 16 exceptions to the 30-day notice (施行規則 第4条, summarised)."""

        DISASTER = "disaster", _("A disaster or other unavoidable event makes the work impossible")
        GRAVE_FAULT = "grave_fault", _("A grave fault of the specialist")
        CLIENT_PROJECT_ENDED = "client_project_ended", _("The client's own contract with its customer ended abruptly")
        SHORT_TERM = "short_term", _("Agreed for 30 days or less")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.ACTIVE: {Status.COMPLETED, Status.TERMINATED},
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(AdvisorRequest, on_delete=models.PROTECT, related_name="engagements")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="engagement")
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="engagements")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="engagements")
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    # Terms for advisor / spot / incident work (Freelance Act Art. 3 items).
    scope = models.TextField(_("scope of work"), blank=True, default="", max_length=4000)
    fee_basis = models.CharField(_("fee basis"), max_length=10, choices=FeeBasis.choices, blank=True, default="")
    fee_jpy = models.PositiveIntegerField(_("fee (JPY)"), null=True, blank=True)
    hours_per_month = models.PositiveSmallIntegerField(_("hours per month"), null=True, blank=True)
    service_start = models.DateField(_("service starts"), null=True, blank=True)
    service_end = models.DateField(_("service ends"), null=True, blank=True)
    payment_due_days = models.PositiveSmallIntegerField(
        _("payment due (days after the service is received)"), null=True, blank=True
    )
    payment_method = models.CharField(
        _("payment method"), max_length=15, choices=PaymentMethod.choices, blank=True, default=""
    )
    # The closing rule and tax treatment are terms like the fee (ADR 0011): the invoices follow them.
    closing = models.CharField(_("closing"), max_length=12, choices=Closing.choices, default=Closing.MONTH_END)
    tax_treatment = models.CharField(
        _("consumption tax"), max_length=10, choices=TaxTreatment.choices, default=TaxTreatment.INCLUSIVE
    )
    # Income tax withheld by the SME (所得税法204条): whether this work falls under it is for a tax
    # accountant to decide, so it is off unless the terms turn it on; individuals only.
    withholding = models.BooleanField(_("income tax withheld"), default=False)
    stated_on = models.DateField(_("terms stated on"), default=timezone.localdate)
    # A hire is employment: labour law, never a fee (no placement fee: 職業安定法).
    employment_type = models.CharField(
        _("employment type"), max_length=10, choices=AdvisorRequest.EmploymentType.choices, blank=True, default=""
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    weekly_hours = models.PositiveSmallIntegerField(_("weekly hours"), null=True, blank=True)
    annual_salary_jpy = models.PositiveIntegerField(_("annual salary (JPY)"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    # Notice of ending, given ahead of the end date (Art. 16: 30 days for long engagements).
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    end_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.TextField(_("reason for ending"), blank=True, default="", max_length=4000)
    end_exception = models.CharField(
        _("notice exception"), max_length=25, choices=TerminationException.choices, blank=True, default=""
    )
    notice_given_on = models.DateField(_("notice given on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-created_at", "id"]
        constraints = [
            # Freelance Act Art. 4: paid at most 60 days after the service is received.
            models.CheckConstraint(
                condition=Q(payment_due_days__isnull=True) | Q(payment_due_days__lte=60),
                name="engagement_payment_within_60_days",
            ),
            # No placement fee on a hire; a hire carries its employment terms.
            models.CheckConstraint(
                condition=~Q(kind="hire")
                | (Q(fee_jpy__isnull=True) & ~Q(employment_type="") & Q(hire_date__isnull=False)),
                name="hire_has_no_fee",
            ),
            models.CheckConstraint(
                condition=Q(kind="hire")
                | (~Q(fee_basis="") & Q(fee_jpy__isnull=False) & Q(service_start__isnull=False)),
                name="service_has_fee_and_start",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="engagement_company_idx"),
            models.Index(fields=["specialist", "status"], name="engagement_specialist_idx"),
            models.Index(fields=["ends_on"], condition=Q(status="active"), name="engagement_ends_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} x {self.specialist_id}"

    @property
    def is_hire(self) -> bool:
        return self.kind == RequestKind.HIRE

    @property
    def is_continuous(self) -> bool:
        """Paid by the month or open-ended: continuing work in the Act's sense."""
        return self.fee_basis == self.FeeBasis.MONTHLY or (not self.is_hire and self.service_end is None)


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
