"""A real Celery worker subprocess against real Redis, sharing the test database."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from marketplace.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    def __init__(self, queue: str, env: dict[str, str], log: Path, concurrency: int = 1) -> None:
        self.queue = queue
        self.concurrency = concurrency
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "marketplace",
                    "worker",
                    "--pool",
                    "prefork",
                    "--concurrency",
                    str(self.concurrency),
                    "--queues",
                    self.queue,
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel",
                    "INFO",
                    "--hostname",
                    f"test-{uuid.uuid4().hex[:8]}@%h",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b"ready." in self.log.read_bytes():
                return
            if self.process and self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"worker did not start:\n{self.log.read_text()[-3000:]}")

    def children(self) -> list[int]:
        """The prefork pool's child pids."""
        assert self.process
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False).stdout
        return [int(pid) for pid in out.split()]

    def kill(self) -> None:
        """Kill the whole worker (main process and pool) as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def celery_queue(redis_client: redis.Redis) -> Iterator[str]:
    """A fresh queue per test so no stale message from an earlier run is consumed."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    yield queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
    redis_client.delete(queue, f"{queue}\x06\x163", f"{queue}\x06\x166", f"{queue}\x06\x169")


@pytest.fixture
def worker_factory(
    transactional_db, django_db_serialized_rollback, celery_queue: str, tmp_path: Path
) -> Iterator[Callable[..., Worker]]:
    """Start real workers on this test's queue; each is stopped at the end.

    The database is shared with the worker, so tests commit; serialized rollback puts
    back the data migrations' rows (the skill taxonomy) that the flush removes.
    """
    started: list[Worker] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_CELERY_EAGER": "0",
        "TEST_CELERY_QUEUE": celery_queue,
        "TEST_DB_NAME": str(connection.settings_dict["NAME"]),
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REDIS_URL": settings.TEST_REDIS_URL,
    }

    def start(concurrency: int = 1, **extra_env: str) -> Worker:
        log = tmp_path / f"worker-{len(started)}.log"
        worker = Worker(celery_queue, {**env, **extra_env}, log, concurrency=concurrency)
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def celery_worker(worker_factory) -> Worker:
    return worker_factory()
