"""The solver against an exhaustive search, and the greedy baseline against both."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.solver import Edges, greedy, solve


@st.composite
def instances(draw):
    n_requests = draw(st.integers(1, 3))
    n_specialists = draw(st.integers(1, 4))
    pairs = [(r, s) for r in range(n_requests) for s in range(n_specialists)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=min(10, len(pairs))))
    scores = draw(st.lists(st.integers(0, 1000), min_size=len(chosen), max_size=len(chosen)))
    slots = draw(st.lists(st.integers(0, 3), min_size=n_requests, max_size=n_requests))
    quota = draw(st.lists(st.integers(0, 2), min_size=n_specialists, max_size=n_specialists))
    edges = Edges(
        np.array([r for r, _ in chosen], dtype=np.int64),
        np.array([s for _, s in chosen], dtype=np.int64),
        np.array(scores, dtype=np.int64),
    )
    return edges, np.array(slots), np.array(quota)


def exhaustive(edges, slots, quota):
    """The best (filled, total score) over every feasible subset of edges."""
    best = (0, 0)
    count = edges.request.size
    for size in range(count + 1):
        for subset in itertools.combinations(range(count), size):
            per_request = np.bincount(edges.request[list(subset)], minlength=slots.size) if subset else 0
            per_specialist = np.bincount(edges.specialist[list(subset)], minlength=quota.size) if subset else 0
            if np.all(per_request <= slots) and np.all(per_specialist <= quota):
                best = max(best, (size, int(edges.score[list(subset)].sum())))
    return best


def feasible(assignment, edges, slots, quota):
    chosen = assignment.chosen
    return bool(
        np.all(np.bincount(edges.request[chosen], minlength=slots.size) <= slots)
        and np.all(np.bincount(edges.specialist[chosen], minlength=quota.size) <= quota)
    )


@settings(max_examples=300, deadline=None)
@given(instances())
def test_solver_fills_as_many_slots_as_possible_then_maximises_score(instance):
    edges, slots, quota = instance

    assignment = solve(edges, slots, quota)

    assert feasible(assignment, edges, slots, quota)
    assert (assignment.filled, assignment.total_score) == exhaustive(edges, slots, quota)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_greedy_is_feasible_and_never_beats_the_solver(instance):
    edges, slots, quota = instance

    optimal, baseline = solve(edges, slots, quota), greedy(edges, slots, quota)

    assert feasible(baseline, edges, slots, quota)
    assert (baseline.filled, baseline.total_score) <= (optimal.filled, optimal.total_score)


def test_greedy_loses_when_a_popular_specialist_is_everyone_s_first_choice():
    """Request 0 can only use specialist 0; greedy gives 0 to request 1 first."""
    edges = Edges(np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([500, 900, 800]))

    optimal = solve(edges, np.array([1, 1]), np.array([1, 1]))
    baseline = greedy(edges, np.array([1, 1]), np.array([1, 1]))

    assert (optimal.filled, optimal.total_score) == (2, 1300)
    assert (baseline.filled, baseline.total_score) == (1, 900)


def test_no_edges_is_an_empty_assignment():
    empty = Edges(*(np.zeros(0, dtype=np.int64) for _ in range(3)))

    assert solve(empty, np.array([2]), np.array([1])).filled == 0
