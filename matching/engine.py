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
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from matching import candidates as loading
from matching import capacity, scoring
from matching.models import MatchRun, Proposal
from matching.solver import Assignment, Edges, greedy, solve
from workflow.services import transition

DEFAULT_TOP_K = 30


@dataclass
class Plan:
    pool: loading.SpecialistPool
    requests: loading.RequestBatch
    edges: Edges
    points: np.ndarray  # (components, edges)
    assignment: Assignment
    baseline: Assignment
    candidate_edges: int
    timings: dict[str, float] = field(default_factory=dict)

    def pairs(self) -> set[tuple[uuid.UUID, uuid.UUID]]:
        return {
            (self.requests.ids[int(self.edges.request[e])], self.pool.ids[int(self.edges.specialist[e])])
            for e in self.assignment.chosen.tolist()
        }


def _parameters(run: MatchRun) -> tuple[dict[str, int], int, int | None]:
    parameters = run.parameters or {}
    weights = scoring.validate_weights(parameters.get("weights", {}))
    top_k = int(parameters.get("top_k", DEFAULT_TOP_K))
    quota = parameters.get("quota")
    return weights, top_k, None if quota is None else int(quota)


def plan(run: MatchRun, progress: Callable[[int], None] | None = None) -> Plan:
    """Everything but the write; the same inputs always give the same plan."""
    weights, top_k, quota_cap = _parameters(run)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    skills = loading.skill_rows()
    pool = loading.load_specialists(run, skills)
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
    for r in range(requests.size):
        if requests.slots[r] <= 0:
            continue
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
    baseline = greedy(edges, requests.slots, pool.quota)
    if progress:
        progress(80)
    return Plan(pool, requests, edges, points, assignment, baseline, candidate_edges, timings)


def _proposals(run: MatchRun, planned: Plan) -> list[Proposal]:
    chosen = planned.assignment.chosen
    edges, pool, requests = planned.edges, planned.pool, planned.requests
    # Rank within each request by score (ties: lower specialist index first).
    order = np.lexsort((edges.specialist[chosen], -edges.score[chosen], edges.request[chosen]))
    rows, rank, previous = [], 0, -1
    for position in order.tolist():
        e = int(chosen[position])
        r, s = int(edges.request[e]), int(edges.specialist[e])
        rank = rank + 1 if r == previous else 1
        previous = r
        breakdown = {name: int(planned.points[i, e]) for i, name in enumerate(scoring.COMPONENTS)}
        skills = requests.skills[r]
        facts: dict[str, object] = {
            "level": float(np.mean([pool.levels[row, s] for row, _ in skills])) if skills else 0.0,
            "certification": "RISS" if pool.has_riss[s] else ("SG" if pool.has_sg[s] else ""),
            "proximity": "same"
            if pool.prefecture[s] == requests.prefecture[r]
            else ("travels" if pool.onsite_ok[s] and (int(pool.travel_mask[s]) >> int(requests.prefecture[r])) & 1
                  else "remote"),
            "rating": None if np.isnan(pool.rating[s]) else float(pool.rating[s]),
            "urgent": bool(requests.urgent[r]),
        }  # fmt: skip
        rows.append(
            Proposal(
                run=run,
                request_id=requests.ids[r],
                specialist_id=pool.ids[s],
                score=int(edges.score[e]),
                breakdown=breakdown,
                reasons=scoring.reasons(breakdown, facts),
                rank=rank,
            )
        )
    return rows


def _within_capacity(run: MatchRun, rows: list[Proposal]) -> tuple[list[Proposal], int]:
    """Keep, per specialist, the best-scoring rows that still fit; count the rest."""
    left = capacity.remaining({row.specialist_id for row in rows}, exclude_run=run.pk)
    kept_ids = set()
    for position in sorted(range(len(rows)), key=lambda i: -rows[i].score):
        specialist_id = rows[position].specialist_id
        if left.get(specialist_id, 0) > 0:
            left[specialist_id] -= 1
            kept_ids.add(position)
    kept = [row for position, row in enumerate(rows) if position in kept_ids]
    return kept, len(rows) - len(kept)


def execute(run: MatchRun, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Plan and write; returns the run's stats."""
    started = time.perf_counter()
    planned = plan(run, progress)
    t0 = time.perf_counter()
    rows = _proposals(run, planned)
    delay = getattr(settings, "MATCHING_FAULT_DELAY_SECONDS", 0)
    if delay and run.attempts <= 1:
        # Fault injection for the worker-death test only (tests/settings.py sets it).
        time.sleep(delay)
    batch = int(getattr(settings, "MATCHING_WRITE_BATCH", 5000))
    with transaction.atomic():
        # Another chamber's run may have proposed the same specialists since we loaded:
        # re-check what each can still take, under a lock shared by every run's write.
        capacity.lock_proposal_writes()
        rows, dropped = _within_capacity(run, rows)
        for start in range(0, len(rows), batch):
            # A second delivery after success finds the rows there: conflicts are ignored.
            Proposal.objects.bulk_create(rows[start : start + batch], ignore_conflicts=True)
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
            "greedy_filled_slots": planned.baseline.filled,
            "greedy_total_score": planned.baseline.total_score,
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
    return stats
