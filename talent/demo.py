"""Illustrative specialists for demo data and benchmarks (bulk-created, deterministic).

Prices follow DOMAIN.md's illustrative ranges; names are common Japanese names
combined at random. None of it describes a real person.
"""

import datetime
import random
import uuid
from collections.abc import Iterator
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from talent.models import Certification, Skill, Specialist, SpecialistSkill, TravelPrefecture, skill_keys
from talent.services import _search_text

# Name pools as grids of ten (the twenty most common surnames and given names): one name a line
# would fill forty lines with nothing to compare.
SURNAMES = [
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
    "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水",
]  # fmt: skip
GIVEN = [
    "翔太", "大輔", "健太", "拓也", "直樹", "美咲", "陽子", "恵", "由美", "真由美",
    "花子", "彩", "亮", "誠", "剛", "智子", "裕子", "浩", "隆", "明美",
]  # fmt: skip
BIO_PARTS = [
    "中小企業のセキュリティ顧問として{n}社を支援。",
    "ランサムウェア被害の初動対応とフォレンジック調査の経験があります。",
    "ISMS認証取得支援、規程類の整備を得意としています。",
    "製造業の工場ネットワーク（OT）の分離とリスク評価を行ってきました。",
    "Webアプリケーション診断と開発者向け研修を提供します。",
    "クラウド（AWS・Microsoft 365）の設定見直しとログ監視を支援します。",
    "個人情報漏えい時の報告対応と再発防止策の策定を支援します。",
    "Former SOC analyst; comfortable working in English.",
]
# Regions where most specialists live, and so where onsite supply is plentiful.
HOME_PREFECTURES = ["13"] * 30 + ["27"] * 12 + ["14"] * 8 + ["23"] * 7 + ["40"] * 5 + ["11", "12", "01", "26", "28"] * 3
NEIGHBOURS = {
    "13": ["11", "12", "14"],
    "27": ["26", "28", "29"],
    "14": ["13", "22"],
    "23": ["21", "24"],
    "40": ["41", "43"],
    "11": ["13", "10"],
    "12": ["13", "08"],
    "01": [],
    "26": ["27", "25"],
    "28": ["27", "33"],
}
T = TypeVar("T")
DEMO_EVIDENCE = "evidence/demo/illustrative-card.pdf"
_DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _skill_weights(skills: list[Skill]) -> list[float]:
    """Popular skills first: the taxonomy's order roughly follows demand."""
    return [1.0 / (1 + index * 0.35) for index in range(len(skills))]


def _ensure_demo_evidence() -> None:
    if not default_storage.exists(DEMO_EVIDENCE):
        default_storage.save(DEMO_EVIDENCE, ContentFile(_DEMO_PDF))


