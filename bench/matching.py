"""The matching engine end to end: N open requests x M specialists in the database.

Seeds (once) M specialists and N open requests with realistic correlation: popular
skills, a few popular highly-rated specialists everyone ranks first, onsite work
concentrated in a few regions. Then, in a fresh process (so seeding's memory is not
counted), runs the real Celery task for one chamber run and prints stage timings, the
run's own peak memory, filled slots, the total score, and the greedy baseline on the
same candidate edges.

`floor_s` is the physical floor in the same process: reading the very rows the run
loads straight from PostgreSQL with `COPY (SELECT ...) TO STDOUT (FORMAT BINARY)`,
consumed without building a Python object per row.

`--single N` then publishes N new requests one by one through the real service and
task (what `publish/` starts) and reports p50 / p95 from publish to proposals written.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcyss_bench .venv/bin/python bench/matching.py \\
        --requests 10000 --specialists 125000 --single 50

Ends with one JSON line of its figures.
"""

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import analyse, start_django

# The run is executed in this process (eager), so its memory is this process's.
os.environ["REDIS_URL"] = ""
start_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.corporate_number import check_digit  # noqa: E402
from accounts.models import Chamber, Company, CompanyMembership, User  # noqa: E402
from matching import engine, tasks  # noqa: E402
from matching.models import AdvisorRequest, MatchRun, Proposal, RequiredSkill  # noqa: E402
from matching.services import requests  # noqa: E402
from matching.solver import greedy  # noqa: E402
from talent.demo import HOME_PREFECTURES, seed_specialists  # noqa: E402
from talent.models import Skill, Specialist  # noqa: E402

CHAMBER = "ベンチマーク商工会議所 (bench)"
SINGLE = "bench-single"
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
                name=f"ベンチ株式会社{index}",
                entity_type="corporation",
                corporate_number=f"{check_digit(base)}{base}",
                industry=rng.choice(["manufacturing", "wholesale", "retail", "services", "other"]),
                capital_jpy=rng.randrange(3_000_000, 300_000_000),
                employees=rng.randint(3, 300),
                prefecture=rng.choice(HOME_PREFECTURES),
                chamber=chamber,
                status="verified",
            )
        )
    start = timezone.localdate() + datetime.timedelta(days=14)
    new_requests, required = [], []
    for _ in range(count - have):
        request, skills = make_request(rng, companies, owner, start, status="open")
        new_requests.append(request)
        required += skills
    with transaction.atomic():
        AdvisorRequest.objects.bulk_create(new_requests, batch_size=5000)
        RequiredSkill.objects.bulk_create(required, batch_size=5000)


def make_request(
    rng: random.Random,
    companies: list[Company],
    owner: User,
    start: datetime.date,
    *,
    status: str,
    title: str = "bench",
) -> tuple[AdvisorRequest, list[RequiredSkill]]:
    skills = list(Skill.objects.order_by("position"))
    weights = [1.0 / (1 + i * 0.35) for i in range(len(skills))]
    kind = rng.choice(KINDS)
    low, high = BUDGETS.get(kind, (5_600_000, 5_600_000))
    request = AdvisorRequest(
        id=uuid.uuid4(),
        company=rng.choice(companies),
        created_by=owner,
        kind=kind,
        title=title,
        required_certification=rng.choice(["none"] * 5 + ["any"] * 2 + ["riss"] * 2 + ["sg"]),
        onsite_required=rng.random() < 0.3,
        remote_ok=True,
        budget_jpy=rng.randrange(low, high + 1, 1000),
        start_date=start,
        slots=rng.choice([1, 2, 3, 3, 3]),
        status=status,
        employment_type="full_time" if kind == "hire" else "",
        urgency="urgent" if kind == "incident" and rng.random() < 0.5 else "normal",
    )
    required = [
        RequiredSkill(request=request, skill=skills[index], min_level=rng.randint(2, 4))
        for index in dict.fromkeys(rng.choices(range(len(skills)), weights=weights, k=rng.randint(1, 3)))
    ]
    return request, required


