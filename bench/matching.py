"""The matching engine end to end: N open requests x M specialists in the database.

Seeds (once) M specialists and N open requests with realistic correlation: popular
skills, a few popular highly-rated specialists everyone ranks first, onsite work
concentrated in a few regions. Then runs the real Celery task for one chamber run and
prints stage timings, peak memory, filled slots, the total score, and the greedy
baseline on the same candidate edges.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcyss_bench .venv/bin/python bench/matching.py \\
        --requests 10000 --specialists 100000

Ends with one JSON line of its figures.
"""

import argparse
import datetime
import json
import os
import random
import resource
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The run is executed in this process (eager), so its memory is this process's.
os.environ["REDIS_URL"] = ""

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.corporate_number import check_digit  # noqa: E402
from accounts.models import Chamber, Company, User  # noqa: E402
from matching import tasks  # noqa: E402
from matching.models import AdvisorRequest, MatchRun, Proposal, RequiredSkill  # noqa: E402
from talent.demo import HOME_PREFECTURES, seed_specialists  # noqa: E402
from talent.models import Skill, Specialist  # noqa: E402

CHAMBER = "ベンチマーク商工会議所 (bench)"
KINDS = ["advisor"] * 4 + ["spot"] * 3 + ["incident"] * 2 + ["hire"]
BUDGETS = {"advisor": (30_000, 100_000), "spot": (10_000, 30_000), "incident": (20_000, 50_000)}


def seed_requests(count: int, rng: random.Random, *, reseed: bool) -> None:
    chamber, _ = Chamber.objects.get_or_create(name=CHAMBER, defaults={"prefecture": "13"})
    if reseed:
        Proposal.objects.filter(request__company__chamber=chamber).delete()
        MatchRun.objects.filter(chamber=chamber).delete()
        AdvisorRequest.objects.filter(company__chamber=chamber).delete()
    have = AdvisorRequest.objects.filter(company__chamber=chamber, status="open").count()
    if have >= count:
        return
    print(f"seeding {count - have} requests ...", file=sys.stderr, flush=True)
    owner, _ = User.objects.get_or_create(
        email="bench-owner@demo.tcyss.example", defaults={"name": "bench", "role": User.Role.SME}
    )
    companies = list(Company.objects.filter(chamber=chamber))
    for index in range(len(companies), 400):
        base = f"{800_000_000_000 + index:012d}"
        companies.append(
            Company.objects.create(
                name=f"ベンチ株式会社{index}", entity_type="corporation", corporate_number=f"{check_digit(base)}{base}",
                industry=rng.choice(["manufacturing", "wholesale", "retail", "services", "other"]),
                capital_jpy=rng.randrange(3_000_000, 300_000_000), employees=rng.randint(3, 300),
                prefecture=rng.choice(HOME_PREFECTURES), chamber=chamber, status="verified",
            )
        )  # fmt: skip
    skills = list(Skill.objects.order_by("position"))
    weights = [1.0 / (1 + i * 0.35) for i in range(len(skills))]
    start = timezone.localdate() + datetime.timedelta(days=14)
    requests, required = [], []
    for _ in range(count - have):
        kind = rng.choice(KINDS)
        low, high = BUDGETS.get(kind, (5_600_000, 5_600_000))
        request = AdvisorRequest(
            id=uuid.uuid4(), company=rng.choice(companies), created_by=owner, kind=kind, title="bench",
            required_certification=rng.choice(["none"] * 5 + ["any"] * 2 + ["riss"] * 2 + ["sg"]),
            onsite_required=rng.random() < 0.3, remote_ok=True, budget_jpy=rng.randrange(low, high + 1, 1000),
            start_date=start, slots=rng.choice([1, 2, 3, 3, 3]), status="open",
            employment_type="full_time" if kind == "hire" else "",
            urgency="urgent" if kind == "incident" and rng.random() < 0.5 else "normal",
        )  # fmt: skip
        requests.append(request)
        for index in dict.fromkeys(rng.choices(range(len(skills)), weights=weights, k=rng.randint(1, 3))):
            required.append(RequiredSkill(request=request, skill=skills[index], min_level=rng.randint(2, 4)))
    with transaction.atomic():
        AdvisorRequest.objects.bulk_create(requests, batch_size=5000)
        RequiredSkill.objects.bulk_create(required, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--specialists", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5, help="request data seed (with --reseed)")
    parser.add_argument("--reseed", action="store_true", help="replace the bench requests: a new instance")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    seeding = time.perf_counter()
    if Specialist.objects.filter(user__email__startswith="bench-").count() < args.specialists:
        print(f"seeding {args.specialists} specialists ...", file=sys.stderr, flush=True)
        seed_specialists(args.specialists, email_prefix="bench", seed=11, number_offset=0)
    seed_requests(args.requests, rng, reseed=args.reseed)
    chamber = Chamber.objects.get(name=CHAMBER)
    # Start from a clean slate: earlier bench runs' proposals would hold slots and capacity.
    Proposal.objects.filter(request__company__chamber=chamber).delete()
    MatchRun.objects.filter(chamber=chamber).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    seeding = time.perf_counter() - seeding

    run = MatchRun.objects.create(chamber=chamber)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    outcome = tasks.run_match.apply(args=[str(run.pk)]).get()
    total = time.perf_counter() - started
    run.refresh_from_db()
    stats = run.stats
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"\nMatch run ({outcome}) on {connection.vendor}: {stats['requests']} open requests x "
          f"{stats['specialists']} active specialists (seeding/reset took {seeding:.1f} s)\n")  # fmt: skip
    print(f"{'stage':12} {'seconds':>9}")
    for stage, seconds in stats["stage_seconds"].items():
        print(f"{stage:12} {seconds:9.3f}")
    print(f"{'total':12} {total:9.3f}   (task end to end)")
    pairs = stats["requests"] * stats["specialists"]
    print(
        f"\npair checks {pairs:,}; candidate edges {stats['candidate_edges']:,}; kept (top K) {stats['kept_edges']:,}"
    )
    print(f"peak RSS {peak:.0f} MB (before the run: {rss_before:.0f} MB)")
    print(f"{'':14} {'filled':>8} {'of slots':>9} {'total score':>12}")
    print(f"{'min-cost flow':14} {stats['filled_slots']:8d} {stats['slots']:9d} {stats['total_score']:12d}")
    print(f"{'greedy':14} {stats['greedy_filled_slots']:8d} {stats['slots']:9d} {stats['greedy_total_score']:12d}")
    print(json.dumps({
        "requests": stats["requests"], "specialists": stats["specialists"], "total_s": round(total, 3),
        "peak_mb": round(peak), "score": stats["total_score"], "greedy_score": stats["greedy_total_score"],
        "filled": stats["filled_slots"], "greedy_filled": stats["greedy_filled_slots"], "slots": stats["slots"],
        "candidate_edges": stats["candidate_edges"], "stage_s": stats["stage_seconds"],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