def _batches(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def seed_specialists(
    count: int, *, email_prefix: str = "specialist", seed: int = 7, number_offset: int = 900_000
) -> int:
    """Create `count` specialists (skipping emails that exist); returns how many were created.

    Mix: ~70% active and listed with a verified RISS or SG, ~10% with a RISS
    registration that lapsed or is due for renewal, ~20% pending review.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    skills = list(Skill.objects.order_by("position"))
    weights = _skill_weights(skills)
    existing = set(User.objects.filter(email__startswith=f"{email_prefix}-").values_list("email", flat=True))
    today = timezone.localdate()
    password = make_password(None)  # unusable: imported people sign in through an invitation or a reset
    _ensure_demo_evidence()
    users: list[User] = []
    specialists: list[Specialist] = []
    levels: list[SpecialistSkill] = []
    travel: list[TravelPrefecture] = []
    certifications: list[Certification] = []
    for index in range(count):
        email = f"{email_prefix}-{index:06d}@demo.tcyss.example"
        if email in existing:
            continue
        name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        # Members of the bank before sign-up confirmation existed: their addresses count as confirmed.
        user = User(
            id=uuid.uuid4(),
            email=email,
            name=name,
            role=User.Role.SPECIALIST,
            password=password,
            email_confirmed_at=timezone.now(),
        )
        users.append(user)
        # A few popular specialists: senior, highly rated, many skills.
        popular = rng.random() < 0.08
        home = rng.choice(HOME_PREFECTURES)
        roll = rng.random()
        status = Specialist.Status.ACTIVE if roll < 0.8 else Specialist.Status.PENDING
        chosen = rng.choices(range(len(skills)), weights=weights, k=rng.randint(2, 7 if popular else 5))
        specialist = Specialist(
            id=uuid.uuid4(),
            user=user,
            display_name=name,
            bio="".join(rng.sample(BIO_PARTS, 2)).format(n=rng.randint(3, 40)),
            prefecture=home,
            remote_ok=rng.random() < 0.85,
            onsite_ok=rng.random() < 0.6,
            accepts_advisor=rng.random() < 0.8,
            accepts_spot=rng.random() < 0.7,
            accepts_incident=rng.random() < (0.6 if popular else 0.3),
            accepts_hire=rng.random() < 0.15,
            hourly_rate_jpy=rng.randrange(10_000, 50_001, 1_000) + (10_000 if popular else 0),
            monthly_retainer_jpy=rng.randrange(30_000, 100_001, 5_000),
            capacity=rng.randint(1, 4),
            active_engagements=0,
            hours_per_month=rng.choice([8, 10, 16, 20, 40]),
            languages=["ja", "en"] if rng.random() < 0.25 else ["ja"],
            industries=rng.sample(["manufacturing", "wholesale", "retail", "services", "other"], rng.randint(1, 3)),
            years_experience=rng.randint(8, 30) if popular else rng.randint(1, 20),
            listed_in_directory=status == Specialist.Status.ACTIVE and rng.random() < 0.9,
            status=status,
            rating=round(rng.uniform(4.2, 5.0) if popular else rng.uniform(3.0, 4.8), 2)
            if rng.random() < 0.7
            else None,
            legal_name=name,
            phone=f"03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
        )
        specialist.rating_count = rng.randint(1, 40) if specialist.rating is not None else 0
        skill_rows = []
        for skill_index in dict.fromkeys(chosen):
            level = min(5, rng.randint(3, 5) if popular else rng.randint(1, 5))
            skill_rows.append(SpecialistSkill(specialist=specialist, skill=skills[skill_index], level=level))
        levels += skill_rows
        specialist.search_text = _search_text(specialist, [row.skill for row in skill_rows])
        specialist.skill_keys = skill_keys((row.skill.pk, row.level) for row in skill_rows)
        specialists.append(specialist)
        if specialist.onsite_ok:
            reach = {home, *rng.sample(NEIGHBOURS.get(home, []), k=min(2, len(NEIGHBOURS.get(home, []))))}
            travel += [TravelPrefecture(specialist=specialist, prefecture=code) for code in sorted(reach)]
        riss_number = f"{(number_offset + index) % 999_999 + 1:06d}"  # unique per prefix
        certifications.append(_certification(rng, specialist, status, today, riss_number))
    tables: list[tuple[Any, list[Any]]] = [
        (User, users),
        (Specialist, specialists),
        (SpecialistSkill, levels),
        (TravelPrefecture, travel),
        (Certification, certifications),
    ]
    for model, rows in tables:
        for batch in _batches(rows, 5000):
            model.objects.bulk_create(batch)
    return len(users)


def _certification(
    rng: random.Random, specialist: Specialist, status: str, today: datetime.date, riss_number: str
) -> Certification:
    verified = status == Specialist.Status.ACTIVE
    if rng.random() < 0.6:
        registered = datetime.date(rng.randint(2017, 2025), rng.choice([4, 10]), 1)
        lapse_roll = rng.random()
        if lapse_roll < 0.08:
            deadline = today - datetime.timedelta(days=rng.randint(1, 400))
        elif lapse_roll < 0.15:
            deadline = today + datetime.timedelta(days=rng.randint(1, 170))
        else:
            deadline = today + datetime.timedelta(days=rng.randint(200, 1000))
        certification = Certification(
            specialist=specialist,
            kind=Certification.Kind.RISS,
            number=riss_number,
            issued_on=registered,
            renewal_deadline=deadline,
            training_years=[registered.year],
        )
    else:
        passed = datetime.date(rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28))
        certification = Certification(
            specialist=specialist,
            kind=Certification.Kind.SG,
            number=f"SG-{passed.year}-{passed.month:02d}-{rng.randint(1, 99999):05d}",
            issued_on=passed,
        )
    certification.status = Certification.Status.VERIFIED if verified else Certification.Status.PENDING
    certification.validity = certification.validity_on(today)
    certification.evidence.name = DEMO_EVIDENCE
    certification.evidence_content_type = "application/pdf"
    certification.evidence_name = "illustrative-card.pdf"
    return certification


def enable_demo_login(password: str) -> str:
    """The first demo specialist can sign in, to try the specialist side."""
    user = User.objects.get(email="specialist-000000@demo.tcyss.example")
    user.set_password(password)
    user.save(update_fields=["password"])
    return user.email
