"""A specialist's capacity: what they can still take, the definition matching decides by.

Held capacity = active engagements + undecided proposals (`Proposal.HOLDING`). A
selected proposal holds nothing beyond the engagement it created; an ended engagement
frees its unit; an expired, rejected, declined or not-selected proposal holds nothing.

Who reads it: the match run's load (`candidates.load_specialists`, each specialist's
quota) and its write, which re-checks what is left under `PROPOSAL_WRITE_LOCK`
(`engine._kept`). Writers keep its inputs true: `Specialist.active_engagements` moves
with every engagement that starts or ends (services.engagements), and a proposal holds
a unit from its creation until it is decided or expires (services.proposals).

Not every reader uses it. The talent directory's `has_capacity` (its filter, via
`SpecialistQuerySet.not_fully_engaged`, and its cards) is a cheaper notion, "fewer
active engagements than capacity", one column comparison that ignores undecided
proposals; a specialist it lists as having capacity may have none left here. The
single-request prefilter (`candidates.prefiltered`) uses that cheaper notion as a
superset only; the run's own check above stays the judge.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Count

from marketplace import bulk
from matching.models import Proposal
from talent.models import Specialist

# One lock for every match run's write phase: runs of different chambers share the
# talent bank, so their writes are serialised and each re-checks what is left.
PROPOSAL_WRITE_LOCK = 7_300_001


def remaining(specialist_ids: Iterable[uuid.UUID], *, exclude_run: uuid.UUID | None = None) -> dict[uuid.UUID, int]:
    """Units each specialist can still take: capacity - active engagements - holding proposals
    (none for a specialist who is not active)."""
    ids = list(specialist_ids)
    units = remaining_columns(exclude_run=exclude_run, within=np.array([pk.bytes for pk in ids], dtype=bulk.UUID))
    left = {bulk.as_uuid(pk): int(n) for pk, n in zip(units.ids, units.left, strict=True)}
    return {pk: left.get(pk, 0) for pk in ids}


@dataclass
class Units:
    ids: np.ndarray  # sorted bulk.UUID values of the active specialists read
    capacity: np.ndarray
    active: np.ndarray  # active engagements
    left: np.ndarray  # what `remaining` gives each


def remaining_columns(*, exclude_run: uuid.UUID | None = None, within: np.ndarray | None = None) -> Units:
    """What is left for every active specialist (or the active ones among those whose
    `bulk.UUID` ids are `within`), as numpy columns: two COPY reads, no Python object per
    specialist."""
    specialists = Specialist.objects.filter(status=Specialist.Status.ACTIVE)
    if within is not None:
        specialists = specialists.filter(pk__in=bulk.id_set(within))
    ids, capacity, active = bulk.columns(
        specialists.order_by().values_list("id", "capacity", "active_engagements"),
        [bulk.UUID, np.int32, np.int32],
        sort=True,
    )
    qs = Proposal.objects.filter(status__in=Proposal.HOLDING)
    if within is not None:  # read straight from the index on (specialist, status)
        qs = qs.filter(specialist_id__in=bulk.id_set(ids))
    else:
        qs = qs.filter(specialist__status=Specialist.Status.ACTIVE)
    if exclude_run is not None:
        qs = qs.exclude(run_id=exclude_run)
    holders, counts = bulk.columns(
        qs.order_by().values("specialist_id").annotate(n=Count("id")).values_list("specialist_id", "n"),
        [bulk.UUID, np.int32],
    )
    holding = np.zeros(ids.size, dtype=np.int32)
    holding[np.searchsorted(ids, holders)] = counts
    return Units(ids, capacity, active, np.maximum(capacity - active - holding, 0))


def lock_proposal_writes() -> None:
    """Serialise proposal writes across runs until the transaction ends (PostgreSQL; SQLite
    serialises every write anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PROPOSAL_WRITE_LOCK])
