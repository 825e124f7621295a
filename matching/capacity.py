"""A specialist's capacity: the one definition every reader and writer uses.

Held capacity = active engagements + undecided proposals (`Proposal.HOLDING`). A
selected proposal holds nothing beyond the engagement it created; an ended engagement
frees its unit; an expired, rejected, declined or not-selected proposal holds nothing.
"""

import uuid
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count

from matching.models import Proposal
from talent.models import Specialist

# One lock for every match run's write phase: runs of different chambers share the
# talent bank, so their writes are serialised and each re-checks what is left.
PROPOSAL_WRITE_LOCK = 7_300_001


def holding_proposals(
    specialist_ids: Iterable[uuid.UUID], *, exclude_run: uuid.UUID | None = None
) -> dict[uuid.UUID, int]:
    qs = Proposal.objects.filter(status__in=Proposal.HOLDING, specialist_id__in=list(specialist_ids))
    if exclude_run is not None:
        qs = qs.exclude(run_id=exclude_run)
    return dict(qs.values("specialist_id").annotate(n=Count("id")).values_list("specialist_id", "n"))


def remaining(specialist_ids: Iterable[uuid.UUID], *, exclude_run: uuid.UUID | None = None) -> dict[uuid.UUID, int]:
    """Units each specialist can still take: capacity - active engagements - holding proposals."""
    ids = list(specialist_ids)
    holding = holding_proposals(ids, exclude_run=exclude_run)
    return {
        pk: max(capacity - active - holding.get(pk, 0), 0)
        for pk, capacity, active in Specialist.objects.filter(pk__in=ids).values_list(
            "pk", "capacity", "active_engagements"
        )
    }


def lock_proposal_writes() -> None:
    """Serialise proposal writes across runs until the transaction ends (PostgreSQL; SQLite
    serialises every write anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PROPOSAL_WRITE_LOCK])
