"""Set-based loading into numpy arrays, and the hard constraints of a match.

A handful of `values_list` queries load every open request and every active
specialist of a run; no model instances are built (~17 µs a row) and no query is
issued per row. Hard constraints are then vector operations over all specialists,
one request at a time.
"""

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Case, Exists, FloatField, IntegerField, OuterRef, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from accounts.models import CompanyMembership
from incidents.categories import IncidentCategory
from incidents.models import IncidentReport
from marketplace import bulk
from matching import capacity
from matching.models import AdvisorRequest, MatchRun, Proposal, RequiredSkill
from talent.models import Certification, RequestKind, Skill, Specialist, SpecialistSkill, TravelPrefecture

KINDS: list[str] = [RequestKind.ADVISOR, RequestKind.SPOT, RequestKind.INCIDENT, RequestKind.HIRE]
INDUSTRIES = ["manufacturing", "wholesale", "retail", "services", "other"]
INDUSTRY_BITS = {name: 1 << bit for bit, name in enumerate(INDUSTRIES)}
INCIDENT_CATEGORIES: list[str] = list(IncidentCategory.values)


@dataclass
class SpecialistPool:
    ids: np.ndarray  # sorted bulk.UUID values; `id_at(i)` gives one back
    accepts: np.ndarray  # (4, M) bool, in KINDS order
    remote_ok: np.ndarray
    onsite_ok: np.ndarray
    hourly: np.ndarray
    monthly: np.ndarray
    quota: np.ndarray  # proposals this run may still give each specialist
    availability: np.ndarray  # 1 - active / capacity
    rating: np.ndarray  # NaN when unrated
    prefecture: np.ndarray  # JIS code as int, 0 when unknown
    travel_mask: np.ndarray  # bit p set when the specialist travels to prefecture p
    industry_mask: np.ndarray
    levels: np.ndarray  # (K, M) uint8, skill level per specialist
    has_riss: np.ndarray
    has_sg: np.ndarray
    user_ids: np.ndarray  # bulk.UUID, in pool order
    handled: np.ndarray  # (len(INCIDENT_CATEGORIES), M) incident reports per category of their engagements
    derived: dict[str, np.ndarray] = field(default_factory=dict)  # computed once per pool (scoring)

    @property
    def size(self) -> int:
        return int(self.ids.size)

    def id_at(self, i: int) -> uuid.UUID:
        return bulk.as_uuid(self.ids[i])

    def positions(self, ids: Iterable[uuid.UUID]) -> np.ndarray:
        """Pool index of each specialist id; -1 for one outside the pool."""
        return bulk.positions(self.ids, ids)


@dataclass
class RequestBatch:
    ids: list[uuid.UUID]
    kind: np.ndarray  # index into KINDS
    certification: list[str]
    onsite_required: np.ndarray
    remote_ok: np.ndarray
    budget: np.ndarray
    prefecture: np.ndarray
    industry_bit: np.ndarray
    urgent: np.ndarray
    slots: np.ndarray  # slots still open in this run
    skills: list[list[tuple[int, int]]]  # (skill row, min level)
    excluded: list[np.ndarray]  # specialist indices this request must not get
    incident_category: np.ndarray  # index into INCIDENT_CATEGORIES, -1 when the request names none

    @property
    def size(self) -> int:
        return len(self.ids)

    @functools.cached_property
    def skill_matrix(self) -> np.ndarray:
        """(requests, most skills asked) level-matrix rows of each request's skills; -1 pads."""
        width = max((len(items) for items in self.skills), default=0)
        rows = np.full((self.size, max(width, 1)), -1, dtype=np.int64)
        for position, items in enumerate(self.skills):
            rows[position, : len(items)] = [row for row, _level in items]
        return rows


def open_requests(run: MatchRun) -> QuerySet[AdvisorRequest]:
    qs = AdvisorRequest.objects.filter(status=AdvisorRequest.Status.OPEN, company__chamber_id=run.chamber_id)
    if run.request_id:
        qs = qs.filter(pk=run.request_id)
    return qs


def prefiltered_ids(request: AdvisorRequest) -> np.ndarray:
    """`prefiltered`, evaluated once: the ids (`bulk.UUID`, sorted) every later read narrows to."""
    return bulk.columns(prefiltered(request).order_by().values_list("id"), [bulk.UUID], sort=True)[0]


