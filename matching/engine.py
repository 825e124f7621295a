"""One match run end to end: load -> candidates and scores -> solve -> write.

`plan` computes the assignment without writing; `execute` plans and writes the
proposals in one transaction, so a run that dies leaves nothing half-written and its
retry writes exactly the proposals an uninterrupted run would have.
"""

import resource
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from marketplace import bulk, faults
from matching import candidates as loading
from matching import capacity, scoring
from matching import parameters as run_parameters
from matching.models import MatchRun, Proposal
from matching.services import proposals
from matching.solver import Assignment, Edges, solve
from workflow.services import transition


@dataclass
class Plan:
    pool: loading.SpecialistPool
    requests: loading.RequestBatch
    edges: Edges
    points: np.ndarray  # (components, edges)
    assignment: Assignment
    candidate_edges: int
    timings: dict[str, float] = field(default_factory=dict)
    bank: np.ndarray | None = None  # ids of the specialists read, when not every active one

    def pairs(self) -> set[tuple[uuid.UUID, uuid.UUID]]:
        return {
            (self.requests.ids[int(self.edges.request[e])], self.pool.id_at(int(self.edges.specialist[e])))
            for e in self.assignment.chosen.tolist()
        }


def _parameters(run: MatchRun) -> tuple[dict[str, int], int, int | None]:
    parameters = run_parameters.check(run.parameters or {})
    return run_parameters.weights(parameters), run_parameters.top_k(parameters), run_parameters.quota(parameters)


def plan(run: MatchRun, progress: Callable[[int], None] | None = None, *, prefilter: bool = True) -> Plan:
    """Everything but the write; the same inputs always give the same plan (with or without
    the single-request prefilter, which only spares reading specialists who cannot qualify)."""
    weights, top_k, quota_cap = _parameters(run)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    skills = loading.skill_rows()
    # A single-request run (what publish starts) reads only the specialists the database's
    # indexes say may qualify, not the whole bank.
    bank = loading.prefiltered_ids(run.request) if prefilter and run.request_id and run.request else None
    pool = loading.load_specialists(run, skills, bank)
    requests = loading.load_requests(run, pool, skills)
    if quota_cap is not None:
        pool.quota = np.minimum(pool.quota, quota_cap)
    timings["load"] = time.perf_counter() - started
    if progress:
        progress(20)

    checker = loading.ConstraintChecker(pool)
    edge_requests, edge_specialists, edge_points = [], [], []
    candidate_edges = 0
    candidates_time = scoring_time = 0.0
    for r in np.flatnonzero(requests.slots > 0).tolist():
        t0 = time.perf_counter()
        found = checker.candidates(requests, r)
        t1 = time.perf_counter()
        candidate_edges += found.size
        if found.size:
            best = scoring.top_k(scoring.score(pool, requests, r, found, weights), top_k)
            edge_requests.append(np.full(best.candidates.size, r, dtype=np.int64))
            edge_specialists.append(best.candidates)
            edge_points.append(best.points)
        candidates_time += t1 - t0
        scoring_time += time.perf_counter() - t1
    timings["candidates"] = candidates_time
    timings["scoring"] = scoring_time
    if progress:
        progress(60)

    if edge_requests:
        points = np.concatenate(edge_points, axis=1)
        edges = Edges(np.concatenate(edge_requests), np.concatenate(edge_specialists), points.sum(axis=0))
    else:
        points = np.zeros((len(scoring.COMPONENTS), 0), dtype=np.int64)
        edges = Edges(*(np.zeros(0, dtype=np.int64) for _ in range(3)))
    t0 = time.perf_counter()
    assignment = solve(edges, requests.slots, pool.quota)
    timings["solve"] = time.perf_counter() - t0
    if progress:
        progress(80)
    return Plan(pool, requests, edges, points, assignment, candidate_edges, timings, bank)


PROPOSAL_FIELDS = [
    "id",
    "run_id",
    "request_id",
    "specialist_id",
    "score",
    "breakdown",
    "facts",
    "rank",
    "status",
    "declaration",
    "created_at",
]


def _kept(run: MatchRun, planned: Plan) -> np.ndarray:
    """The chosen edges that still fit each specialist's capacity, re-read under the write lock
    (another chamber's run may have proposed the same specialists since we loaded): per
    specialist, the best-scoring first. Sorted by request, then score, then specialist."""
    chosen, edges, pool = planned.assignment.chosen, planned.edges, planned.pool
    units = capacity.remaining_columns(exclude_run=run.pk, within=planned.bank)
    at = bulk.find(units.ids, pool.ids[edges.specialist[chosen]])
    left = np.where(at >= 0, units.left[at], 0)  # a specialist no longer active takes nothing
    # Rank each specialist's edges by score (best first) and keep the first `left` of them.
    specialist = edges.specialist[chosen]
    order = np.lexsort((-edges.score[chosen], specialist))
    keep = np.zeros(chosen.size, dtype=bool)
    keep[order] = scoring.place_in_group(specialist[order]) < left[order]
    kept = chosen[keep]
    # Rank within each request by score (ties: lower specialist index first).
    return kept[np.lexsort((edges.specialist[kept], -edges.score[kept], edges.request[kept]))]


