"""Hiring-subsidy paperwork: programs as versioned data, cases the SME owns, documents.

Legal boundary (社労士法27条): preparing or filing employment-subsidy applications for
others for a fee is reserved to 社会保険労務士. The company owns and files its case (or a
社労士 it names acts for it); chamber admins read, review documents and advise, never file.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Chamber, Company
from matching.models import Engagement


class SubsidyProgram(models.Model):
    """One version of a program: rules, amounts, milestones, deadlines and documents as data.

    A program supports a hire (the hiring subsidies: the company records the authority's
    decision), or covers a share of an incident engagement's invoices (a chamber's own
    co-pay or 見舞金 fund: the amount is computed from the paid invoices, subsidies.costs, and
    the chamber decides and pays it).
    """

    class Kind(models.TextChoices):
        HIRE = "hire", _("Hiring subsidy")
        INCIDENT_COST = "incident_cost", _("Support for incident costs")

    class AmountKind(models.TextChoices):
        PER_MONTH = "per_month", _("Per month")
        PER_PERIOD = "per_period", _("Per period")
        RATE_WITH_CAP = "rate_with_cap", _("Rate with a cap")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.HIRE)
    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    name_ja = models.CharField(_("name (ja)"), max_length=200)
    name_en = models.CharField(_("name (en)"), max_length=200)
    authority = models.CharField(_("authority"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    description_ja = models.TextField(_("description (ja)"), blank=True, default="", max_length=8000)
    description_en = models.TextField(_("description (en)"), blank=True, default="", max_length=8000)
    chamber = models.ForeignKey(
        Chamber,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_programs",
        help_text=_("A chamber's own program, visible to its companies; empty: open to all."),
    )
    is_illustrative = models.BooleanField(_("illustrative (demo)"), default=False)
    amount_kind = models.CharField(_("amount kind"), max_length=15, choices=AmountKind.choices)
    amount_jpy = models.PositiveIntegerField(_("amount (JPY)"), null=True, blank=True)
    rate_percent = models.PositiveSmallIntegerField(
        _("rate (%)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    cap_jpy = models.PositiveIntegerField(_("cap (JPY)"), null=True, blank=True)
    floor_jpy = models.PositiveIntegerField(
        _("floor (JPY)"),
        null=True,
        blank=True,
        help_text=_("Eligible costs below this are not supported (incident-cost programs)."),
    )
    cost_categories = models.JSONField(
        _("eligible cost categories"), default=list, blank=True, help_text=_("What an invoice may have paid for.")
    )
    opens_on = models.DateField(_("applications open on"), null=True, blank=True)
    closes_on = models.DateField(_("applications close on"), null=True, blank=True)
    has_plan = models.BooleanField(_("needs a plan filed first"), default=False)
    periods = models.PositiveSmallIntegerField(
        _("number of periods"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    rules = models.JSONField(_("eligibility rules"), default=dict, blank=True)
    deadline_rules = models.JSONField(_("deadline rules"), default=list, blank=True)
    required_documents = models.JSONField(_("required documents per stage"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subsidy program")
        verbose_name_plural = _("subsidy programs")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_program_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(is_current=True), name="one_current_program_version"),
            models.CheckConstraint(condition=Q(periods__gte=1, periods__lte=12), name="program_periods_1_to_12"),
        ]

    def __str__(self) -> str:
        return f"{self.name_ja} (v{self.version})"

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_ja

    @property
    def is_decided_by_chamber(self) -> bool:
        """The chamber reviews, decides and pays it (not an authority the company reports on)."""
        return self.kind == self.Kind.INCIDENT_COST

    @property
    def engagement_kinds(self) -> list[str]:
        """The engagements a case of this program opens on."""
        if self.kind == self.Kind.HIRE:
            return ["hire"]
        return list((self.rules or {}).get("engagement_kinds") or ["incident"])


class SubsidyCase(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PLAN_SUBMITTED = "plan_submitted", _("Plan submitted")
        PLAN_CERTIFIED = "plan_certified", _("Plan certified")
        IN_PROGRESS = "in_progress", _("In progress")
        PERIOD_ENDED = "period_ended", _("Period ended")
        COLLECTING_DOCUMENTS = "collecting_documents", _("Collecting documents")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
        GRANTED = "granted", _("Granted")
        PAID = "paid", _("Paid")
        NOT_PAID = "not_paid", _("Not paid")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Referral(models.TextChoices):
        HELLO_WORK = "hello_work", _("Public employment office (Hello Work)")
        LICENSED_AGENCY = "licensed_agency", _("Licensed placement agency")
        MARKETPLACE = "marketplace", _("This marketplace (no placement fee)")
        OTHER = "other", _("Other")

    # Stages before the claim is filed: a deadline can still expire the case.
    OPEN_BEFORE_FILING = (
        "draft",
        "plan_submitted",
        "plan_certified",
        "in_progress",
        "period_ended",
        "collecting_documents",
    )
    # The order of the stages, for "has the case reached X by its deadline".
    ORDER: ClassVar[list[str]] = [
        "draft",
        "plan_submitted",
        "plan_certified",
        "in_progress",
        "period_ended",
        "collecting_documents",
        "submitted",
        "under_review",
        "correction_requested",
        "granted",
        "paid",
        "not_paid",
    ]
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        # draft -> collecting_documents: an incident-cost case has no plan or period to wait for
        # (subsidies.services refuses it for a hire).
        Status.DRAFT: {
            Status.PLAN_SUBMITTED,
            Status.IN_PROGRESS,
            Status.COLLECTING_DOCUMENTS,
            Status.EXPIRED,
            Status.WITHDRAWN,
        },
        Status.PLAN_SUBMITTED: {Status.PLAN_CERTIFIED, Status.EXPIRED, Status.WITHDRAWN},
        Status.PLAN_CERTIFIED: {Status.IN_PROGRESS, Status.EXPIRED, Status.WITHDRAWN},
        Status.IN_PROGRESS: {Status.PERIOD_ENDED, Status.EXPIRED, Status.WITHDRAWN},
        Status.PERIOD_ENDED: {Status.COLLECTING_DOCUMENTS, Status.EXPIRED, Status.WITHDRAWN},
        Status.COLLECTING_DOCUMENTS: {Status.SUBMITTED, Status.EXPIRED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.UNDER_REVIEW, Status.WITHDRAWN},
        # granted: the chamber decided the amount of its own program, paid once it transfers it.
        Status.UNDER_REVIEW: {Status.CORRECTION_REQUESTED, Status.GRANTED, Status.PAID, Status.NOT_PAID},
        Status.GRANTED: {Status.PAID},
        Status.CORRECTION_REQUESTED: {Status.UNDER_REVIEW, Status.WITHDRAWN},
        # A chamber admin may reopen an expired case, with the reason recorded.
        Status.EXPIRED: {Status.COLLECTING_DOCUMENTS},
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="subsidy_cases")
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="subsidy_cases")
    program = models.ForeignKey(SubsidyProgram, on_delete=models.PROTECT, related_name="cases")
    period = models.PositiveSmallIntegerField(_("period"), default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_period")
    labour_attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The 社労士 acting for the company, if any."),
    )
    status = models.CharField(_("status"), max_length=25, choices=Status.choices, default=Status.DRAFT)
    referral = models.CharField(_("how the hire was referred"), max_length=20, choices=Referral.choices, blank=True)
    declarations = models.JSONField(_("declarations"), default=dict, blank=True)
    milestones = models.JSONField(_("milestone dates"), default=dict, blank=True)
    authority_reference = models.CharField(_("authority reference"), max_length=100, blank=True, default="")
    decided_amount_jpy = models.PositiveIntegerField(_("decided amount (JPY)"), null=True, blank=True)
    # Incident-cost programs: what each invoice paid for ({invoice id: cost category}), the
    # chamber's decision and its payment to the company (outside Stripe).
    cost_categories = models.JSONField(_("what each invoice paid for"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reasons for the decision"), blank=True, default="", max_length=4000)
    paid_amount_jpy = models.PositiveIntegerField(_("amount paid (JPY)"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subsidy case")
        verbose_name_plural = _("subsidy cases")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "program", "period"], name="one_case_per_period"),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="subsidy_case_company_idx"),
            models.Index(fields=["status"], name="subsidy_case_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} #{self.period} ({self.status})"


class DocumentType(models.TextChoices):
    """Paperwork that recurs in hiring subsidies. There is deliberately no My Number type."""

    APPLICATION_FORM = "application_form", _("Application form (支給申請書)")
    ELIGIBILITY_STATEMENT = "eligibility_statement", _("Statement of eligibility (支給要件確認申立書)")
    PAYMENT_DETAILS = "payment_details", _("Payment details (支払方法・受取人住所届)")
    EMPLOYMENT_CONTRACT = "employment_contract", _("Employment contract / notice of terms (雇用契約書・労働条件通知書)")
    ATTENDANCE = "attendance", _("Attendance records (出勤簿・タイムカード)")
    WAGE_LEDGER = "wage_ledger", _("Wage ledger (賃金台帳)")
    WORKER_REGISTER = "worker_register", _("Worker register (労働者名簿)")
    WORK_RULES = "work_rules", _("Work rules (就業規則)")
    PLAN = "plan", _("Plan (計画書)")
    INVOICE_COPY = "invoice_copy", _("Copies of the invoices (請求書の写し)")
    PAYMENT_PROOF = "payment_proof", _("Proof of payment (振込記録)")
    INCIDENT_REPORT = "incident_report", _("Incident report (事故報告書)")
    OTHER = "other", _("Other")


class SubsidyDocument(models.Model):
    """One version of one document of a case. Newer versions keep the older ones."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        ACCEPTED = "accepted", _("Accepted")
        NEEDS_FIX = "needs_fix", _("Needs a fix")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.UPLOADED: {Status.ACCEPTED, Status.NEEDS_FIX},
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(SubsidyCase, on_delete=models.PROTECT, related_name="documents")
    document_type = models.CharField(_("document type"), max_length=30, choices=DocumentType.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    file = models.FileField(_("file"), upload_to="subsidies/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=50)
    name = models.CharField(_("file name"), max_length=200, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("review"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    comment = models.TextField(_("review comment"), blank=True, default="", max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subsidy document")
        verbose_name_plural = _("subsidy documents")
        ordering = ["document_type", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "document_type", "version"], name="unique_document_version"),
        ]

    def __str__(self) -> str:
        return f"{self.document_type} v{self.version}"


class CaseComment(models.Model):
    """Advice on a case: chamber admins comment, the company and its 社労士 answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(SubsidyCase, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case comment")
        verbose_name_plural = _("case comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]
