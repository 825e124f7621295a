"""A match run survives its worker dying mid-run: re-delivered, it writes exactly the planned proposals."""

import os
import signal
import time

import pytest

from accounts.models import User
from matching import engine
from matching.models import MatchRun, Proposal
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


def test_killed_worker_re_delivers_the_run_and_it_writes_exactly_the_uninterrupted_result(
    worker_factory, tokyo, sme_alice, alice_company
):
    for index in range(8):
        user = User.objects.create_user(f"w{index}@example.test", None, name=f"W{index}", role="specialist")
        make_specialist(user, skills={"bcp": 2 + index % 4}, hourly_rate_jpy=10_000 + 1_000 * index)
    make_request(alice_company, sme_alice, skills={"bcp": 2}, slots=3)
    make_request(alice_company, sme_alice, skills={"bcp": 4}, slots=2, title="二件目")
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