def _rows(run: MatchRun, planned: Plan, kept: np.ndarray) -> list[tuple[Any, ...]]:
    """One row per kept edge in PROPOSAL_FIELDS order: the score's breakdown and the facts its
    reasons are rendered from (matching.reasons)."""
    edges, pool, requests = planned.edges, planned.pool, planned.requests
    r_of, s_of = edges.request[kept], edges.specialist[kept]
    # Facts, vectorised over the kept edges.
    level, _asked = scoring.mean_levels(pool, requests, r_of, s_of)
    certification = np.where(pool.has_riss[s_of], "RISS", np.where(pool.has_sg[s_of], "SG", ""))
    prefecture = requests.prefecture[r_of]
    travels = pool.onsite_ok[s_of] & ((pool.travel_mask[s_of] >> prefecture) & 1).astype(bool)
    proximity = np.where(pool.prefecture[s_of] == prefecture, "same", np.where(travels, "travels", "remote"))
    rating = pool.rating[s_of]
    urgent = requests.urgent[r_of]
    category = requests.incident_category[r_of]
    handled = np.where(category >= 0, pool.handled[np.maximum(category, 0), s_of], 0)
    points = planned.points[:, kept].T.tolist()
    rank = scoring.place_in_group(r_of) + 1
    now = timezone.now()
    request_ids = requests.ids
    # The JSON of both fields is written here, from numbers and the few fixed words of the facts.
    breakdown = "{" + ",".join(f'"{name}":%d' for name in scoring.COMPONENTS) + "}"
    return [
        (
            uuid.uuid4(),
            run.pk,
            request_ids[r],
            pool.id_at(s),
            score,
            bulk.JsonText(breakdown % tuple(row)),
            bulk.JsonText(
                f'{{"level":{lvl!r},"certification":"{cert}","proximity":"{near}",'
                f'"rating":{"null" if stars != stars else repr(stars)},"urgent":{"true" if hurry else "false"},'
                f'"handled":{cases}}}'
            ),
            place,
            "pending_review",
            "",
            now,
        )
        for r, s, score, row, lvl, cert, near, stars, hurry, cases, place in zip(
            r_of.tolist(),
            s_of.tolist(),
            edges.score[kept].tolist(),
            points,
            level.tolist(),
            certification.tolist(),
            proximity.tolist(),
            rating.tolist(),
            urgent.tolist(),
            handled.tolist(),
            rank.tolist(),
            strict=True,
        )
    ]


def execute(run: MatchRun, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Plan and write; returns the run's stats."""
    started = time.perf_counter()
    planned = plan(run, progress)
    t0 = time.perf_counter()
    faults.pause("matching.before_write", attempt=run.attempts)  # a no-op outside tests
    with transaction.atomic():
        # Another chamber's run may have proposed the same specialists since we loaded:
        # re-check what each can still take, under a lock shared by every run's write.
        capacity.lock_proposal_writes()
        kept = _kept(run, planned)
        dropped = int(planned.assignment.chosen.size - kept.size)
        # A run writes once: its status changes in this same transaction, and a second
        # delivery finds it succeeded (services.runs.execute_match_run) and writes nothing.
        bulk.copy_rows(Proposal, PROPOSAL_FIELDS, _rows(run, planned, kept))
        written = Proposal.objects.filter(run=run).count()
        planned.timings["write"] = time.perf_counter() - t0
        stats = {
            "requests": planned.requests.size,
            "specialists": planned.pool.size,
            "candidate_edges": planned.candidate_edges,
            "kept_edges": int(planned.edges.request.size),
            "slots": int(planned.requests.slots.sum()),
            "filled_slots": planned.assignment.filled,
            "total_score": planned.assignment.total_score,
            "proposals": written,
            "dropped_over_capacity": dropped,
            "stage_seconds": {name: round(value, 4) for name, value in planned.timings.items()},
            "total_seconds": round(time.perf_counter() - started, 4),
            # The worker process's peak resident memory so far (Linux reports KiB).
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        transition(
            run, to=MatchRun.Status.SUCCEEDED, by=None, progress=100, stats=stats, finished_at=timezone.now(), error=""
        )
        proposals.announce_run_proposals(run)
    return stats
