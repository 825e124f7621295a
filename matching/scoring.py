"""Scores 0-1000 from named components, vectorised over a request's candidates.

Each component is a value in [0, 1] times its weight (a run parameter), floored to
whole points, so the points of a proposal always add up to its score and never
exceed the sum of the weights (at most 1000).
"""

from dataclasses import dataclass

import numpy as np

from matching.candidates import KINDS, RequestBatch, SpecialistPool

DEFAULT_WEIGHTS: dict[str, int] = {
    "skills": 350,  # coverage and depth of the required skills
    "certification": 150,  # RISS counts more than SG
    "industry": 100,  # has worked in the company's industry
    "proximity": 100,  # same prefecture, travels there, or remote
    "rate_fit": 100,  # price well inside the budget
    "rating": 150,  # average review; unrated counts as middling
    "workload": 50,  # free capacity now
}
COMPONENTS = list(DEFAULT_WEIGHTS)
# Urgent requests (incidents, personal-data leaks) weigh immediate availability up.
URGENT_WORKLOAD_FACTOR = 3


def validate_weights(weights: dict[str, int]) -> dict[str, int]:
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise ValueError(f"unknown score components: {sorted(unknown)}")
    merged = {**DEFAULT_WEIGHTS, **weights}
    if any(value < 0 for value in merged.values()) or sum(merged.values()) > 1000:
        raise ValueError("weights must be non-negative and add up to at most 1000")
    return merged


@dataclass
class Scored:
    candidates: np.ndarray  # specialist indices
    points: np.ndarray  # (len(COMPONENTS), n) int64

    @property
    def scores(self) -> np.ndarray:
        total: np.ndarray = self.points.sum(axis=0)
        return total


def _weights_for(weights: dict[str, int], urgent: bool) -> np.ndarray:
    vector: np.ndarray = np.array([weights[name] for name in COMPONENTS], dtype=np.float64)
    if urgent:
        total = vector.sum()
        vector[COMPONENTS.index("workload")] *= URGENT_WORKLOAD_FACTOR
        vector *= total / vector.sum()
    return vector


def score(
    pool: SpecialistPool, requests: RequestBatch, r: int, candidates: np.ndarray, weights: dict[str, int]
) -> Scored:
    values = np.zeros((len(COMPONENTS), candidates.size), dtype=np.float64)
    skills = requests.skills[r]
    if skills:
        levels = np.stack([pool.levels[row, candidates] for row, _level in skills])
        values[0] = levels.mean(axis=0) / 5
    else:
        values[0] = 0.5
    values[1] = np.where(pool.has_riss[candidates], 1.0, np.where(pool.has_sg[candidates], 0.6, 0.0))
    values[2] = (pool.industry_mask[candidates] & requests.industry_bit[r]) != 0
    prefecture = int(requests.prefecture[r])
    same = pool.prefecture[candidates] == prefecture
    travels = pool.onsite_ok[candidates] & ((pool.travel_mask[candidates] >> prefecture) & 1).astype(bool)
    values[3] = np.where(same, 1.0, np.where(travels, 0.7, 0.4))
    kind = KINDS[int(requests.kind[r])]
    budget = float(requests.budget[r])
    if kind == "advisor":
        values[4] = 1 - pool.monthly[candidates] / budget
    elif kind in ("spot", "incident"):
        values[4] = 1 - pool.hourly[candidates] / budget
    else:
        values[4] = 0.5
    rating = pool.rating[candidates]
    values[5] = np.where(np.isnan(rating), 0.5, (np.nan_to_num(rating, nan=3.0) - 1) / 4)
    values[6] = pool.availability[candidates]
    np.clip(values, 0.0, 1.0, out=values)
    weight_vector = _weights_for(weights, bool(requests.urgent[r]))
    points = np.floor(values * weight_vector[:, None] + 1e-9).astype(np.int64)
    return Scored(candidates=candidates, points=points)


def top_k(scored: Scored, k: int) -> Scored:
    """The k best candidates (ties to the lower specialist index, so runs repeat exactly)."""
    if scored.candidates.size <= k:
        return scored
    scores = scored.scores
    # lexsort: last key first; best score, then lowest index.
    order = np.lexsort((scored.candidates, -scores))[:k]
    return Scored(candidates=scored.candidates[order], points=scored.points[:, order])
