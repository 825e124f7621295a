"""Reads for the self-diagnosis, scoped to who may see them.

A diagnosis is the company's own: only its full members (owner, member) read it — not its
chamber's admins, not operators through the API (they have Django admin), not its 社労士.
A chamber admin reads only counts of its member companies' bands, with small cells
suppressed (`band_counts_for_chamber`). Out of reach is a 404 (accounts.access).
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.models import Chamber, Company, User
from diagnosis.models import BasicPolicy, Diagnosis, Questionnaire, Sheet
from diagnosis.questionnaire import CURRENT_VERSION, VERSIONS
from diagnosis.scoring import Form, Score, roll_up, score
from marketplace.errors import NotFound, get_or_not_found

# A published count covers at least this many companies (DOMAIN.md: k = 5).
SMALLEST_CELL = 5


def current_questionnaire() -> Questionnaire:
    """The version new diagnoses are answered on (loaded by the data migration)."""
    return Questionnaire.objects.get(version=CURRENT_VERSION)


def questionnaire_by_version(version: str) -> Questionnaire:
    try:
        return Questionnaire.objects.get(version=version)
    except Questionnaire.DoesNotExist as exc:
        raise NotFound(_("Questionnaire not found.")) from exc


def companies_diagnosed_by(user: User | AnonymousUser) -> QuerySet[Company]:
    """The companies whose diagnoses `user` reads and writes: those they are a full member of."""
    actor = access.active_user(user)
    if actor is None or actor.role != User.Role.SME:
        return Company.objects.none()
    return Company.objects.filter(access.member_filter("", actor)).distinct()


def access_company(user: User | AnonymousUser, company_id: uuid.UUID | str) -> Company:
    return get_or_not_found(companies_diagnosed_by(user), company_id, _("Company not found."))


_SHEETS = Prefetch("sheets", queryset=Sheet.objects.order_by("created_at", "id"))


def diagnoses_visible_to(user: User | AnonymousUser) -> QuerySet[Diagnosis]:
    actor = access.active_user(user)
    if actor is None or actor.role != User.Role.SME:
        return Diagnosis.objects.none()
    return (
        Diagnosis.objects.filter(access.member_filter("company", actor))
        .distinct()
        .select_related("questionnaire", "company")
        .prefetch_related(_SHEETS)
    )


def access_diagnosis(user: User | AnonymousUser, diagnosis_id: uuid.UUID | str) -> Diagnosis:
    return get_or_not_found(diagnoses_visible_to(user), diagnosis_id, _("Diagnosis not found."))


def access_sheet(user: User | AnonymousUser, diagnosis_id: uuid.UUID | str, sheet_id: uuid.UUID | str) -> Sheet:
    diagnosis = access_diagnosis(user, diagnosis_id)
    for sheet in diagnosis.sheets.all():
        if str(sheet.pk) == str(sheet_id):
            sheet.diagnosis = diagnosis
            return sheet
    raise NotFound(_("Sheet not found."))


def diagnoses_of(user: User | AnonymousUser, company: Company) -> QuerySet[Diagnosis]:
    """The company's diagnoses, newest first, with their sheet counts (one query a page)."""
    if not companies_diagnosed_by(user).filter(pk=company.pk).exists():
        raise NotFound(_("Company not found."))
    return (
        Diagnosis.objects.filter(company=company)
        .select_related("questionnaire")
        .annotate(sheet_count=Count("sheets"))
        .order_by("-created_at", "id")
    )


@dataclass(frozen=True)
class TrendPoint:
    diagnosis_id: uuid.UUID
    completed_at: datetime.datetime
    version: str
    total: int
    band: str


def diagnosis_trend(user: User | AnonymousUser, company: Company) -> list[TrendPoint]:
    """The company's completed diagnoses, oldest first, with their totals: the trend (one query)."""
    rows = (
        diagnoses_of(user, company)
        .filter(status=Diagnosis.Status.COMPLETED)
        .order_by("completed_at", "id")
        .values_list("pk", "completed_at", "questionnaire__version", "total", "band")
    )
    # Completed diagnoses always have both (a database constraint).
    return [
        TrendPoint(diagnosis_id=pk, completed_at=at, version=version, total=total, band=band)
        for pk, at, version, total, band in rows
        if at is not None and total is not None
    ]


@dataclass(frozen=True)
class SheetResult:
    sheet: Sheet
    score: Score


@dataclass(frozen=True)
class DiagnosisResult:
    """The company's result (the sheets rolled up, scoring.roll_up) and each sheet's own."""

    form: Form
    company: Score
    sheets: list[SheetResult]


def result_of(diagnosis: Diagnosis) -> DiagnosisResult:
    """Computed from the (prefetched) sheets: no query when they came with the diagnosis."""
    form = diagnosis.questionnaire.form
    sheets = list(diagnosis.sheets.all())
    return DiagnosisResult(
        form=form,
        company=score(form, roll_up(form, [sheet.answers for sheet in sheets])),
        sheets=[SheetResult(sheet=sheet, score=score(form, sheet.answers)) for sheet in sheets],
    )


