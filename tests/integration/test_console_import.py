"""The console's CSV import on a real Celery worker (talent/import_jobs.py): the page starts the
job, the worker imports while the job's progress is readable from the web process (both use the
Redis cache, as in production), then the report. Needs Redis (skips locally without it)."""

import time

import pytest
from django.conf import settings
from django.test import override_settings

from talent import import_jobs
from talent.models import Specialist

pytestmark = pytest.mark.integration

HEADER = "email,display_name,prefecture,hourly_rate_jpy\n"


@pytest.fixture
def shared_cache(redis_client):
    """The test process reads the job from the Redis cache the worker writes (tests/settings.py
    gives each process its own cache unless TEST_REAL_CACHE=1)."""
    redis_cache = {
        "default": {
            "BACKEND": "marketplace.cache.FailOpenRedisCache",
            "LOCATION": settings.TEST_REDIS_URL,
        }
    }
    with override_settings(CACHES=redis_cache):
        yield redis_cache


def test_the_worker_imports_while_the_web_reads_its_progress(worker_factory, shared_cache, cast):
    worker = worker_factory(TEST_REAL_CACHE="1")
    assert worker.process is not None
    rows = 400
    text = HEADER + "".join(f"p{i}@example.test,専門家{i},13,{10_000 + i}\n" for i in range(rows))
    text += "broken,,99,cheap\n"  # line rows + 2: four errors

    with override_settings(CACHES=shared_cache):
        job_id = import_jobs.start(text=text, dry_run=True, by=cast.admin_carol)  # sent at once: no transaction
        seen: list[tuple[str, int, int]] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            job = import_jobs.job_of(cast.admin_carol, job_id)
            seen.append((job["status"], job["done"], job["total"]))
            if job["status"] in (import_jobs.DONE, import_jobs.FAILED):
                break
            time.sleep(0.02)

    assert job["status"] == import_jobs.DONE, job
    assert (job["done"], job["total"], job["created"]) == (rows + 1, rows + 1, rows)
    assert sorted(column for line, column, _message in job["errors"]) == [
        "display_name",
        "email",
        "hourly_rate_jpy",
        "prefecture",
    ]
    assert {line for line, _column, _message in job["errors"]} == {rows + 2}
    # The page saw the import under way: some progress strictly between none and all.
    assert any(status == import_jobs.RUNNING and 0 < done < total for status, done, total in seen), seen[:20]
    assert not Specialist.objects.exists()  # a preview writes nothing
