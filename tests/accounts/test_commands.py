import pytest
from django.core.management import CommandError, call_command

from accounts.models import Chamber, Company, User
from billing.models import Invoice


def test_create_chamber_admin_creates_the_chamber_and_its_admin(db):
    call_command(
        "create_chamber_admin",
        "--chamber",
        "名古屋商工会議所",
        "--prefecture",
        "23",
        "--email",
        "Admin@Nagoya.test",
        "--password",
        "k7#Rt-unique-Passphrase",
    )

    user = User.objects.get(email="admin@nagoya.test")
    assert user.role == "chamber_admin"
    assert user.chamber == Chamber.objects.get(name="名古屋商工会議所", prefecture="23")
    assert user.check_password("k7#Rt-unique-Passphrase")


def test_create_chamber_admin_refuses_a_weak_password(db):
    with pytest.raises(CommandError):
        call_command(
            "create_chamber_admin",
            "--chamber",
            "X",
            "--prefecture",
            "13",
            "--email",
            "a@b.test",
            "--password",
            "1234",
        )

    assert not User.objects.exists()


def test_create_chamber_admin_prompts_for_the_password(db, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt: "k7#Rt-unique-Passphrase")

    call_command("create_chamber_admin", "--chamber", "X", "--prefecture", "13", "--email", "p@b.test")

    assert User.objects.get(email="p@b.test").check_password("k7#Rt-unique-Passphrase")


def test_load_demo_is_idempotent_and_covers_every_size_class(db):
    call_command("load_demo")
    counts = (User.objects.count(), Company.objects.count(), Chamber.objects.count(), Invoice.objects.count())
    call_command("load_demo")

    assert (User.objects.count(), Company.objects.count(), Chamber.objects.count(), Invoice.objects.count()) == counts
    # The demo retainer's two past months and a month of the consultation's confirmed hours.
    assert sorted(Invoice.objects.values_list("kind", flat=True)) == ["hours", "retainer", "retainer"]
    assert {c.size_class for c in Company.objects.all()} == {"small_scale", "sme", "large"}
    assert set(Chamber.objects.values_list("prefecture", flat=True)) == {"13", "27"}
    assert User.objects.filter(role="chamber_admin").count() == 2
    for company in Company.objects.exclude(entity_type="sole_proprietor"):
        from accounts.corporate_number import normalize

        assert normalize(company.corporate_number) == company.corporate_number


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/{app}/{model}/"
        for app, models in {
            "accounts": ["user", "chamber", "company"],
            "workflow": ["statuschange"],
            "notifications": ["notification"],
            "subsidies": ["subsidyprogram", "subsidycase"],
            "billing": ["stripeevent", "connectedaccount", "invoice", "payment", "refund", "timeentry"],
            "talent": ["skill", "specialist", "certification"],
            "matching": ["advisorrequest", "matchrun", "proposal", "engagement", "review"],
        }.items()
        for model in models
    ]
    + ["/admin/accounts/company/add/", "/admin/matching/advisorrequest/add/"],
)
def test_operators_manage_every_model_in_django_admin(client, db, url):
    call_command("load_demo")
    operator = User.objects.create_superuser("root@ops.test", "x", name="Ops", role="sme")
    client.force_login(operator)

    assert client.get(url).status_code == 200
