"""A match run survives its worker dying mid-run: re-delivered, it writes exactly the planned proposals."""

import os
import signal
import time

import pytest
from django.utils import timezone

from accounts.models import User
from matching import engine
from matching.models import MatchRun, Proposal
from matching.services import runs
from matching.tasks import run_match
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist

pytestmark = pytest.mark.integration


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def five_slots_for_eight_specialists(company, owner):
    for index in range(8):
        user = User.objects.create_user(
            f"w{index}@example.test", None, name=f"W{index}", role="specialist", email_confirmed_at=timezone.now()
        )
        make_specialist(user, skills={"bcp": 2 + index % 4}, hourly_rate_jpy=10_000 + 1_000 * index)
    make_request(company, owner, skills={"bcp": 2}, slots=3)
    make_request(company, owner, skills={"bcp": 4}, slots=2, title="二件目")


def test_killed_worker_re_delivers_the_run_and_it_writes_exactly_the_uninterrupted_result(
    worker_factory, tokyo, sme_alice, alice_company
):
    five_slots_for_eight_specialists(alice_company, sme_alice)
    run = MatchRun.objects.create(chamber=tokyo)
    expected = engine.plan(run).pairs()  # what an uninterrupted run proposes
    worker = worker_factory(TEST_MATCHING_FAULT_DELAY="10")

    run_match.delay(str(run.pk))
    wait_for(lambda: MatchRun.objects.filter(pk=run.pk, status="running", attempts=1).exists(), 20, "the run to start")
    time.sleep(1)  # inside the first attempt's pause, before anything is written
    children = worker.children()
    assert children, "no pool process to kill"
    for pid in children:
        os.kill(pid, signal.SIGKILL)

    wait_for(lambda: MatchRun.objects.filter(pk=run.pk, status="succeeded").exists(), 60, "the re-delivered run")
    run.refresh_from_db()
    written = list(Proposal.objects.filter(run=run).values_list("request_id", "specialist_id"))
    assert run.attempts == 2
    assert len(written) == len(set(written)) == len(expected) == 5
    assert set(written) == expected
    assert run.stats["filled_slots"] == 5


def test_a_whole_worker_killed_mid_run_is_re_queued_by_the_heartbeat_sweeper_within_minutes(
    worker_factory, tokyo, sme_alice, alice_company, settings
):
    """kill -9 of the main process and its child: the message stays unacknowledged until the
    broker's visibility timeout (an hour in production, kept here); the run's heartbeat stops,
    and the sweeper sends it again long before that."""
    five_slots_for_eight_specialists(alice_company, sme_alice)
    run = MatchRun.objects.create(chamber=tokyo)
    expected = engine.plan(run).pairs()
    production = {"TEST_VISIBILITY_TIMEOUT": "3600", "TEST_MATCHING_HEARTBEAT": "1", "TEST_MATCHING_STALL": "5"}
    settings.CELERY_VISIBILITY_TIMEOUT, settings.MATCHING_STALL_SECONDS = 3600, 5
    worker = worker_factory(TEST_MATCHING_FAULT_DELAY="30", **production)

    run_match.delay(str(run.pk))
    wait_for(lambda: MatchRun.objects.filter(pk=run.pk, status="running", attempts=1).exists(), 20, "the run to start")
    time.sleep(2)
    # While the worker lives, its heartbeat keeps the run from being sent twice.
    assert runs.requeue_stalled_runs() == []
    worker.kill()
    killed_at = time.monotonic()
    worker_factory(**production)

    def swept_and_done() -> bool:
        runs.requeue_stalled_runs()  # what beat does each minute
        return MatchRun.objects.filter(pk=run.pk, status="succeeded").exists()

    wait_for(swept_and_done, 90, "the swept run to succeed")
    recovered_in = time.monotonic() - killed_at
    run.refresh_from_db()
    written = list(Proposal.objects.filter(run=run).values_list("request_id", "specialist_id"))
    assert run.attempts == 2
    assert len(written) == len(set(written)) == len(expected) == 5
    assert set(written) == expected
    assert recovered_in < 60
    # The chamber is free again at once.
    assert runs.start_match_run(chamber=tokyo, created_by=None).status == "queued"