# What the run reads, column for column (matching.candidates), without the engine's casts.
FLOOR_QUERIES = [
    """SELECT id, user_id, accepts_advisor, accepts_spot, accepts_incident, accepts_hire, remote_ok, onsite_ok,
              hourly_rate_jpy, monthly_retainer_jpy, rating, prefecture, industries, capacity, active_engagements
       FROM talent_specialist WHERE status = 'active'""",
    """SELECT ss.specialist_id, ss.skill_id, ss.level FROM talent_specialistskill ss
       JOIN talent_specialist s ON s.id = ss.specialist_id WHERE s.status = 'active'""",
    """SELECT t.specialist_id, t.prefecture FROM talent_travelprefecture t
       JOIN talent_specialist s ON s.id = t.specialist_id WHERE s.status = 'active'""",
    """SELECT DISTINCT c.specialist_id, c.kind FROM talent_certification c
       JOIN talent_specialist s ON s.id = c.specialist_id
       WHERE s.status = 'active' AND c.status = 'verified' AND c.kind IN ('riss', 'sg')""",
    """SELECT r.id, r.kind, r.required_certification, r.onsite_required, r.remote_ok, r.budget_jpy, c.prefecture,
              c.industry, r.urgency, r.personal_data_leak, r.slots, r.company_id
       FROM matching_advisorrequest r JOIN accounts_company c ON c.id = r.company_id
       WHERE r.status = 'open' AND c.chamber_id = %(chamber)s""",
    """SELECT q.request_id, q.skill_id, q.min_level FROM matching_requiredskill q
       JOIN matching_advisorrequest r ON r.id = q.request_id JOIN accounts_company c ON c.id = r.company_id
       WHERE r.status = 'open' AND c.chamber_id = %(chamber)s""",
]


def floor_seconds(chamber: Chamber) -> tuple[float, int]:
    """Read the run's rows with binary COPY, counting bytes only; (seconds, bytes)."""
    size = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for query in FLOOR_QUERIES:
            statement = connection.ops.compose_sql(  # type: ignore[attr-defined]
                f"COPY ({query}) TO STDOUT (FORMAT BINARY)", {"chamber": chamber.pk}
            )
            with cursor.cursor.copy(statement) as copy:
                for block in copy:
                    size += len(block)
    return time.perf_counter() - started, size


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM: a fresh exec does not carry its parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def single_runs(chamber: Chamber, count: int, rng: random.Random) -> list[float]:
    """Publish `count` new requests one by one; seconds from publish to proposals written."""
    owner = User.objects.get(email="bench-owner@demo.tcyss.example")
    companies = list(Company.objects.filter(chamber=chamber))
    for company in companies:
        CompanyMembership.objects.get_or_create(company=company, user=owner, defaults={"role": "owner"})
    start = timezone.localdate() + datetime.timedelta(days=14)
    seconds = []
    for _ in range(count):
        request, required = make_request(rng, companies, owner, start, status="draft", title=SINGLE)
        request.save()
        RequiredSkill.objects.bulk_create(required)
        began = time.perf_counter()
        # Eager tasks: the run executes when publish's transaction commits, inside this call.
        _request, run = requests.publish_request(request=request, user=owner)
        seconds.append(time.perf_counter() - began)
        if run is None or not MatchRun.objects.filter(pk=run.pk, status="succeeded").exists():
            raise SystemExit("a single-request run did not succeed")
    return seconds


def greedy_baseline(run: MatchRun) -> dict[str, int]:
    """The greedy assignment on the run's own candidate edges, for comparison: a run solves only
    the optimum, so this re-plans it (a plan leaves the run's own proposals out, so it sees the
    bank the run saw) after the run's time and memory are measured."""
    planned = engine.plan(run)
    baseline = greedy(planned.edges, planned.requests.slots, planned.pool.quota)
    if planned.assignment.total_score != run.stats["total_score"]:
        raise SystemExit("the re-plan differs from the run: the greedy baseline would not be comparable")
    return {"filled_slots": baseline.filled, "total_score": baseline.total_score}


