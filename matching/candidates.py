"""Set-based loading into numpy arrays, and the hard constraints of a match.

A handful of `values_list` queries load every open request and every active
specialist of a run; no model instances are built (~17 µs a row) and no query is
issued per row. Hard constraints are then vector operations over all specialists,
one request at a time.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import CompanyMembership
from matching.models import AdvisorRequest, MatchRun, Proposal, RequiredSkill
from talent.models import Certification, RequestKind, Skill, Specialist, SpecialistSkill, TravelPrefecture

KINDS: list[str] = [RequestKind.ADVISOR, RequestKind.SPOT, RequestKind.INCIDENT, RequestKind.HIRE]
INDUSTRIES = ["manufacturing", "wholesale", "retail", "services", "other"]
INDUSTRY_BITS = {name: 1 << bit for bit, name in enumerate(INDUSTRIES)}


@dataclass
class SpecialistPool:
    ids: list[uuid.UUID]
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
    index: dict[uuid.UUID, int] = field(default_factory=dict)
    user_index: dict[uuid.UUID, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.ids)


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

    @property
    def size(self) -> int:
        return len(self.ids)


def open_requests(run: MatchRun) -> QuerySet[AdvisorRequest]:
    qs = AdvisorRequest.objects.filter(status=AdvisorRequest.Status.OPEN, company__chamber_id=run.chamber_id)
    if run.request_id:
        qs = qs.filter(pk=run.request_id)
    return qs


def skill_rows() -> dict[int, int]:
    """Skill id -> row in the level matrix."""
    return {pk: row for row, pk in enumerate(Skill.objects.order_by("id").values_list("id", flat=True))}


def load_specialists(run: MatchRun, skills: dict[int, int]) -> SpecialistPool:
    active = Specialist.objects.filter(status=Specialist.Status.ACTIVE)
    rows = list(
        active.order_by("id").values_list(
            "id", "user_id", "accepts_advisor", "accepts_spot", "accepts_incident", "accepts_hire", "remote_ok",
            "onsite_ok", "hourly_rate_jpy", "monthly_retainer_jpy", "capacity", "active_engagements", "rating",
            "prefecture", "industries",
        )
    )  # fmt: skip
    count = len(rows)
    index = {row[0]: i for i, row in enumerate(rows)}
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [() for _ in range(15)]
    capacity = np.array(columns[10], dtype=np.int32)
    active_count = np.array(columns[11], dtype=np.int32)
    # Undecided proposals from other runs hold capacity too (matching.capacity), or one
    # specialist could be proposed to more requests than they can take.
    held = np.zeros(count, dtype=np.int32)
    for specialist_id, number in (
        Proposal.objects.filter(status__in=Proposal.HOLDING, specialist__status=Specialist.Status.ACTIVE)
        .exclude(run_id=run.pk)
        .values("specialist_id")
        .annotate(number=Count("id"))
        .values_list("specialist_id", "number")
    ):
        held[index[specialist_id]] = number
    pool = SpecialistPool(
        ids=list(columns[0]),
        accepts=np.array(columns[2:6], dtype=bool).reshape(4, count),
        remote_ok=np.array(columns[6], dtype=bool),
        onsite_ok=np.array(columns[7], dtype=bool),
        hourly=np.array(columns[8], dtype=np.int64),
        monthly=np.array(columns[9], dtype=np.int64),
        quota=np.maximum(capacity - active_count - held, 0),
        availability=np.where(capacity > 0, 1 - active_count / np.maximum(capacity, 1), 0.0),
        rating=np.array([np.nan if r is None else r for r in columns[12]], dtype=np.float64),
        prefecture=np.array([int(p) if p else 0 for p in columns[13]], dtype=np.int64),
        travel_mask=np.zeros(count, dtype=np.int64),
        industry_mask=np.array(
            [sum(INDUSTRY_BITS.get(name, 0) for name in set(items or [])) for items in columns[14]],
            dtype=np.int64,
        ),
        levels=np.zeros((len(skills), count), dtype=np.uint8),
        has_riss=np.zeros(count, dtype=bool),
        has_sg=np.zeros(count, dtype=bool),
        index=index,
        user_index={user_id: i for i, user_id in enumerate(columns[1])},
    )
    for specialist_id, skill_id, level in SpecialistSkill.objects.filter(
        specialist__status=Specialist.Status.ACTIVE
    ).values_list("specialist_id", "skill_id", "level"):
        pool.levels[skills[skill_id], index[specialist_id]] = level
    travel = np.zeros(count, dtype=np.int64)
    for specialist_id, prefecture in TravelPrefecture.objects.filter(
        specialist__status=Specialist.Status.ACTIVE
    ).values_list("specialist_id", "prefecture"):
        travel[index[specialist_id]] |= 1 << int(prefecture)
    pool.travel_mask = travel
    for specialist_id, kind in (
        Certification.objects.counting(timezone.localdate())
        .filter(specialist__status=Specialist.Status.ACTIVE, kind__in=["riss", "sg"])
        .values_list("specialist_id", "kind")
        .distinct()
    ):
        (pool.has_riss if kind == "riss" else pool.has_sg)[index[specialist_id]] = True
    return pool


def load_requests(run: MatchRun, pool: SpecialistPool, skills: dict[int, int]) -> RequestBatch:
    requests = open_requests(run)
    rows = list(
        requests.order_by("id").values_list(
            "id", "kind", "required_certification", "onsite_required", "remote_ok", "budget_jpy",
            "company__prefecture", "company__industry", "urgency", "personal_data_leak", "slots", "company_id",
        )
    )  # fmt: skip
    index = {row[0]: i for i, row in enumerate(rows)}
    required: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    for request_id, skill_id, level in RequiredSkill.objects.filter(request__in=requests).values_list(
        "request_id", "skill_id", "min_level"
    ):
        required[request_id].append((skills[skill_id], level))
    # Slots already held by live proposals of other runs, and pairs never to propose again.
    taken = np.zeros(len(rows), dtype=np.int32)
    excluded: list[list[int]] = [[] for _ in rows]
    for request_id, specialist_id, status in (
        Proposal.objects.filter(request__in=requests)
        .filter(Q(status__in=Proposal.REFUSED) | Q(status__in=Proposal.LIVE))
        .exclude(run_id=run.pk)
        .values_list("request_id", "specialist_id", "status")
    ):
        position = index[request_id]
        if status in Proposal.LIVE:
            taken[position] += 1
        if specialist_id in pool.index:
            excluded[position].append(pool.index[specialist_id])
    # Nobody is proposed to a company they belong to.
    members: dict[uuid.UUID, list[int]] = defaultdict(list)
    for company_id, user_id in CompanyMembership.objects.filter(company__in=requests.values("company_id")).values_list(
        "company_id", "user_id"
    ):
        if user_id in pool.user_index:
            members[company_id].append(pool.user_index[user_id])
    for position, row in enumerate(rows):
        excluded[position] += members.get(row[11], [])
    return RequestBatch(
        ids=[row[0] for row in rows],
        kind=np.array([KINDS.index(row[1]) for row in rows], dtype=np.int64),
        certification=[row[2] for row in rows],
        onsite_required=np.array([row[3] for row in rows], dtype=bool),
        remote_ok=np.array([row[4] for row in rows], dtype=bool),
        budget=np.array([row[5] for row in rows], dtype=np.int64),
        prefecture=np.array([int(row[6]) for row in rows], dtype=np.int64),
        industry_bit=np.array([INDUSTRY_BITS.get(row[7], 0) for row in rows], dtype=np.int64),
        urgent=np.array([row[8] == "urgent" or row[9] for row in rows], dtype=bool),
        slots=np.maximum(np.array([row[10] for row in rows], dtype=np.int32) - taken, 0),
        skills=[required.get(row[0], []) for row in rows],
        excluded=[np.array(items, dtype=np.int64) for items in excluded],
    )


class ConstraintChecker:
    """The hard constraints, as boolean vectors over every specialist of the pool."""

    def __init__(self, pool: SpecialistPool) -> None:
        self.pool = pool
        self._base: dict[tuple[int, str], np.ndarray] = {}
        self._reach: dict[int, np.ndarray] = {}

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

    def candidates(self, requests: RequestBatch, r: int) -> np.ndarray:
        """Indices of specialists passing every hard constraint for request r."""
        pool = self.pool
        mask = self.base(int(requests.kind[r]), requests.certification[r]).copy()
        for row, level in requests.skills[r]:
            mask &= pool.levels[row] >= level
        reach = self.travels_to(int(requests.prefecture[r]))
        if requests.onsite_required[r]:
            mask &= reach
        else:
            mask &= pool.remote_ok | reach
        kind = KINDS[int(requests.kind[r])]
        if kind == RequestKind.ADVISOR:
            mask &= pool.monthly <= requests.budget[r]
        elif kind in (RequestKind.SPOT, RequestKind.INCIDENT):
            mask &= pool.hourly <= requests.budget[r]
        if requests.excluded[r].size:
            mask[requests.excluded[r]] = False
        return np.flatnonzero(mask)
