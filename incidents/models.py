"""Incident reports written after an incident engagement, and what of them is shared.

The report itself is private: the SME and its specialist write it, and only they (and
operators) read it; what was lost and what it cost only the SME. Members learn of it
through a separate de-identified projection (`SharedIncident`), never the report: the
chamber as author, the TLP label the SME chose, the attack's technical details, the victim
by coarse attributes only (industry bucket, region, size class), free text stripped of
what identifies it (incidents.deidentify). The SME previews that very row and approves it;
the chamber's admin shares it; anyone of them withdraws it. (The model is J-CSIP's: the hub
removes what identifies the provider and shares only after the provider approves.)
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Chamber, Company
from incidents.categories import IncidentCategory, Tlp
from incidents.regions import REGION_CHOICES
from matching.models import Engagement


class IncidentReport(models.Model):
    """What happened, written by the SME and its specialist after the engagement (private)."""

    # Fields the engagement's specialist writes too; the rest (losses, the TLP label, the
    # victim's own hosts) are the company's alone.
    TECHNICAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "title",
            "category",
            "occurred_on",
            "discovered_on",
            "summary",
            "what_worked",
            "hashes",
            "domains",
            "ips",
            "email_senders",
            "techniques",
        }
    )
    COMPANY_FIELDS: ClassVar[frozenset[str]] = frozenset({"tlp", "victim_domains", "victim_ips", "losses", "loss_jpy"})
    # What the projection reads: a change to one of these after approval needs a new one.
    SHARED_FROM: ClassVar[frozenset[str]] = TECHNICAL_FIELDS | {"tlp", "victim_domains", "victim_ips"}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.OneToOneField(Engagement, on_delete=models.PROTECT, related_name="incident_report")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="incident_reports")
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=IncidentCategory.choices)
    occurred_on = models.DateField(_("happened on"))
    discovered_on = models.DateField(_("found on"))
    summary = models.TextField(_("what happened"), blank=True, default="", max_length=8000)
    what_worked = models.TextField(_("what worked"), blank=True, default="", max_length=4000)
    # The attacker's technical indicators.
    hashes = models.JSONField(_("file hashes"), default=list, blank=True)
    domains = models.JSONField(_("domains"), default=list, blank=True)
    ips = models.JSONField(_("IP addresses"), default=list, blank=True)
    email_senders = models.JSONField(_("e-mail senders"), default=list, blank=True)
    techniques = models.JSONField(_("ATT&CK techniques"), default=list, blank=True)
    # The victim's own hosts and addresses: never shared, stripped wherever they appear.
    victim_domains = models.JSONField(_("our own domains"), default=list, blank=True)
    victim_ips = models.JSONField(_("our own IP addresses and networks"), default=list, blank=True)
    tlp = models.CharField(_("TLP label"), max_length=15, choices=Tlp.choices, default=Tlp.AMBER)
    # Private: what was lost and what it cost (被害内容, confidential under METI's model NDA).
    losses = models.TextField(_("what was lost"), blank=True, default="", max_length=4000)
    loss_jpy = models.PositiveBigIntegerField(
        _("what it cost (JPY)"), null=True, blank=True, validators=[MaxValueValidator(10**12)]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discovered_on__gte=F("occurred_on")), name="incident_found_after_it_happened"
            ),
            models.CheckConstraint(
                condition=Q(loss_jpy__isnull=True) | Q(loss_jpy__lte=10**12), name="incident_loss_bounded"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SharedIncident(models.Model):
    """The de-identified projection of one report: the only thing members ever read of it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DEIDENTIFIED = "deidentified", _("De-identified")
        APPROVED = "approved", _("Approved by the company")
        SHARED = "shared", _("Shared")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.DEIDENTIFIED, Status.WITHDRAWN},
        # A change to the report sends a projection back to draft, to be de-identified again.
        Status.DEIDENTIFIED: {Status.DEIDENTIFIED, Status.APPROVED, Status.DRAFT, Status.WITHDRAWN},
        Status.APPROVED: {Status.SHARED, Status.DRAFT, Status.WITHDRAWN},
        Status.SHARED: {Status.WITHDRAWN},
    }
    # The company may still change what will be shared (and de-identify it again).
    BEFORE_APPROVAL = ("draft", "deidentified")
    # The chamber's admins see these of their chamber (to publish, or what they published).
    FOR_ADMINS = ("approved", "shared")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.OneToOneField(IncidentReport, on_delete=models.PROTECT, related_name="shared")
    # The author members see: the chamber, never the victim.
    chamber = models.ForeignKey(Chamber, on_delete=models.PROTECT, related_name="shared_incidents")
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    tlp = models.CharField(_("TLP label"), max_length=15, choices=Tlp.choices)
    category = models.CharField(_("category"), max_length=30, choices=IncidentCategory.choices)
    title = models.CharField(_("title"), max_length=200, blank=True, default="")
    summary = models.TextField(_("what happened"), blank=True, default="")
    what_worked = models.TextField(_("what worked"), blank=True, default="")
    indicators = models.JSONField(_("indicators"), default=dict, blank=True)
    # The victim, coarsely: months, not days; a region, not a prefecture.
    occurred_month = models.DateField(_("month it happened"), null=True, blank=True)
    discovered_month = models.DateField(_("month it was found"), null=True, blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Company.Industry.choices, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=REGION_CHOICES, blank=True)
    size_class = models.CharField(_("size class"), max_length=15, blank=True, default="")
    # SHA-256 of the shared fields when de-identified: the SME approves exactly what it saw.
    digest = models.CharField(max_length=64, blank=True, default="")
    # TLP:AMBER goes to these member organisations only (the chamber's admin names them).
    recipients = models.ManyToManyField(Company, blank=True, related_name="+", verbose_name=_("recipients"))
    deidentified_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shared incident")
        verbose_name_plural = _("shared incidents")
        ordering = ["-shared_at", "-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"]) | ~Q(digest=""),
                name="shared_incident_has_digest_once_deidentified",
            ),
            models.CheckConstraint(
                condition=~Q(status="shared") | Q(shared_at__isnull=False), name="shared_incident_has_shared_at"
            ),
        ]
        indexes = [models.Index(fields=["chamber", "status"], name="shared_incident_chamber_idx")]

    def __str__(self) -> str:
        return f"{self.category} ({self.status})"


class SharingPolicy(models.Model):
    """A chamber's disclosure-control settings for the aggregates it publishes."""

    chamber = models.OneToOneField(Chamber, on_delete=models.CASCADE, primary_key=True, related_name="+")
    k_threshold = models.PositiveSmallIntegerField(
        _("organisations per published cell (k)"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
    )
    dominance_percent = models.PositiveSmallIntegerField(
        _("largest share of a loss total (%)"),
        default=80,
        validators=[MinValueValidator(50), MaxValueValidator(99)],
        help_text=_("A loss total is not published where one organisation is over this share of it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("incident sharing policy")
        verbose_name_plural = _("incident sharing policies")
        constraints = [
            models.CheckConstraint(condition=Q(k_threshold__gte=2, k_threshold__lte=50), name="sharing_k_2_to_50"),
            models.CheckConstraint(
                condition=Q(dominance_percent__gte=50, dominance_percent__lte=99), name="sharing_dominance_50_to_99"
            ),
        ]

    def __str__(self) -> str:
        return f"k={self.k_threshold}"
