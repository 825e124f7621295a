import time
import uuid

import pytest
from django.db import transaction

from marketplace.celery import app as celery_app
from marketplace.celery import ping

pytestmark = pytest.mark.integration


def test_worker_runs_a_task_sent_through_redis_and_returns_its_result(celery_worker):
    result = ping.delay("hello")

    assert result.get(timeout=20) == "pong:hello"


def test_task_enqueued_inside_a_transaction_is_not_sent_before_commit(celery_worker, redis_client):
    task_id = str(uuid.uuid4())

    with transaction.atomic():
        ping.apply_async_on_commit(args=["after-commit"], task_id=task_id)
        time.sleep(1.0)  # a worker would have picked it up by now if it had been sent
        # Nothing on the queue and no result while the transaction is open.
        assert redis_client.llen(celery_worker.queue) == 0
        assert celery_app.AsyncResult(task_id).state == "PENDING"

    assert celery_app.AsyncResult(task_id).get(timeout=20) == "pong:after-commit"


def test_task_enqueued_in_a_rolled_back_transaction_is_never_sent(celery_worker, redis_client):
    task_id = str(uuid.uuid4())

    with transaction.atomic():
        ping.apply_async_on_commit(args=["rolled-back"], task_id=task_id)
        transaction.set_rollback(True)

    time.sleep(1.5)
    assert redis_client.llen(celery_worker.queue) == 0
    assert celery_app.AsyncResult(task_id).state == "PENDING"
