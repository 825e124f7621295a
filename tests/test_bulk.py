"""Bulk columns and COPY writes: what goes in comes back, on PostgreSQL and the SQLite fallback."""

import uuid

import numpy as np
import pytest
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace import bulk
from matching.models import MatchRun, Proposal
from talent.models import Specialist
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist


def test_copy_rows_keeps_tabs_newlines_backslashes_quotes_and_japanese(tokyo, sme_alice, alice_company, specialist_bob):
    request = make_request(alice_company, sme_alice)
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    bob = make_specialist(specialist_bob)
    awkward = 'tab\there\nnew line \\ back "quoted" 日本語 \\N'
    facts = {"level": 3.5, "certification": "RISS", "proximity": "same", "rating": None, "urgent": True, "x": awkward}
    pk = uuid.uuid4()

    bulk.copy_rows(
        Proposal,
        [
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
        ],
        [(pk, run.pk, request.pk, bob.pk, 612, {"skills": 300}, facts, 1, "pending_review", awkward, timezone.now())],
    )

    proposal = Proposal.objects.get(pk=pk)
    assert proposal.declaration == awkward
    assert proposal.facts == facts
    assert proposal.breakdown == {"skills": 300}
    assert proposal.score == 612


def test_columns_are_row_aligned_sorted_on_request_and_refuse_nulls(specialist_bob, django_user_model):
    made = []
    # numpy drops the trailing zero bytes of an S16 value; one id ends in two of them on purpose
    # (a random one did one run in 256 and the lookup below failed on it).
    trailing_zeros = uuid.UUID(bytes=uuid.uuid4().bytes[:14] + b"\0\0")
    for index in range(5):
        user = django_user_model.objects.create_user(
            f"c{index}@example.test", None, role="specialist", email_confirmed_at=timezone.now()
        )
        extra = {"id": trailing_zeros} if index == 2 else {}
        made.append(make_specialist(user, hourly_rate_jpy=10_000 + index, **extra))
    ids, rates = bulk.columns(Specialist.objects.values_list("id", "hourly_rate_jpy"), [bulk.UUID, np.int64], sort=True)

    assert list(ids) == sorted(ids)
    assert {bulk.as_uuid(i): int(r) for i, r in zip(ids, rates, strict=True)} == {s.pk: s.hourly_rate_jpy for s in made}
    at = [bulk.as_uuid(i) for i in ids].index(made[2].pk)
    assert list(bulk.positions(ids, [made[2].pk, uuid.uuid4()])) == [at, -1]
    empty = bulk.columns(Specialist.objects.none().values_list("id"), [bulk.UUID])
    assert empty[0].size == 0
    coalesced = bulk.columns(Specialist.objects.values_list(Coalesce("rating", 0.0)), [np.float64])
    assert coalesced[0].tolist() == [0.0] * 5


def test_a_null_value_is_refused_not_misread(specialist_bob):
    make_specialist(specialist_bob, rating=None)

    with pytest.raises(ValueError, match="NULL"):
        bulk.columns(Specialist.objects.values_list("rating"), [np.float64])