def prefiltered(request: AdvisorRequest) -> QuerySet[Specialist]:
    """The active specialists who may pass `ConstraintChecker` for this one request, found with
    the database's indexes (skill and level, travel, certification) instead of reading the
    whole bank. A superset: capacity is checked only against active engagements here, and the
    checker, run over what this returns, stays the one judge of every constraint."""
    qs = (
        Specialist.objects.filter(status=Specialist.Status.ACTIVE)
        .reachable()
        .accepting(request.kind)
        .not_fully_engaged()
    )
    for item in request.required_skills.all():
        qs = qs.with_skill(item.skill_id, item.min_level)
    certification = request.required_certification
    if certification in ("riss", "sg"):
        qs = qs.with_certification(certification)
    elif certification == "any":
        counting = Certification.objects.counting().filter(specialist=OuterRef("pk"), kind__in=["riss", "sg"])
        qs = qs.filter(Exists(counting))
    travels = Q(onsite_ok=True) & Exists(
        TravelPrefecture.objects.filter(specialist=OuterRef("pk"), prefecture=request.company.prefecture)
    )
    qs = qs.filter(travels if request.onsite_required else Q(remote_ok=True) | travels)
    if request.kind == RequestKind.ADVISOR:
        qs = qs.filter(monthly_retainer_jpy__lte=request.budget_jpy)
    elif request.kind in (RequestKind.SPOT, RequestKind.INCIDENT):
        qs = qs.filter(hourly_rate_jpy__lte=request.budget_jpy)
    return qs


def skill_rows() -> dict[int, int]:
    """Skill id -> row in the level matrix."""
    return {pk: row for row, pk in enumerate(Skill.objects.order_by("id").values_list("id", flat=True))}


def _industry_mask() -> Any:
    """Bit i set when the specialist's industries name INDUSTRIES[i]. PostgreSQL tests the
    jsonb list with its containment operator; elsewhere the list's JSON text (annotated as
    `_industries`) is searched, five text scans that cost PostgreSQL 0.4 s at 100k rows."""
    lookup = "industries__contains" if connection.vendor == "postgresql" else "_industries__contains"
    return sum(
        (
            Case(
                When(**{lookup: [name] if lookup == "industries__contains" else f'"{name}"'}, then=Value(bit)),
                default=Value(0),
            )
            for name, bit in INDUSTRY_BITS.items()
        ),
        Value(0),
    )


