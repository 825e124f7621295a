"""Directory latency through the whole DRF stack, beside a trivial endpoint in the same run.

Seeds N specialists (default 100,000) in the configured database (DATABASE_URL; the
SQLite file when unset), then times typical directory queries with Django's test
client (middleware, JWT auth, filters, pagination, serialisation; no network).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcyss_bench .venv/bin/python bench/directory.py

The directory counts matches exactly up to DIRECTORY_COUNT_CAP (1000); run with
DIRECTORY_COUNT_CAP=0 to see what exact counts cost. Ends with one JSON line of its figures.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import analyse, percentile, start_django

start_django()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from accounts.models import User  # noqa: E402
from talent.demo import seed_specialists  # noqa: E402
from talent.models import Specialist  # noqa: E402

TRIVIAL = "trivial: GET /api/v1/me/"
QUERIES: dict[str, dict[str, str | int]] = {
    "first page (default order)": {},
    "skills all-of, level>=3": {"skills": "incident_response,digital_forensics", "min_level": 3},
    "onsite Tokyo, incident, capacity": {
        "onsite_in": "13",
        "request_kind": "incident",
        "has_capacity": "true",
    },
    "RISS holders by rate": {"certification": "riss", "ordering": "hourly_rate_jpy"},
    "free text (ja)": {"q": "フォレンジック"},
    "free text (en) + remote + rate": {"q": "cloud", "remote_ok": "true", "rate_max": 30000},
    "Osaka by experience": {"prefecture": "27", "ordering": "-years_experience"},
}


def seed(count: int) -> float:
    started = time.perf_counter()
    have = Specialist.objects.filter(user__email__startswith="bench-").count()
    if have < count:
        print(f"seeding {count - have} specialists ...", file=sys.stderr, flush=True)
        seed_specialists(count, email_prefix="bench", seed=11, number_offset=0)
    analyse()
    return time.perf_counter() - started


def time_paths(
    client: Client, requests: dict[str, tuple[str, dict[str, str | int]]], repeat: int
) -> dict[str, dict[str, Any]]:
    """Each request `repeat` times, taken in turns (one of each per round), so that drift on a
    shared machine weighs on the trivial request and the directory queries alike."""
    samples: dict[str, list[float]] = {name: [] for name in requests}
    for round_ in range(5 + repeat):
        for name, (path, params) in requests.items():
            started = time.perf_counter()
            response = client.get(path, params)
            if round_ >= 5:  # the first rounds warm caches and connections
                samples[name].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} {params}: HTTP {response.status_code} {response.content[:200]!r}")
    rows: dict[str, dict[str, Any]] = {}
    for name, (path, params) in requests.items():
        with CaptureQueriesContext(connection) as queries:
            body = client.get(path, params).json()
        rows[name] = {
            "p50_ms": round(statistics.median(samples[name]), 2),
            "p95_ms": round(percentile(samples[name], 0.95), 2),
            "max_ms": round(max(samples[name]), 2),
            "queries": len(queries.captured_queries),
            "results": body.get("count", 1) if isinstance(body, dict) else len(body),
        }
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--specialists", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=100, help="timed requests per row, taken in turns")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    seed_seconds = seed(args.specialists)
    user, _ = User.objects.get_or_create(
        email="bench-sme@demo.tcyss.example", defaults={"name": "bench", "role": User.Role.SME}
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    total = Specialist.objects.count()

    trivial: dict[str, tuple[str, dict[str, str | int]]] = {TRIVIAL: ("/api/v1/me/", {})}
    rows = time_paths(
        client, trivial | {name: ("/api/v1/specialists/", params) for name, params in QUERIES.items()}, args.repeat
    )

    cap = settings.DIRECTORY_COUNT_CAP
    print(
        f"\nDirectory through the DRF stack: {total} specialists on {connection.vendor}, "
        f"{args.repeat} timed requests per row, counts {'exact up to ' + str(cap) if cap else 'exact'} "
        f"(seeding took {seed_seconds:.1f} s)\n"
    )
    print(f"{'query':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'matches':>8} {'p95/trivial':>12}")
    for name, row in rows.items():
        print(
            f"{name:40} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {row['max_ms']:8.2f} "
            f"{row['queries']:8d} {row['results']:8d} {row['p95_ms'] / rows[TRIVIAL]['p95_ms']:12.1f}"
        )
    directory = {name: row for name, row in rows.items() if name != TRIVIAL}
    figures = {
        "specialists": total,
        "database": connection.vendor,
        "count_cap": settings.DIRECTORY_COUNT_CAP,
        "p95_ms": max(row["p95_ms"] for row in directory.values()),
        "p50_ms": max(row["p50_ms"] for row in directory.values()),
        "trivial_p95_ms": rows[TRIVIAL]["p95_ms"],
        "worst_over_trivial": round(max(row["p95_ms"] for row in directory.values()) / rows[TRIVIAL]["p95_ms"], 2),
        "query_counts": sorted({row["queries"] for row in directory.values()}),
        "per_query_p95_ms": {name: row["p95_ms"] for name, row in directory.items()},
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
