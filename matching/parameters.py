"""A match run's parameters and their bounds: the one check the API and the services call.

- `weights`: points per score component (`DEFAULT_WEIGHTS` where not given), non-negative,
  adding up to at most `MAX_TOTAL_WEIGHT` (a score is 0-1000);
- `top_k`: how many best-scoring candidates each request keeps for the solver;
- `quota`: at most this many proposals per specialist in the run (below their free capacity).

No numpy here: a process that only starts runs checks them without loading the engine.
"""

from typing import Any

from django.utils.translation import gettext as _

from marketplace.errors import ValidationFailed

DEFAULT_WEIGHTS: dict[str, int] = {
    "skills": 310,  # coverage and depth of the required skills
    "certification": 150,  # RISS counts more than SG
    "industry": 100,  # has worked in the company's industry
    "proximity": 100,  # same prefecture, travels there, or remote
    "rate_fit": 100,  # price well inside the budget
    "rating": 150,  # average review; unrated counts as middling
    "workload": 50,  # free capacity now
    # Handled incidents of the category an incident request states (incident reports); small,
    # a preference among those who qualify. Taken from skills, so the total stays 1000.
    "incident_history": 40,
}
MAX_TOTAL_WEIGHT = 1000
DEFAULT_TOP_K = 30
# Whole-number parameters: (lowest, highest) allowed.
BOUNDS = {"top_k": (1, 200), "quota": (0, 50)}
KEYS = ("weights", *BOUNDS)


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(message, field="parameters")


def check(parameters: Any) -> dict[str, Any]:
    """The parameters as given when every one is within bounds; otherwise ValidationFailed
    (field `parameters`) naming the first problem."""
    if not isinstance(parameters, dict):
        raise _refused(_("An object is expected."))
    if set(parameters) - set(KEYS):
        raise _refused(_("Allowed keys: %(keys)s.") % {"keys": sorted(KEYS)})
    given = parameters.get("weights", {})
    if not isinstance(given, dict) or not all(isinstance(v, int) for v in given.values()):
        raise _refused(_("weights maps component names to whole numbers."))
    unknown = set(given) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise _refused(_("Unknown score components: %(names)s") % {"names": sorted(unknown)})
    merged = weights(parameters)
    if any(value < 0 for value in merged.values()) or sum(merged.values()) > MAX_TOTAL_WEIGHT:
        raise _refused(_("Weights must be non-negative and add up to at most %(total)s.") % {"total": MAX_TOTAL_WEIGHT})
    for key, (low, high) in BOUNDS.items():
        if key in parameters and (not isinstance(parameters[key], int) or not low <= parameters[key] <= high):
            raise _refused(
                _("%(key)s is a whole number from %(low)s to %(high)s.") % {"key": key, "low": low, "high": high}
            )
    return parameters


def weights(parameters: dict[str, Any]) -> dict[str, int]:
    """Every component's weight: the defaults, overlaid with the run's own."""
    return {**DEFAULT_WEIGHTS, **parameters.get("weights", {})}


def top_k(parameters: dict[str, Any]) -> int:
    return int(parameters.get("top_k", DEFAULT_TOP_K))


def quota(parameters: dict[str, Any]) -> int | None:
    """The per-specialist cap of the run, or None (each specialist's free capacity only)."""
    value = parameters.get("quota")
    return None if value is None else int(value)
