"""An SME's self-diagnosis (IPA's 25 items, our paraphrase), its sheets, and the ★★ basic policy."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Company
from diagnosis.scoring import Form
from matching.models import AdvisorRequest

# With "don't know" at -1 a total can fall below 0: 25 items x -1 at worst; 25 x 4 at best.
LOWEST_TOTAL, HIGHEST_TOTAL = -25, 100


class Questionnaire(models.Model):
    """One published version of the questionnaire, loaded from diagnosis/questionnaire.py by a
    data migration and never edited (a change is a new version)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.CharField(_("version"), max_length=20, unique=True)
    published_on = models.DateField(_("published on"))
    data = models.JSONField(_("questionnaire data"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-published_on", "-version"]

    def __str__(self) -> str:
        return self.version

    @property
    def form(self) -> Form:
        return Form(self.data)


class Diagnosis(models.Model):
    """A company's diagnosis on one questionnaire version; every past one is kept for the trend.

    Completing it freezes its sheets and stores the rolled-up total and band, so the trend and
    the chamber's band counts read columns, not answers.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {Status.IN_PROGRESS: {Status.COMPLETED}}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="diagnoses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="diagnoses")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    total = models.SmallIntegerField(_("total"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=20, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("self-diagnosis")
        verbose_name_plural = _("self-diagnoses")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=LOWEST_TOTAL, total__lte=HIGHEST_TOTAL),
                name="diagnosis_total_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress", total__isnull=True, completed_at__isnull=True, band="")
                | Q(status="completed", total__isnull=False, completed_at__isnull=False) & ~Q(band=""),
                name="diagnosis_completed_has_result",
            ),
        ]
        indexes = [models.Index(fields=["company", "status", "-completed_at"], name="diagnosis_company_idx")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.created_at:%Y-%m-%d}"


class Sheet(models.Model):
    """One site's or department's answers ({item id: answer}); the company's result rolls them up."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="sheets")
    label = models.CharField(_("site or department"), max_length=100)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("diagnosis sheet")
        verbose_name_plural = _("diagnosis sheets")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["diagnosis", "label"], name="unique_sheet_label")]

    def __str__(self) -> str:
        return self.label


class RequestDraft(models.Model):
    """A request drafted from a diagnosis, with the items the SME chose to share (and only those)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.PROTECT, related_name="request_drafts")
    request = models.OneToOneField(AdvisorRequest, on_delete=models.CASCADE, related_name="diagnosis_draft")
    shared_items = models.JSONField(_("shared items"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request drafted from a diagnosis")
        verbose_name_plural = _("requests drafted from diagnoses")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return str(self.request_id)


class BasicPolicy(models.Model):
    """A version of the company's written basic security policy (情報セキュリティ基本方針), the
    second step of SECURITY ACTION ★★, and where it is published. Stored privately like every
    upload; the public copy is the company's own page at `public_url`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="basic_policies")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    file = models.FileField(_("file"), upload_to="policies/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=50)
    name = models.CharField(_("file name"), max_length=200, blank=True, default="")
    public_url = models.URLField(
        _("public URL"),
        max_length=500,
        blank=True,
        default="",
        validators=[URLValidator(schemes=["https", "http"])],
        help_text=_("The page where the company publishes its basic policy."),
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("basic security policy")
        verbose_name_plural = _("basic security policies")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["company", "version"], name="unique_policy_version")]

    def __str__(self) -> str:
        return f"{self.company_id} v{self.version}"
