"""De-identification: what identifies the victim never leaves, and the preview is the share."""

import pytest

from incidents import deidentify
from incidents.models import SharedIncident
from tests.incidents_fixtures import REPORT

OWN_DOMAIN = "alice-seisakusho.co.jp"


def _body(world):
    alice, company = world.alice, world.company
    return {
        **{key: str(value) if key.endswith("_on") else value for key, value in REPORT.items()},
        "engagement": str(world.engagement.id),
        "title": f"{company.name}のランサムウェア被害",
        "summary": (
            f"{company.name}（法人番号{company.corporate_number}）の{alice.name}さんが、"
            f"{alice.email}と03-1234-5678で連絡を受けた。"
            f"vpn.{OWN_DOMAIN}（203.0.113.10）が45.67.89.10から侵入され、"
            "本社（〒100-0005 東京都千代田区丸の内1-2-3）のファイルサーバが暗号化された。"
            "調査は情報 太郎が担当した。"
        ),
        "victim_domains": [OWN_DOMAIN],
        "victim_ips": ["203.0.113.0/24"],
        "domains": ["c2.evil-example.net", f"mail.{OWN_DOMAIN}"],
        "ips": ["45.67.89.10", "203.0.113.10", "10.0.0.5"],
        "email_senders": ["billing@evil-example.net", f"ceo@{OWN_DOMAIN}"],
        "tlp": "green",
    }


def test_a_report_shares_no_name_email_phone_corporate_number_own_domain_or_own_ip(world, client_for):
    alice = client_for(world.alice)
    created = alice.post("/api/v1/incident-reports/", _body(world), format="json")
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]

    preview = alice.post(f"/api/v1/incident-reports/{report_id}/deidentify/")

    assert preview.status_code == 200, preview.content
    shared_text = preview.content.decode()
    company, person = world.company, world.alice.name
    for secret in (
        company.name,
        "アリス製作所",
        company.corporate_number,
        world.alice.email,
        "03-1234-5678",
        OWN_DOMAIN,
        "203.0.113.10",
        "10.0.0.5",
        "丸の内",
        "100-0005",
        "情報 太郎",
        "千代田区",
        *person.split(),
    ):
        assert secret not in shared_text, secret
    incident = preview.json()["incident"]
    assert incident["indicators"] == {
        "hashes": ["d41d8cd98f00b204e9800998ecf8427e"],
        "domains": ["c2.evil-example.net"],
        "ips": ["45.67.89.10"],
        "email_senders": ["billing@evil-example.net"],
        "techniques": ["T1190", "T1486"],
    }
    assert "45.67.89.10" in incident["summary"]  # the attacker's address is technical detail
    assert (incident["region"], incident["industry"], incident["occurred_month"]) == (
        "kanto",
        "manufacturing",
        "2026-05",
    )
    assert incident["author"] == {"id": str(world.tokyo.id), "name": world.tokyo.name}
    assert "losses" not in incident
    assert "loss_jpy" not in incident


def test_the_preview_the_company_approves_is_what_members_read(world, client_for):
    alice, admin, rita = client_for(world.alice), client_for(world.admin), client_for(world.rita)
    report_id = alice.post("/api/v1/incident-reports/", _body(world), format="json").json()["id"]
    preview = alice.post(f"/api/v1/incident-reports/{report_id}/deidentify/").json()
    approved = alice.post(
        f"/api/v1/incident-reports/{report_id}/approve/", {"digest": preview["digest"]}, format="json"
    )
    assert approved.status_code == 200, approved.content
    shared_id = preview["incident"]["id"]
    published = admin.post(f"/api/v1/shared-incidents/{shared_id}/share/", {}, format="json")
    assert published.status_code == 200, published.content

    feed = rita.get("/api/v1/shared-incidents/").json()["results"]

    assert [item["id"] for item in feed] == [shared_id]
    shown = {key: value for key, value in feed[0].items() if key in preview["incident"] and key != "shared_at"}
    assert shown == {key: value for key, value in preview["incident"].items() if key != "shared_at"}
    assert alice.get(f"/api/v1/incident-reports/{report_id}/preview/").json()["incident"] | {"shared_at": None} == (
        preview["incident"] | {"shared_at": None}
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("連絡先 taro.yamada@alice.example まで", "連絡先 [メールアドレス] まで"),
        ("電話 090-1234-5678 / 0312345678 / +81 3 1234 5678", "電話 [電話番号] / [電話番号] / [電話番号]"),
        ("法人番号7000012050002、登録番号T7000012050002", "法人番号[法人番号]、登録番号[法人番号]"),
        ("7-0000-1205-0002 の件", "[法人番号] の件"),
        ("〒100-0005 東京都千代田区丸の内1-2-3にある", "[住所] [住所]にある"),
        ("経理の佐藤さんと田中部長、皆様へ", "経理の[人名]さんと[人名]部長、皆様へ"),
        ("www.alice.example と 198.51.100.7", "[自組織ホスト] と 198.51.100.7"),
        ("192.168.1.20 から 45.67.89.10 へ", "[自組織IP] から 45.67.89.10 へ"),
        ("2026-05-12 10:30 に発生、被害額 1,500,000円", "2026-05-12 10:30 に発生、被害額 1,500,000円"),
        ("hash d41d8cd98f00b204e9800998ecf8427e", "hash d41d8cd98f00b204e9800998ecf8427e"),
        ("ＡＢＣ株式会社のｘ", "ABC株式会社のx"),
    ],
)
def test_scrub_table(text, expected):
    victim = deidentify.Victim(domains=("alice.example",))

    assert deidentify.scrub(text, victim) == expected


def test_scrub_strips_the_company_with_and_without_its_legal_form_and_its_people():
    victim = deidentify.Victim(
        organisations=tuple(deidentify.organisation_names("株式会社アリス製作所")),
        people=tuple(deidentify.person_names("山田 太郎") + deidentify.person_names("Alice Smith")),
    )

    assert deidentify.scrub("株式会社アリス製作所とアリス製作所の山田太郎、山田、alice smith", victim) == (
        "[組織名]と[組織名]の[人名]、[人名]、[人名]"
    )


def test_a_projection_is_one_row_per_report(world):
    from tests.incidents_fixtures import make_report

    report = make_report(world.engagement, world.alice)

    assert SharedIncident.objects.get(report=report).status == "draft"