def latest_basic_policy(user: User | AnonymousUser, company: Company) -> BasicPolicy | None:
    if not companies_diagnosed_by(user).filter(pk=company.pk).exists():
        raise NotFound(_("Company not found."))
    return BasicPolicy.objects.filter(company=company).order_by("-version").first()


# Said with every readiness check: ★★ is declared by the company itself, never granted by us.
READINESS_NOTE = gettext_lazy(
    "SECURITY ACTION is a self-declaration the company makes on IPA's site; "
    "this check lists the steps and certifies nothing."
)


@dataclass(frozen=True)
class ReadinessCheck:
    check: str  # "diagnosis" | "basic_policy" | "publication"
    done: bool
    message: str


@dataclass(frozen=True)
class Readiness:
    """What SECURITY ACTION ★★ asks for, checked; a self-declaration the company makes to IPA
    itself, never a certification we grant."""

    checks: list[ReadinessCheck]

    @property
    def ready(self) -> bool:
        return all(check.done for check in self.checks)

    @property
    def missing(self) -> list[str]:
        return [check.check for check in self.checks if not check.done]


def two_star_readiness(user: User | AnonymousUser, company: Company) -> Readiness:
    """The three steps of ★★: a completed self-diagnosis, a basic policy uploaded, its public URL."""
    policy = latest_basic_policy(user, company)
    diagnosed = Diagnosis.objects.filter(company=company, status=Diagnosis.Status.COMPLETED).exists()
    return Readiness(
        checks=[
            ReadinessCheck(
                "diagnosis",
                diagnosed,
                _("A self-diagnosis is completed.") if diagnosed else _("Complete a self-diagnosis (all 25 items)."),
            ),
            ReadinessCheck(
                "basic_policy",
                policy is not None,
                _("A basic security policy is uploaded.")
                if policy
                else _("Write a basic security policy and upload it."),
            ),
            ReadinessCheck(
                "publication",
                bool(policy and policy.public_url),
                _("The basic policy is published at its public URL.")
                if policy and policy.public_url
                else _("Publish the basic policy (for example on your website) and give its URL."),
            ),
        ]
    )


@dataclass(frozen=True)
class BandCell:
    band: str
    count: int | None  # None: fewer than SMALLEST_CELL companies (or needed to hide one that is)


@dataclass(frozen=True)
class BandCounts:
    chamber: Chamber
    cells: list[BandCell]
    companies: int | None


def _suppress(counts: dict[str, int], total: int) -> tuple[dict[str, int | None], int | None]:
    """Primary suppression of every cell under SMALLEST_CELL (zero too: "nobody is at risk" is a
    disclosure); when only one cell is hidden and the total is shown, the next smallest is hidden
    as well, so the hidden one cannot be recovered by subtraction."""
    shown_total = total if total >= SMALLEST_CELL else None
    cells: dict[str, int | None] = {band: (count if count >= SMALLEST_CELL else None) for band, count in counts.items()}
    hidden = [band for band, count in cells.items() if count is None]
    if shown_total is not None and len(hidden) == 1:
        visible = sorted((count, band) for band, count in cells.items() if count is not None)
        if visible:
            cells[visible[0][1]] = None
    return cells, shown_total


def band_counts_for_chamber(user: User | AnonymousUser, chamber_id: uuid.UUID | str) -> BandCounts:
    """How many of the chamber's companies fall in each band by their latest completed diagnosis,
    cells under SMALLEST_CELL suppressed. Chamber admins of that chamber and operators; two queries."""
    chamber = get_or_not_found(Chamber.objects.all(), chamber_id, _("Chamber not found."))
    if not access.administers(user, chamber.pk):
        raise NotFound(_("Chamber not found."))
    latest_band = (
        Diagnosis.objects.filter(company=OuterRef("pk"), status=Diagnosis.Status.COMPLETED)
        .order_by("-completed_at", "-id")
        .values("band")[:1]
    )
    rows: Any = (
        Company.objects.filter(chamber=chamber)
        .annotate(latest_band=Subquery(latest_band))
        .filter(latest_band__isnull=False)
        .values("latest_band")
        .annotate(companies=Count("pk"))
        .order_by()
    )
    found = {row["latest_band"]: row["companies"] for row in rows}
    # Band keys are stable across versions; the current version's data names them (no query).
    bands = [band["band"] for band in VERSIONS[CURRENT_VERSION]["bands"]]
    counts = {band: found.get(band, 0) for band in bands}
    cells, total = _suppress(counts, sum(found.values()))
    return BandCounts(chamber=chamber, cells=[BandCell(band, cells[band]) for band in bands], companies=total)
