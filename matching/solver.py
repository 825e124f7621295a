"""The global assignment: each request gets up to `slots` distinct specialists, each
specialist at most `quota` proposals; maximise filled slots first, then total score.

That is a maximum flow of minimum cost (source -> request -> specialist -> sink,
cost = -score) — OR-Tools' SolveMaxFlowWithMinCost, fed and read with numpy arrays in
one call each. The greedy assignment is only the benchmark's baseline.
"""

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow


@dataclass(frozen=True)
class Edges:
    request: np.ndarray  # request index per edge
    specialist: np.ndarray  # specialist index per edge
    score: np.ndarray  # 0-1000 per edge


@dataclass(frozen=True)
class Assignment:
    chosen: np.ndarray  # edge indices
    filled: int
    total_score: int


class SolverError(RuntimeError):
    pass


def solve(edges: Edges, slots: np.ndarray, quota: np.ndarray) -> Assignment:
    """slots[r] per request index, quota[s] per specialist index."""
    count = edges.request.size
    if count == 0:
        return Assignment(chosen=np.zeros(0, dtype=np.int64), filled=0, total_score=0)
    used_specialists, specialist_node = np.unique(edges.specialist, return_inverse=True)
    used_requests, request_node = np.unique(edges.request, return_inverse=True)
    n_requests = used_requests.size
    source = 0
    request_base = 1
    specialist_base = request_base + n_requests
    sink = specialist_base + used_specialists.size

    request_caps = slots[used_requests].astype(np.int64)
    specialist_caps = quota[used_specialists].astype(np.int64)
    tails = np.concatenate(
        [
            np.full(n_requests, source),
            request_base + request_node,
            specialist_base + np.arange(used_specialists.size),
        ]
    ).astype(np.int32)
    heads = np.concatenate(
        [
            request_base + np.arange(n_requests),
            specialist_base + specialist_node,
            np.full(used_specialists.size, sink),
        ]
    ).astype(np.int32)
    capacities = np.concatenate([request_caps, np.ones(count, dtype=np.int64), specialist_caps])
    costs = np.concatenate(
        [
            np.zeros(n_requests, dtype=np.int64),
            -edges.score.astype(np.int64),
            np.zeros(used_specialists.size, dtype=np.int64),
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    total = int(request_caps.sum())
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")
    edge_flows = flow.flows(arcs[n_requests : n_requests + count])
    chosen = np.flatnonzero(edge_flows > 0)
    return Assignment(chosen=chosen, filled=int(chosen.size), total_score=int(edges.score[chosen].sum()))


def greedy(edges: Edges, slots: np.ndarray, quota: np.ndarray) -> Assignment:
    """Best edge first while its request and specialist have room: the baseline."""
    order = np.lexsort((edges.specialist, edges.request, -edges.score))
    slots_left = slots.astype(np.int64).copy()
    quota_left = quota.astype(np.int64).copy()
    chosen = []
    for edge in order.tolist():
        r, s = int(edges.request[edge]), int(edges.specialist[edge])
        if slots_left[r] > 0 and quota_left[s] > 0:
            slots_left[r] -= 1
            quota_left[s] -= 1
            chosen.append(edge)
    picked = np.array(chosen, dtype=np.int64)
    return Assignment(chosen=picked, filled=int(picked.size), total_score=int(edges.score[picked].sum()))
