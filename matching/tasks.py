"""Thin Celery tasks for matching; each calls one service."""

from celery import shared_task

from matching.services import engagements, proposals, requests, runs


# No own time limit: the global one applies, below the broker's visibility timeout.
# acks_late + reject_on_worker_lost (global): a run whose worker dies is re-delivered,
# and execute_match_run makes that safe.
@shared_task(name="matching.run_match")
def run_match(run_id: str) -> str:
    return runs.execute_match_run(run_id=run_id)


@shared_task(name="matching.start_nightly_runs")
def start_nightly_runs() -> list[str]:
    return runs.start_nightly_runs()


@shared_task(name="matching.requeue_stalled_runs")
def requeue_stalled_runs() -> list[str]:
    return runs.requeue_stalled_runs()


@shared_task(name="matching.expire_stale_requests")
def expire_stale_requests() -> int:
    return requests.expire_stale_requests()


@shared_task(name="matching.expire_stale_proposals")
def expire_stale_proposals() -> dict[str, int]:
    return proposals.expire_stale_proposals()


@shared_task(name="matching.remind_expiring_proposals")
def remind_expiring_proposals() -> int:
    return proposals.remind_expiring_proposals()


@shared_task(name="matching.end_due_engagements")
def end_due_engagements() -> int:
    return engagements.end_due_engagements()
