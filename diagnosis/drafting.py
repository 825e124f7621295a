"""How a diagnosis turns into a drafted request: the kind, skills and starting terms, as data.

Everything follows from the items the SME chose to share, never from the others: a skill or
a kind derived from an unshared item would tell the specialists about it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from diagnosis.scoring import Form
from talent.models import RequestKind


@dataclass(frozen=True)
class KindRule:
    """A family-doctor retainer (advisor) when the gaps are the organisation's — at least
    `organisational_items` shared items from an organisational part (組織としての対策, Q19-25) —
    or when there are many (`items` or more shared items); a few items are a consultation (spot)."""

    organisational_items: int = 2
    items: int = 6


KIND_RULE = KindRule()

# The lowest skill level a specialist needs for the drafted request: a retainer covers the
# whole organisation, a consultation one or two topics.
MIN_LEVEL: dict[str, int] = {RequestKind.ADVISOR: 3, RequestKind.SPOT: 2}

# Starting terms the SME edits before publishing (budget monthly for advisor, hourly for spot).
STARTING_TERMS: dict[str, dict[str, int]] = {
    RequestKind.ADVISOR: {"budget_jpy": 50_000, "hours_per_month": 4},
    RequestKind.SPOT: {"budget_jpy": 15_000, "hours_per_month": 0},
}
# The start date proposed: two weeks out, time to edit, publish and be matched.
START_AFTER_DAYS = 14


def kind_for(form: Form, shared_item_ids: Sequence[str], rule: KindRule = KIND_RULE) -> str:
    organisational = [
        item_id for item_id in shared_item_ids if form.parts[form.items[item_id]["part"]]["organisational"]
    ]
    if len(organisational) >= rule.organisational_items or len(shared_item_ids) >= rule.items:
        return RequestKind.ADVISOR
    return RequestKind.SPOT


def skills_for(form: Form, shared_item_ids: Sequence[str]) -> list[str]:
    """The skills the shared items' topics map to, each once, in the order first met."""
    skills: list[str] = []
    for item_id in shared_item_ids:
        for slug in form.skills_of(item_id):
            if slug not in skills:
                skills.append(slug)
    return skills
