"""The Celery app: configuration comes from Django settings (CELERY_*)."""

import logging
import os
import time
from typing import Any

from celery import Celery
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="marketplace.ping", soft_time_limit=5, time_limit=10, ignore_result=False)
def ping(token: str) -> str:
    """Echo a token: proves a worker reads the broker and writes results."""
    return f"pong:{token}"


_broker_down_until = 0.0


def registered(task_name: str) -> Any:
    """The task registered as `task_name` (not app.send_task, so eager mode runs it in-process).

    A web process imports no tasks module by itself: the first look-up loads every app's
    tasks.py, as a worker does at start. An unknown name raises celery's NotRegistered.
    """
    if task_name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[task_name]


def send(task_name: str, *args: Any) -> bool:
    """Send the registered task `task_name`; a broker outage is logged, not raised (the
    caller's data is already committed).

    Tasks are named, not imported, so a service never imports its app's tasks module and
    tasks import services at the top without a circle (tests/test_imports.py checks that every
    name sent is registered). Work that must not be lost keeps its state in the database and
    has a sweeper that sends it again (matching.runs.requeue_stalled_runs, the outbox).
    After a failed send, sends are skipped for BROKER_OUTAGE_BACKOFF_SECONDS so that
    requests during an outage do not each wait on a connection attempt.
    """
    global _broker_down_until
    task = registered(task_name)
    if time.monotonic() < _broker_down_until:
        return False
    try:
        # No result subscription: with the result backend down, subscribing alone retried
        # for ~19 s (measured); our tasks keep their outcome in the database anyway.
        task.apply_async(args=list(args), retry=False, ignore_result=True)
    except (KombuOperationalError, RedisError, OSError) as exc:
        logger.warning("task %s not sent: broker unreachable (%s)", task_name, type(exc).__name__)
        _broker_down_until = time.monotonic() + float(getattr(settings, "BROKER_OUTAGE_BACKOFF_SECONDS", 0))
        return False
    return True


def send_on_commit(task_name: str, *args: Any) -> None:
    """Send the registered task `task_name` after the surrounding transaction commits, never
    before (and never on rollback)."""
    transaction.on_commit(lambda: send(task_name, *args))
