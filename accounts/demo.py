"""Illustrative demo data: two chambers, their admins, SMEs of every size class."""

from django.utils import timezone

from accounts.corporate_number import check_digit
from accounts.models import Chamber, Company, CompanyMembership, User

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed by `make run`; demo data only

ATTORNEY_EMAIL = "sharoushi@demo.tcyss.example"
OPERATOR_EMAIL = "operator@demo.tcyss.example"

CHAMBERS = [("東京商工会議所 (demo)", "13"), ("大阪商工会議所 (demo)", "27")]

# name, industry, capital, employees, chamber index, prefecture, city, security action
COMPANIES = [
    ("株式会社みなと精工", "manufacturing", 30_000_000, 18, 0, "13", "大田区", "one_star"),
    ("有限会社さくら商店", "retail", 3_000_000, 4, 0, "13", "台東区", "none"),
    ("株式会社ひかりシステム", "services", 50_000_000, 85, 0, "13", "千代田区", "two_stars"),
    ("株式会社なにわ物産", "wholesale", 80_000_000, 95, 1, "27", "大阪市中央区", "one_star"),
    ("株式会社浪速メタル", "manufacturing", 500_000_000, 280, 1, "27", "東大阪市", "two_stars"),
    ("株式会社関西リテール大手", "retail", 900_000_000, 1200, 1, "27", "大阪市北区", "none"),
]


def demo_corporate_number(index: int) -> str:
    base = f"{900000000000 + index:012d}"
    return f"{check_digit(base)}{base}"


def seed() -> dict[str, list[str]]:
    """Idempotent: re-running finds the same rows by their natural keys."""
    chambers = [Chamber.objects.get_or_create(name=name, defaults={"prefecture": pref})[0] for name, pref in CHAMBERS]
    logins: dict[str, list[str]] = {"chamber_admin": [], "sme": [], "labour_attorney": [], "operator": []}
    for index, chamber in enumerate(chambers):
        email = f"admin{index + 1}@demo.tcyss.example"
        if not User.objects.filter(email=email).exists():
            User.objects.create_user(
                email,
                DEMO_PASSWORD,
                name=f"{chamber.name} 事務局",
                role=User.Role.CHAMBER_ADMIN,
                chamber=chamber,
                email_confirmed_at=timezone.now(),
            )
        logins["chamber_admin"].append(email)
    for index, (name, industry, capital, employees, chamber_index, pref, city, action) in enumerate(COMPANIES):
        company, _created = Company.objects.get_or_create(
            corporate_number=demo_corporate_number(index),
            defaults={
                "name": name,
                "entity_type": Company.EntityType.CORPORATION,
                "industry": industry,
                "capital_jpy": capital,
                "employees": employees,
                "prefecture": pref,
                "city": city,
                "security_action": action,
                "chamber": chambers[chamber_index],
                "status": Company.Status.VERIFIED if index % 3 else Company.Status.PENDING,
            },
        )
        email = f"sme{index + 1}@demo.tcyss.example"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, DEMO_PASSWORD, name=f"{name} 担当者", role=User.Role.SME, email_confirmed_at=timezone.now()
        )
        CompanyMembership.objects.get_or_create(
            user=user, company=company, defaults={"role": CompanyMembership.Role.OWNER}
        )
        logins["sme"].append(email)
    _sole, _created = Company.objects.get_or_create(
        name="山田デザイン事務所 (個人事業主)",
        entity_type=Company.EntityType.SOLE_PROPRIETOR,
        defaults={
            "industry": "services",
            "employees": 2,
            "prefecture": "13",
            "city": "世田谷区",
            "chamber": chambers[0],
            "status": Company.Status.VERIFIED,
        },
    )
    # A 社労士 acting for the first company on its subsidy cases, and an operator (Django staff).
    attorney = User.objects.filter(email=ATTORNEY_EMAIL).first() or User.objects.create_user(
        ATTORNEY_EMAIL, DEMO_PASSWORD, name="社労士 佐藤 (demo)", role=User.Role.SME, email_confirmed_at=timezone.now()
    )
    first = Company.objects.get(corporate_number=demo_corporate_number(0))
    CompanyMembership.objects.get_or_create(
        user=attorney, company=first, defaults={"role": CompanyMembership.Role.LABOUR_ATTORNEY}
    )
    logins["labour_attorney"].append(ATTORNEY_EMAIL)
    if not User.objects.filter(email=OPERATOR_EMAIL).exists():
        User.objects.create_user(
            OPERATOR_EMAIL,
            DEMO_PASSWORD,
            name="Tcyss 運営 (demo)",
            role=User.Role.SME,
            is_staff=True,
            is_superuser=True,  # the operator also works in Django admin
            email_confirmed_at=timezone.now(),
        )
    logins["operator"].append(OPERATOR_EMAIL)
    return logins
