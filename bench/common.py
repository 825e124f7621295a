"""What every bench script shares: Django set up for a benchmark, percentiles, statistics."""

import os

import django

# A benchmark is one process hammering the app on 127.0.0.1, not a deployment.
BENCH_ENVIRONMENT = {
    "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 30,
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "0",
    "THROTTLE_USER": "100000000/min",
    "LOG_LEVEL": "WARNING",
}


def start_django(settings_module: str = "marketplace.settings", **environment: str) -> None:
    """Django with the bench's settings; the caller's environment and `environment` win."""
    for name, value in {"DJANGO_SETTINGS_MODULE": settings_module, **BENCH_ENVIRONMENT, **environment}.items():
        os.environ.setdefault(name, value)
    django.setup()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def analyse() -> None:
    """What autovacuum does in production after a bulk load: planner statistics and the
    visibility map (index-only scans for count(*) need the latter). PostgreSQL only."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
