"""Scores 0-1000 from named components, vectorised over a request's candidates.

Each component is a value in [0, 1] times its weight (a run parameter), floored to
whole points, so the points of a proposal always add up to its score and never
exceed the sum of the weights (at most 1000).
"""

import functools
from dataclasses import dataclass

import numpy as np

from matching.candidates import KINDS, RequestBatch, SpecialistPool
from matching.parameters import DEFAULT_WEIGHTS

COMPONENTS = list(DEFAULT_WEIGHTS)
# Urgent requests (incidents, personal-data leaks) weigh immediate availability up.
URGENT_WORKLOAD_FACTOR = 3
# Incidents of the request's category handled before: full points from this many on.
HANDLED_ENOUGH = 3
INCIDENT_HISTORY = COMPONENTS.index("incident_history")


@dataclass
class Scored:
    candidates: np.ndarray  # specialist indices
    points: np.ndarray  # (len(COMPONENTS), n) int64

    @property
    def scores(self) -> np.ndarray:
        total: np.ndarray = self.points.sum(axis=0)
        return total


def _weights_for(weights: dict[str, int], urgent: bool) -> np.ndarray:
    return _weight_vector(tuple(weights[name] for name in COMPONENTS), urgent)


@functools.cache
def _weight_vector(weights: tuple[int, ...], urgent: bool) -> np.ndarray:
    vector: np.ndarray = np.array(weights, dtype=np.float64)
    if urgent:
        total = vector.sum()
        vector[COMPONENTS.index("workload")] *= URGENT_WORKLOAD_FACTOR
        vector *= total / vector.sum()
    vector.flags.writeable = False
    return vector


def _fixed(pool: SpecialistPool) -> np.ndarray:
    """(len(COMPONENTS), M) values that depend on the specialist alone (certification, rating,
    workload), computed once per pool; the other rows are filled per request."""
    if "fixed" not in pool.derived:
        values = np.zeros((len(COMPONENTS), pool.size), dtype=np.float64)
        values[1] = np.where(pool.has_riss, 1.0, np.where(pool.has_sg, 0.6, 0.0))
        values[5] = np.where(np.isnan(pool.rating), 0.5, (np.nan_to_num(pool.rating, nan=3.0) - 1) / 4)
        values[6] = pool.availability
        pool.derived["fixed"] = values
    fixed: np.ndarray = pool.derived["fixed"]
    return fixed


def _proximity(pool: SpecialistPool, prefecture: int) -> np.ndarray:
    """Same prefecture 1, travels there 0.7, else 0.4: per specialist, once per prefecture."""
    key = f"proximity-{prefecture}"
    if key not in pool.derived:
        same = pool.prefecture == prefecture
        travels = pool.onsite_ok & ((pool.travel_mask >> prefecture) & 1).astype(bool)
        pool.derived[key] = np.where(same, 1.0, np.where(travels, 0.7, 0.4))
    proximity: np.ndarray = pool.derived[key]
    return proximity


def score(
    pool: SpecialistPool, requests: RequestBatch, r: int, candidates: np.ndarray, weights: dict[str, int]
) -> Scored:
    values = _fixed(pool)[:, candidates]
    skills = requests.skills[r]
    if skills:
        levels = np.stack([pool.levels[row, candidates] for row, _level in skills])
        values[0] = levels.mean(axis=0) / 5
    else:
        values[0] = 0.5
    values[2] = (pool.industry_mask[candidates] & requests.industry_bit[r]) != 0
    values[3] = _proximity(pool, int(requests.prefecture[r]))[candidates]
    kind = KINDS[int(requests.kind[r])]
    budget = float(requests.budget[r])
    if kind == "advisor":
        values[4] = 1 - pool.monthly[candidates] / budget
    elif kind in ("spot", "incident"):
        values[4] = 1 - pool.hourly[candidates] / budget
    else:
        values[4] = 0.5
    category = int(requests.incident_category[r])
    if category >= 0:
        values[INCIDENT_HISTORY] = np.minimum(pool.handled[category, candidates], HANDLED_ENOUGH) / HANDLED_ENOUGH
    np.clip(values, 0.0, 1.0, out=values)
    weight_vector = _weights_for(weights, bool(requests.urgent[r]))
    points = np.floor(values * weight_vector[:, None] + 1e-9).astype(np.int64)
    return Scored(candidates=candidates, points=points)


def top_k(scored: Scored, k: int) -> Scored:
    """The k best candidates (ties to the lower specialist index, so runs repeat exactly)."""
    if scored.candidates.size <= k:
        return scored
    scores = scored.scores
    # Only those scoring at least the k-th best can be among the k best (ties included), so
    # the exact order is sorted out over those few.
    contenders = np.flatnonzero(scores >= np.partition(scores, scores.size - k)[scores.size - k])
    # lexsort: last key first; best score, then lowest index.
    order = contenders[np.lexsort((scored.candidates[contenders], -scores[contenders]))[:k]]
    return Scored(candidates=scored.candidates[order], points=scored.points[:, order])


def mean_levels(
    pool: SpecialistPool, requests: RequestBatch, r: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: the specialist's mean level over the request's required skills, and whether
    the request asks for any (the mean is 0 where it does not)."""
    rows = requests.skill_matrix
    counted = (rows >= 0).sum(axis=1)[r]
    total = np.zeros(s.size, dtype=np.float64)
    for slot in range(rows.shape[1]):
        row = rows[r, slot]
        has = row >= 0
        total[has] += pool.levels[row[has], s[has]]
    return np.where(counted > 0, total / np.maximum(counted, 1), 0.0), counted > 0


def place_in_group(keys: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal values of sorted `keys`."""
    if not keys.size:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(keys[1:] != keys[:-1]) + 1]
    place: np.ndarray = np.arange(keys.size) - np.repeat(starts, np.diff(np.r_[starts, keys.size]))
    return place