def _in_pool(ids: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool positions of the owners that are in the pool, and which owners those are."""
    at = bulk.find(ids, owners)
    keep = at >= 0
    return at[keep], keep


def load_specialists(run: MatchRun, skills: dict[int, int], subset: np.ndarray | None = None) -> SpecialistPool:
    """Every active specialist (or those whose `bulk.UUID` ids are `subset`) as columns: one
    COPY read per table."""
    active = Specialist.objects.filter(status=Specialist.Status.ACTIVE).reachable()
    if subset is not None:
        active = active.filter(pk__in=bulk.id_set(subset))
    (
        ids,
        user_ids,
        advisor,
        spot,
        incident,
        hire,
        remote_ok,
        onsite_ok,
        hourly,
        monthly,
        rating,
        prefecture,
        industries,
    ) = bulk.columns(
        active.order_by()
        .annotate(
            _industries=Cast("industries", TextField()),
            _rating=Coalesce("rating", Value(-1.0), output_field=FloatField()),
            _prefecture=Coalesce(Cast(NullIf("prefecture", Value("")), IntegerField()), Value(0)),
        )
        .annotate(_industry_mask=_industry_mask())
        .values_list(
            "id",
            "user_id",
            "accepts_advisor",
            "accepts_spot",
            "accepts_incident",
            "accepts_hire",
            "remote_ok",
            "onsite_ok",
            "hourly_rate_jpy",
            "monthly_retainer_jpy",
            "_rating",
            "_prefecture",
            "_industry_mask",
        ),
        [bulk.UUID, bulk.UUID, bool, bool, bool, bool, bool, bool, np.int64, np.int64, np.float64, np.int64, np.int64],
        sort=True,
    )
    count = ids.size
    # Capacity left after active engagements and undecided proposals of other runs
    # (matching.capacity).
    units = capacity.remaining_columns(exclude_run=run.pk, within=subset)
    at = np.searchsorted(units.ids, ids)
    caps, engaged = units.capacity[at], units.active[at]
    pool = SpecialistPool(
        ids=ids,
        accepts=np.stack([advisor, spot, incident, hire]) if count else np.zeros((4, 0), dtype=bool),
        remote_ok=remote_ok,
        onsite_ok=onsite_ok,
        hourly=hourly,
        monthly=monthly,
        quota=units.left[at],
        availability=np.where(caps > 0, 1 - engaged / np.maximum(caps, 1), 0.0),
        rating=np.where(rating < 0, np.nan, rating),
        prefecture=prefecture,
        travel_mask=np.zeros(count, dtype=np.int64),
        industry_mask=industries,
        levels=np.zeros((len(skills), count), dtype=np.uint8),
        has_riss=np.zeros(count, dtype=bool),
        has_sg=np.zeros(count, dtype=bool),
        user_ids=user_ids,
        handled=np.zeros((len(INCIDENT_CATEGORIES), count), dtype=np.int64),
    )
    # Every row of the bank (or of the subset): rows of inactive specialists are dropped here,
    # which measured cheaper than joining each table to the specialists' status.
    within: dict[str, Any] = {} if subset is None else {"specialist_id__in": bulk.id_set(subset)}
    owner, skill, level = bulk.columns(
        SpecialistSkill.objects.filter(**within).values_list("specialist_id", "skill_id", "level"),
        [bulk.UUID, np.int64, np.int64],
    )
    at, keep = _in_pool(ids, owner)
    rows = np.zeros(max(skills, default=0) + 1, dtype=np.int64)
    rows[list(skills)] = list(skills.values())
    pool.levels[rows[skill[keep]], at] = level[keep]
    owner, prefecture_code = bulk.columns(
        TravelPrefecture.objects.filter(**within).values_list("specialist_id", Cast("prefecture", IntegerField())),
        [bulk.UUID, np.int64],
    )
    at, keep = _in_pool(ids, owner)
    np.bitwise_or.at(pool.travel_mask, at, np.left_shift(1, prefecture_code[keep]))
    owner, riss = bulk.columns(
        Certification.objects.counting(timezone.localdate())
        .filter(kind__in=["riss", "sg"], **within)
        .annotate(_riss=Case(When(kind="riss", then=Value(True)), default=Value(False)))
        .values_list("specialist_id", "_riss"),
        [bulk.UUID, bool],
    )
    at, keep = _in_pool(ids, owner)
    pool.has_riss[at[riss[keep]]] = True
    pool.has_sg[at[~riss[keep]]] = True
    # Incidents each handled before, by category: one row per report of their engagements.
    reports = IncidentReport.objects.filter(**{f"engagement__{key}": value for key, value in within.items()})
    owner, category = bulk.columns(
        reports.values_list("engagement__specialist_id", _code("category", INCIDENT_CATEGORIES)),
        [bulk.UUID, np.int64],
    )
    at, keep = _in_pool(ids, owner)
    known = category[keep] >= 0
    np.add.at(pool.handled, (category[keep][known], at[known]), 1)
    return pool


CERTIFICATIONS: list[str] = list(AdvisorRequest.CertificationRequirement.values)


def _code(field: str, values: list[str]) -> Any:
    """Position of the field's value in `values` (-1 for another value), as portable SQL."""
    return Case(*(When(**{field: value}, then=Value(i)) for i, value in enumerate(values)), default=Value(-1))


def load_requests(run: MatchRun, pool: SpecialistPool, skills: dict[int, int]) -> RequestBatch:
    """The run's open requests as columns, like the specialists: one COPY read per table."""
    requests = open_requests(run)
    (
        ids,
        kind,
        certification,
        onsite_required,
        remote_ok,
        budget,
        prefecture,
        industry,
        urgent,
        slots,
        company_ids,
        incident_category,
    ) = bulk.columns(
        requests.order_by()
        .annotate(
            _kind=_code("kind", KINDS),
            _certification=_code("required_certification", CERTIFICATIONS),
            _prefecture=Cast("company__prefecture", IntegerField()),
            _industry=_code("company__industry", INDUSTRIES),
            _urgent=Case(
                When(Q(urgency="urgent") | Q(personal_data_leak=True), then=Value(True)), default=Value(False)
            ),
            _incident_category=_code("incident_category", INCIDENT_CATEGORIES),
        )
        .values_list(
            "id",
            "_kind",
            "_certification",
            "onsite_required",
            "remote_ok",
            "budget_jpy",
            "_prefecture",
            "_industry",
            "_urgent",
            "slots",
            "company_id",
            "_incident_category",
        ),
        [bulk.UUID, np.int64, np.int64, bool, bool, np.int64, np.int64, np.int64, bool, np.int32, bulk.UUID, np.int64],
        sort=True,
    )
    count = ids.size
    owner, skill, level = bulk.columns(
        RequiredSkill.objects.filter(request__in=requests).values_list("request_id", "skill_id", "min_level"),
        [bulk.UUID, np.int64, np.int64],
    )
    required: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for position, skill_id, min_level in zip(
        bulk.find(ids, owner).tolist(), skill.tolist(), level.tolist(), strict=True
    ):
        required[position].append((skills[skill_id], min_level))
    # Slots already held by live proposals of other runs, and pairs never to propose again.
    asked, specialist, live = bulk.columns(
        Proposal.objects.filter(request__in=requests)
        .filter(Q(status__in=Proposal.REFUSED) | Q(status__in=Proposal.LIVE))
        .exclude(run_id=run.pk)
        .annotate(_live=Case(When(status__in=Proposal.LIVE, then=Value(True)), default=Value(False)))
        .values_list("request_id", "specialist_id", "_live"),
        [bulk.UUID, bulk.UUID, bool],
    )
    at = bulk.find(ids, asked)
    taken = np.bincount(at[live], minlength=count).astype(np.int32)
    excluded: list[list[int]] = [[] for _ in range(count)]
    for position, s in zip(at.tolist(), bulk.find(pool.ids, specialist).tolist(), strict=True):
        if s >= 0:
            excluded[position].append(s)
    # Nobody is proposed to a company they belong to.
    companies, users = bulk.columns(
        CompanyMembership.objects.filter(company__in=requests.values("company_id")).values_list(
            "company_id", "user_id"
        ),
        [bulk.UUID, bulk.UUID],
    )
    by_user = np.argsort(pool.user_ids, kind="stable")
    found = bulk.find(pool.user_ids[by_user], users)
    members: dict[bytes, list[int]] = defaultdict(list)
    for company_id, s in zip(companies.tolist(), found.tolist(), strict=True):
        if s >= 0:
            members[company_id].append(int(by_user[s]))
    if members:
        for position, company_id in enumerate(company_ids.tolist()):
            excluded[position] += members.get(company_id, [])
    return RequestBatch(
        ids=[bulk.as_uuid(value) for value in ids],
        kind=kind,
        certification=[CERTIFICATIONS[code] if code >= 0 else "" for code in certification.tolist()],
        onsite_required=onsite_required,
        remote_ok=remote_ok,
        budget=budget,
        prefecture=prefecture,
        industry_bit=np.where(industry >= 0, np.left_shift(1, np.maximum(industry, 0)), 0),
        urgent=urgent,
        slots=np.maximum(slots - taken, 0),
        skills=required,
        excluded=[np.array(items, dtype=np.int64) for items in excluded],
        incident_category=incident_category,
    )


class ConstraintChecker:
    """The hard constraints, as boolean vectors over every specialist of the pool."""

    def __init__(self, pool: SpecialistPool) -> None:
        self.pool = pool
        self._base: dict[tuple[int, str], np.ndarray] = {}
        self._reach: dict[int, np.ndarray] = {}
        self._shape: dict[tuple[int, str, int, bool], np.ndarray] = {}
        self._levelled: dict[tuple[int, int], np.ndarray] = {}

    def base(self, kind: int, certification: str) -> np.ndarray:
        """Accepts the kind, has capacity left, holds the certification asked for."""
        key = (kind, certification)
        if key not in self._base:
            pool = self.pool
            mask = pool.accepts[kind] & (pool.quota > 0)
            if certification == "riss":
                mask &= pool.has_riss
            elif certification == "sg":
                mask &= pool.has_sg
            elif certification == "any":
                mask &= pool.has_riss | pool.has_sg
            self._base[key] = mask
        return self._base[key]

    def travels_to(self, prefecture: int) -> np.ndarray:
        if prefecture not in self._reach:
            pool = self.pool
            self._reach[prefecture] = pool.onsite_ok & ((pool.travel_mask >> prefecture) & 1).astype(bool)
        return self._reach[prefecture]

    def shape(self, kind: int, certification: str, prefecture: int, onsite_required: bool) -> np.ndarray:
        """`base` and where the specialist works, together: many requests share these four."""
        key = (kind, certification, prefecture, onsite_required)
        if key not in self._shape:
            pool = self.pool
            reach = self.travels_to(prefecture)
            self._shape[key] = self.base(kind, certification) & (reach if onsite_required else pool.remote_ok | reach)
        return self._shape[key]

    def levelled(self, row: int, level: int) -> np.ndarray:
        """Has skill `row` at `level` or above."""
        key = (row, level)
        if key not in self._levelled:
            self._levelled[key] = self.pool.levels[row] >= level
        return self._levelled[key]

    def candidates(self, requests: RequestBatch, r: int) -> np.ndarray:
        """Indices (ascending) of specialists passing every hard constraint for request r."""
        pool = self.pool
        mask = self.shape(
            int(requests.kind[r]),
            requests.certification[r],
            int(requests.prefecture[r]),
            bool(requests.onsite_required[r]),
        )
        for row, level in requests.skills[r]:
            mask = mask & self.levelled(row, level)
        found = np.flatnonzero(mask)
        kind = KINDS[int(requests.kind[r])]
        # The price check on the few left, not over the whole pool.
        if kind == RequestKind.ADVISOR:
            found = found[pool.monthly[found] <= requests.budget[r]]
        elif kind in (RequestKind.SPOT, RequestKind.INCIDENT):
            found = found[pool.hourly[found] <= requests.budget[r]]
        if requests.excluded[r].size:
            found = found[~np.isin(found, requests.excluded[r])]
        return found