def child(args: argparse.Namespace) -> None:
    """The measured process: floor, the chamber run, then the single-request runs."""
    chamber = Chamber.objects.get(name=CHAMBER)
    floor, floor_bytes = floor_seconds(chamber)
    run = MatchRun.objects.create(chamber=chamber)
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    outcome = tasks.run_match.apply(args=[str(run.pk)]).get()
    total = time.perf_counter() - started
    peak = peak_rss_mb()
    run.refresh_from_db()
    figures = {
        "outcome": outcome,
        "total_s": round(total, 3),
        "floor_s": round(floor, 3),
        "floor_mb": round(floor_bytes / 1e6, 1),
        "peak_mb": round(peak),
        "rss_before_mb": round(rss_before),
        "stats": run.stats,
        "greedy": greedy_baseline(run),
    }
    if args.single:
        times = single_runs(chamber, args.single, random.Random(args.seed + 1))
        figures["single_p50_s"] = round(statistics.median(times), 3)
        figures["single_p95_s"] = round(statistics.quantiles(times, n=20)[18], 3) if len(times) > 1 else times[0]
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--specialists", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5, help="request data seed (with --reseed)")
    parser.add_argument("--reseed", action="store_true", help="replace the bench requests: a new instance")
    parser.add_argument("--single", type=int, default=0, help="then publish N requests one by one")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    seeding = time.perf_counter()
    if Specialist.objects.filter(user__email__startswith="bench-").count() < args.specialists:
        print(f"seeding {args.specialists} specialists ...", file=sys.stderr, flush=True)
        seed_specialists(args.specialists, email_prefix="bench", seed=11, number_offset=0)
    seed_requests(args.requests, rng, reseed=args.reseed)
    chamber = Chamber.objects.get(name=CHAMBER)
    # Singles published by an earlier bench run are not part of the instance.
    AdvisorRequest.objects.filter(company__chamber=chamber, title=SINGLE).delete()
    # Start from a clean slate: earlier bench runs' proposals would hold slots and capacity.
    Proposal.objects.filter(request__company__chamber=chamber).delete()
    MatchRun.objects.filter(chamber=chamber).delete()
    analyse()
    seeding = time.perf_counter() - seeding

    out = subprocess.run(  # noqa: S603  # this very script, as a fresh process
        [sys.executable, __file__, "--child", "--single", str(args.single), "--seed", str(args.seed)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    stats, total, peak, floor = figures["stats"], figures["total_s"], figures["peak_mb"], figures["floor_s"]
    rss_before, outcome = figures["rss_before_mb"], figures["outcome"]
    print(
        f"\nMatch run ({outcome}) on {connection.vendor}: {stats['requests']} open requests x "
        f"{stats['specialists']} active specialists (seeding/reset took {seeding:.1f} s)\n"
    )
    print(f"{'stage':12} {'seconds':>9}")
    for stage, seconds in stats["stage_seconds"].items():
        print(f"{stage:12} {seconds:9.3f}")
    print(f"{'total':12} {total:9.3f}   (task end to end)")
    print(
        f"{'floor':12} {floor:9.3f}   (binary COPY of the same rows, {figures['floor_mb']} MB); "
        f"total = {total / floor:.1f} x floor"
    )
    pairs = stats["requests"] * stats["specialists"]
    print(
        f"\npair checks {pairs:,}; candidate edges {stats['candidate_edges']:,}; kept (top K) {stats['kept_edges']:,}"
    )
    print(f"the run's own peak RSS {peak:.0f} MB (the fresh process before the run: {rss_before:.0f} MB)")
    print(f"{'':14} {'filled':>8} {'of slots':>9} {'total score':>12}")
    print(f"{'min-cost flow':14} {stats['filled_slots']:8d} {stats['slots']:9d} {stats['total_score']:12d}")
    greedy_filled, greedy_score = figures["greedy"]["filled_slots"], figures["greedy"]["total_score"]
    print(f"{'greedy':14} {greedy_filled:8d} {stats['slots']:9d} {greedy_score:12d}")
    print(
        json.dumps(
            {
                "requests": stats["requests"],
                "specialists": stats["specialists"],
                "total_s": round(total, 3),
                "peak_mb": round(peak),
                "score": stats["total_score"],
                "greedy_score": greedy_score,
                "filled": stats["filled_slots"],
                "greedy_filled": greedy_filled,
                "slots": stats["slots"],
                "candidate_edges": stats["candidate_edges"],
                "stage_s": stats["stage_seconds"],
                "floor_s": floor,
                "total_over_floor": round(total / floor, 2),
                **(
                    {
                        "single_p50_s": figures["single_p50_s"],
                        "single_p95_s": figures["single_p95_s"],
                        "single_p95_over_floor": round(figures["single_p95_s"] / floor, 3),
                    }
                    if args.single
                    else {}
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
