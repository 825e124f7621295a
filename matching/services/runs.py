"""Match runs: queued (one live run per chamber), executed by a worker under a lock while a
heartbeat shows it alive, re-sent when stalled, and started nightly for every chamber."""

import contextlib
import datetime
import logging
import threading
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Chamber, User
from marketplace.celery import send, send_on_commit
from marketplace.errors import Conflict, NotFound, ValidationFailed
from matching import parameters as run_parameters
from matching import selectors
from matching.models import AdvisorRequest, MatchRun
from matching.solver import SolverError
from workflow.services import transition

logger = logging.getLogger(__name__)


@transaction.atomic
def start_match_run(
    *,
    chamber: Chamber,
    created_by: User | None,
    request: AdvisorRequest | None = None,
    parameters: dict[str, Any] | None = None,
) -> MatchRun:
    """Queue a run for one request or the chamber's open requests; one live run per chamber."""
    parameters = run_parameters.check(parameters or {})
    if request is not None and request.status != AdvisorRequest.Status.OPEN:
        raise Conflict(_("Only an open request can be matched."))
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(
                chamber=chamber, request=request, parameters=parameters, created_by=created_by
            )
    except IntegrityError as exc:
        live = MatchRun.objects.filter(chamber=chamber, status__in=MatchRun.LIVE).first()
        raise Conflict(
            _("Match run %(run)s is already %(status)s for this chamber.")
            % {"run": live.pk if live else "?", "status": live.status if live else "running"}
        ) from exc
    # If the broker is down, the run stays queued and requeue_stalled_runs sends it later.
    send_on_commit("matching.run_match", str(run.pk))
    return run


def start_match_run_for(*, admin: User, request_id: Any, parameters: dict[str, Any] | None) -> MatchRun:
    """A chamber admin's run: one of their chamber's requests, or all its open requests."""
    if request_id is not None:
        # Another chamber's request is out of reach: 404, whatever its id.
        target = selectors.access_request(admin, request_id)
        return start_match_run(chamber=target.company.chamber, request=target, created_by=admin, parameters=parameters)
    if admin.chamber is None:
        raise NotFound(_("Operators start runs for one request."))
    return start_match_run(chamber=admin.chamber, created_by=admin, parameters=parameters)


def requeue_stalled_runs(*, queued_for: datetime.timedelta = datetime.timedelta(minutes=2)) -> list[str]:
    """Beat: re-send runs queued for a while (their message was lost or never sent) and runs
    'running' whose heartbeat stopped (their worker died; its message would only come back
    after the broker's visibility timeout). Executing a run twice is harmless:
    execute_match_run claims it under a lock and writes idempotently."""
    now = timezone.now()
    silent_since = now - datetime.timedelta(seconds=settings.MATCHING_STALL_SECONDS)
    stalled = MatchRun.objects.filter(
        Q(status=MatchRun.Status.QUEUED, created_at__lt=now - queued_for)
        | Q(status=MatchRun.Status.RUNNING, heartbeat_at__lt=silent_since)
        | Q(status=MatchRun.Status.RUNNING, heartbeat_at__isnull=True, started_at__lt=silent_since)
    ).values_list("pk", flat=True)
    return [str(pk) for pk in stalled if send("matching.run_match", str(pk))]


@contextlib.contextmanager
def _heartbeat(run_id: Any) -> Iterator[None]:
    """Refresh the run's heartbeat from a thread (its own connection) while the body runs."""
    stop = threading.Event()
    interval = settings.MATCHING_HEARTBEAT_SECONDS

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # a missed beat is retried at the next one
                    logger.warning("match run %s: heartbeat not written", run_id, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _advisory_lock(run_id: Any) -> bool:
    """One execution per run at a time, across workers (PostgreSQL); released with the connection."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [str(run_id)])
        return bool(cursor.fetchone()[0])


def _advisory_unlock(run_id: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [str(run_id)])


def execute_match_run(*, run_id: str) -> str:
    """The task's body: claim the run, plan and write. Safe to deliver twice or retry after a crash."""
    if not _advisory_lock(run_id):
        return "busy"  # another worker is executing this run right now
    try:
        run = MatchRun.objects.filter(pk=run_id).first()
        if run is None or run.status not in MatchRun.LIVE:
            return "done"  # already succeeded or failed: a second delivery does nothing
        try:
            now = timezone.now()
            transition(
                run,
                to=MatchRun.Status.RUNNING,
                by=None,
                attempts=F("attempts") + 1,
                started_at=now,
                heartbeat_at=now,
                note="retry" if run.status == MatchRun.Status.RUNNING else "",
            )
        except Conflict:
            return "done"

        def progress(percent: int) -> None:
            MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(progress=percent)

        try:
            # numpy and OR-Tools (~30 MB) load only in processes that run matches.
            from matching import engine

            with _heartbeat(run.pk):
                engine.execute(run, progress)
        except (ValueError, ValidationFailed, SolverError) as exc:
            error = str(exc)
            transition(
                run,
                to=MatchRun.Status.FAILED,
                by=None,
                note=error[:500],
                error=error[:2000],
                finished_at=timezone.now(),
            )
            logger.warning("match run %s failed: %s", run.pk, error)
            return "failed"
        return "succeeded"
    finally:
        _advisory_unlock(run_id)


def start_nightly_runs() -> list[str]:
    """Beat: one chamber run for every chamber with open requests (skipping busy chambers)."""
    started = []
    chambers = Chamber.objects.filter(companies__requests__status=AdvisorRequest.Status.OPEN).distinct()
    for chamber in chambers:
        try:
            started.append(str(start_match_run(chamber=chamber, created_by=None).pk))
        except Conflict:
            continue
    return started
