"""Profiles, privacy of contact details, and the directory."""

import datetime
import importlib
import unicodedata
import uuid

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from talent.models import Certification, Skill, Specialist, SpecialistSkill, TravelPrefecture, skill_keys
from talent.services import refresh_search_columns
from tests.talent_fixtures import make_certification, make_specialist

CONTACT = {"legal_name", "email", "phone"}


def test_signing_up_as_a_specialist_creates_a_draft_profile(anon, db):
    response = anon.post(
        "/api/v1/auth/register/",
        {
            "email": "riss@example.test",
            "password": "k7#Rt-unique-Passphrase",
            "role": "specialist",
            "name": "情報 太郎",
        },
        format="json",
    )

    assert response.status_code == 201
    profile = Specialist.objects.get(user__email="riss@example.test")
    assert (profile.status, profile.display_name, profile.listed_in_directory) == (
        "draft",
        "情報 太郎",
        False,
    )


def test_specialist_edits_their_profile(client_for, specialist_bob):
    make_specialist(specialist_bob, status="draft", listed=False)
    body = {
        "display_name": "ボブ",
        "bio": "製造業のインシデント対応を支援",
        "prefecture": "27",
        "travel_prefectures": ["27", "28", "27"],
        "request_kinds": ["incident", "spot"],
        "hourly_rate_jpy": 30_000,
        "skills": [{"skill": "digital_forensics", "level": 5}, {"skill": "incident_response", "level": 4}],
        "languages": ["ja", "en"],
        "industries": ["manufacturing"],
        "listed_in_directory": True,
        "vendor_affiliations": "株式会社ベンダーA 顧問",
        "email": "bob.contact@example.test",
        "phone": "06-1234-5678",
    }

    response = client_for(specialist_bob).patch("/api/v1/specialists/me/", body, format="json")

    assert response.status_code == 200, response.json()
    profile = response.json()
    assert profile["travel_prefectures"] == ["27", "28"]
    assert profile["request_kinds"] == ["spot", "incident"]
    assert profile["skills"] == [
        {"skill": "incident_response", "level": 4},
        {"skill": "digital_forensics", "level": 5},
    ]
    assert (profile["email"], profile["phone"]) == ("bob.contact@example.test", "06-1234-5678")
    assert profile["status"] == "draft"  # status moves only through review
    search = Specialist.objects.get(user=specialist_bob).search_text
    assert "forensics" in search
    assert "デジタルフォレンジック" in search


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"skills": [{"skill": "astrology", "level": 3}]}, "skills"),
        ({"skills": [{"skill": "incident_response", "level": 6}]}, "skills"),
        ({"travel_prefectures": ["48"]}, "travel_prefectures"),
        ({"request_kinds": ["babysitting"]}, "request_kinds"),
        ({"hourly_rate_jpy": -1}, "hourly_rate_jpy"),
        ({"capacity": 10**6}, "capacity"),
        ({"languages": ["klingon"]}, "languages"),
        ({"phone": "<script>"}, "phone"),
        ({"status": "active", "display_name": ""}, "display_name"),
    ],
)
def test_bad_profile_edits_are_a_400_and_change_nothing(client_for, specialist_bob, body, field):
    profile = make_specialist(specialist_bob, skills={"incident_response": 2}, travel=["13"])
    before = (Specialist.objects.filter(pk=profile.pk).values().get(), list(SpecialistSkill.objects.values()))

    response = client_for(specialist_bob).patch("/api/v1/specialists/me/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    after = (Specialist.objects.filter(pk=profile.pk).values().get(), list(SpecialistSkill.objects.values()))
    assert after == before


def test_status_cannot_be_mass_assigned(client_for, specialist_bob):
    make_specialist(specialist_bob, status="draft", listed=False)

    response = client_for(specialist_bob).patch("/api/v1/specialists/me/", {"status": "active"}, format="json")

    assert response.status_code == 200
    assert Specialist.objects.get(user=specialist_bob).status == "draft"


@pytest.fixture
def bob_listed(specialist_bob):
    profile = make_specialist(specialist_bob, legal_name="Robert 情報", phone="03-0000-0000", skills={"bcp": 3})
    make_certification(profile, status="verified")
    return profile


@pytest.mark.parametrize(
    ("viewer", "sees_contact"),
    [
        ("specialist_bob", True),
        ("admin_carol", True),
        ("admin_oscar", True),
        ("operator_olga", True),
        ("sme_alice", False),
        ("specialist_bea", False),
        ("stranger_dave", False),
    ],
)
def test_contact_details_only_for_self_and_chamber_admins(request, client_for, bob_listed, viewer, sees_contact):
    user = request.getfixturevalue(viewer)

    profile = client_for(user).get(f"/api/v1/specialists/{bob_listed.id}/").json()

    assert (set(profile) >= CONTACT) is sees_contact
    if sees_contact:
        assert profile["phone"] == "03-0000-0000"
    assert "number" not in str(profile.get("certifications"))


def test_directory_never_shows_contact_details_or_registration_numbers(client_for, admin_carol, bob_listed):
    results = client_for(admin_carol).get("/api/v1/specialists/").json()["results"]

    assert len(results) == 1
    assert not CONTACT & set(results[0])
    assert "017758" not in str(results)
    assert results[0]["certifications"] == ["riss"]
    assert results[0]["vendor_affiliations"] == ""


def test_unlisted_or_unverified_profiles_are_404_outside_admins(client_for, specialist_bea, sme_alice, admin_oscar):
    hidden = make_specialist(specialist_bea, listed=False)

    assert client_for(sme_alice).get(f"/api/v1/specialists/{hidden.id}/").status_code == 404
    assert client_for(admin_oscar).get(f"/api/v1/specialists/{hidden.id}/").status_code == 200
    assert client_for(specialist_bea).get(f"/api/v1/specialists/{hidden.id}/").status_code == 200


def test_skills_are_labelled_in_the_callers_language(anon, db):
    japanese = anon.get("/api/v1/skills/", HTTP_ACCEPT_LANGUAGE="ja").json()
    english = anon.get("/api/v1/skills/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert japanese[0] == {
        "slug": "incident_response",
        "label": "インシデント対応",
        "label_ja": "インシデント対応",
        "label_en": "Incident response",
    }
    assert english[0]["label"] == "Incident response"
    slugs = {item["slug"] for item in english}
    assert {"digital_forensics", "malware_analysis", "isms_policy", "personal_information", "iot_ot"} <= slugs


def _many_specialists(count):
    skills = list(Skill.objects.all()[:3])
    for index in range(count):
        user = User.objects.create_user(
            f"s{index}@example.test", None, name=f"S{index}", role="specialist", email_confirmed_at=timezone.now()
        )
        profile = make_specialist(user, skills={skill.slug: 3 for skill in skills}, travel=["13", "14"])
        make_certification(profile, status="verified", number=f"{index + 1:06d}")


@pytest.mark.parametrize("count", [2, 40])
def test_directory_runs_a_constant_number_of_queries(client_for, sme_alice, django_assert_num_queries, count):
    _many_specialists(count)
    client = client_for(sme_alice)

    # 1 user (JWT) + 1 skill check + 1 count + 1 page + skills, travel and credentials of the page
    with django_assert_num_queries(7):
        response = client.get(
            "/api/v1/specialists/", {"page_size": 100, "skills": "incident_response", "certification": "riss"}
        )

    assert len(response.json()["results"]) == count


def test_a_directory_card_shows_what_the_profile_page_shows(client_for, sme_alice, specialist_bob, db):
    """The directory builds its cards from plain values; each must equal the profile page
    (for an SME: no contact details) field for field."""
    ann = make_specialist(
        User.objects.create_user(
            "ann@example.test", None, name="Ann", role="specialist", email_confirmed_at=timezone.now()
        ),
        skills={"cloud_security": 2, "incident_response": 5, "bcp": 3},
        travel=["27", "13", "01"],
        onsite_ok=True,
        accepts_incident=True,
        accepts_spot=False,
        rating=4.5,
        rating_count=2,
        capacity=1,
        active_engagements=1,
        languages=["ja", "en"],
        industries=["retail"],
        vendor_affiliations="Vendor K.K.",
    )
    make_certification(ann, kind="sg", status="verified", number="SG-1")
    make_certification(ann, status="verified", number="000002")
    make_certification(ann, status="verified", number="000003")  # a second RISS: the kind once
    make_certification(ann, kind="other", status="verified")
    bob = make_specialist(specialist_bob, skills={"bcp": 1}, prefecture="", accepts_advisor=False, accepts_hire=True)
    make_certification(bob, status="verified", number="000004", deadline=datetime.date(2020, 1, 1))  # lapsed
    make_certification(bob, kind="sg", status="rejected", number="SG-2")
    client = client_for(sme_alice)

    cards = client.get("/api/v1/specialists/").json()["results"]

    assert [card["display_name"] for card in cards] == ["Ann", bob.display_name]
    taxonomy_order = [("incident_response", 5), ("cloud_security", 2), ("bcp", 3)]
    assert cards[0]["skills"] == [{"skill": slug, "level": level} for slug, level in taxonomy_order]
    assert (cards[0]["certifications"], cards[1]["certifications"]) == (["other", "riss", "sg"], [])
    assert (cards[0]["request_kinds"], cards[1]["request_kinds"]) == (["advisor", "incident"], ["spot", "hire"])
    assert (cards[0]["has_capacity"], cards[1]["has_capacity"]) == (False, True)
    for card in cards:
        assert card == client.get(f"/api/v1/specialists/{card['id']}/").json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"skills": "astrology"}, "skills"),
        ({"prefecture": "99"}, "prefecture"),
        ({"ordering": "salary"}, "ordering"),
        ({"rate_min": "cheap"}, "rate_min"),
        ({"rate_max": str(10**20)}, "rate_max"),
        ({"min_level": "9"}, "min_level"),
        ({"request_kind": "babysitting"}, "request_kind"),
        ({"q": "x" * 300}, "q"),
    ],
)
def test_bad_directory_queries_are_a_400(client_for, sme_alice, query, field):
    response = client_for(sme_alice).get("/api/v1/specialists/", query)

    assert response.status_code == 400
    assert field in response.json()


# --- directory results equal a brute-force filter -----------------------------

TODAY = datetime.date.today()  # noqa: DTZ011 - only compared with dates the test itself makes
SKILL_POOL = ["incident_response", "digital_forensics", "cloud_security", "bcp"]
PREFS = ["13", "27", "14"]
NAMES = ["佐藤 翔太", "Tanaka Ken", "鈴木 彩"]
BIOS = ["フォレンジック 調査", "cloud audit", ""]
WORDS = ["佐藤", "tanaka", "フォレンジック", "cloud", "インシデント対応", "forensics", "zzz", "Ｃｌｏｕｄ"]

profile_strategy = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["active", "active", "active", "pending", "suspended"]),
        "listed": st.sampled_from([True, True, True, False]),
        "prefecture": st.sampled_from(PREFS),
        "travel": st.lists(st.sampled_from(PREFS), unique=True, max_size=2),
        "remote_ok": st.booleans(),
        "onsite_ok": st.booleans(),
        "kinds": st.sets(st.sampled_from(["advisor", "spot", "incident", "hire"])),
        "rate": st.integers(5_000, 50_000),
        "capacity": st.integers(0, 3),
        "active": st.integers(0, 3),
        "rating": st.one_of(st.none(), st.sampled_from([3.0, 4.0, 4.5, 5.0])),
        "years": st.integers(0, 30),
        "skills": st.dictionaries(st.sampled_from(SKILL_POOL), st.integers(1, 5), max_size=3),
        "certs": st.lists(
            st.tuples(st.sampled_from(["riss", "sg"]), st.sampled_from(["verified", "pending"]), st.booleans()),
            max_size=2,
        ),
        "name": st.sampled_from(NAMES),
        "bio": st.sampled_from(BIOS),
    }
)
FILTERS = {
    "skills": st.lists(st.sampled_from(SKILL_POOL), min_size=1, max_size=2, unique=True).map(",".join),
    "min_level": st.integers(1, 5),
    "prefecture": st.sampled_from(PREFS),
    "onsite_in": st.sampled_from(PREFS),
    "certification": st.sampled_from(["riss", "sg"]),
    "request_kind": st.sampled_from(["advisor", "spot", "incident", "hire"]),
    "remote_ok": st.booleans(),
    "onsite_ok": st.booleans(),
    "rate_min": st.integers(0, 50_000),
    "rate_max": st.integers(0, 50_000),
    "has_capacity": st.booleans(),
    "q": st.sampled_from(WORDS),
    "ordering": st.sampled_from(
        ["rating", "-rating", "hourly_rate_jpy", "-hourly_rate_jpy", "years_experience", "-years_experience"]
    ),
}
# A few filters at a time, so results are rarely empty and each filter gets exercised.
filter_strategy = st.lists(st.sampled_from(sorted(FILTERS)), max_size=3, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries({key: FILTERS[key] for key in keys})
)


def _build(profiles):
    Certification.objects.all().delete()
    Specialist.objects.all().delete()
    User.objects.filter(role="specialist").delete()
    skills = {skill.slug: skill for skill in Skill.objects.filter(slug__in=SKILL_POOL)}
    built = []
    for index, p in enumerate(profiles):
        user = User.objects.create_user(
            f"p{index}@example.test", None, name=p["name"], role="specialist", email_confirmed_at=timezone.now()
        )
        profile = Specialist.objects.create(
            user=user,
            display_name=p["name"],
            bio=p["bio"],
            status=p["status"],
            listed_in_directory=p["listed"],
            prefecture=p["prefecture"],
            remote_ok=p["remote_ok"],
            onsite_ok=p["onsite_ok"],
            hourly_rate_jpy=p["rate"],
            capacity=p["capacity"],
            active_engagements=p["active"],
            rating=p["rating"],
            years_experience=p["years"],
            **{f"accepts_{kind}": kind in p["kinds"] for kind in ["advisor", "spot", "incident", "hire"]},
        )
        SpecialistSkill.objects.bulk_create(
            SpecialistSkill(specialist=profile, skill=skills[slug], level=level) for slug, level in p["skills"].items()
        )
        TravelPrefecture.objects.bulk_create(TravelPrefecture(specialist=profile, prefecture=c) for c in p["travel"])
        for number, (kind, status, lapsed) in enumerate(p["certs"]):
            deadline = TODAY + datetime.timedelta(days=-1 if lapsed else 400)
            cert = Certification(
                specialist=profile,
                kind=kind,
                number=f"{index * 10 + number + 1:06d}" if kind == "riss" else "SG-x",
                issued_on=datetime.date(2020, 4, 1),
                renewal_deadline=deadline if kind == "riss" else None,
                status=status,
                evidence_content_type="application/pdf",
            )
            cert.evidence.name = "evidence/test.pdf"
            cert.validity = cert.validity_on(TODAY)
            cert.save()
        refresh_search_columns(profile)
        built.append((profile.id, p))
    return built


def _text(p):
    labels = []
    for skill in Skill.objects.filter(slug__in=list(p["skills"])):
        labels += [skill.slug.replace("_", " "), skill.label_ja, skill.label_en]
    return unicodedata.normalize("NFKC", " ".join([p["name"], p["bio"], *labels])).lower()


def _brute_force(p, f):
    """The directory's rules, written out plainly."""
    if p["status"] != "active" or not p["listed"]:
        return False
    level = f.get("min_level", 1)
    if "skills" in f and not all(p["skills"].get(slug, 0) >= level for slug in f["skills"].split(",")):
        return False
    if "prefecture" in f and p["prefecture"] != f["prefecture"]:
        return False
    if "onsite_in" in f and not (p["onsite_ok"] and f["onsite_in"] in p["travel"]):
        return False
    if "certification" in f and not any(
        kind == f["certification"] and status == "verified" and not (kind == "riss" and lapsed)
        for kind, status, lapsed in p["certs"]
    ):
        return False
    if "request_kind" in f and f["request_kind"] not in p["kinds"]:
        return False
    for flag in ("remote_ok", "onsite_ok"):
        if flag in f and p[flag] != f[flag]:
            return False
    if "rate_min" in f and p["rate"] < f["rate_min"]:
        return False
    if "rate_max" in f and p["rate"] > f["rate_max"]:
        return False
    if "has_capacity" in f and (p["active"] < p["capacity"]) != f["has_capacity"]:
        return False
    return not ("q" in f and unicodedata.normalize("NFKC", f["q"]).lower() not in _text(p))


def _sort_key(ordering):
    field = {"rating": "rating", "hourly_rate_jpy": "rate", "years_experience": "years"}[ordering.lstrip("-")]
    descending = ordering.startswith("-")

    def key(item):
        pk, p = item
        value = p[field]
        if value is None:
            return (1, 0, pk)
        return (0, -value if descending else value, pk)

    return key


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    profiles=st.lists(profile_strategy, min_size=3, max_size=10),
    queries=st.lists(filter_strategy, min_size=6, max_size=6),
)
def test_directory_equals_a_brute_force_filter(client_for, sme_alice, profiles, queries):
    built = _build(profiles)
    client = client_for(sme_alice)

    for query in queries:
        response = client.get("/api/v1/specialists/", {**query, "page_size": 100})

        assert response.status_code == 200, response.json()
        returned = [uuid.UUID(item["id"]) for item in response.json()["results"]]
        expected = [(pk, p) for pk, p in built if _brute_force(p, query)]
        assert set(returned) == {pk for pk, _ in expected}, query
        ordering = query.get("ordering", "-rating")
        assert returned == [pk for pk, _ in sorted(expected, key=_sort_key(ordering))], query


def test_directory_counts_exactly_up_to_the_cap_then_says_so(client_for, sme_alice, settings):
    settings.DIRECTORY_COUNT_CAP = 3
    _many_specialists(5)
    client = client_for(sme_alice)

    capped = client.get("/api/v1/specialists/", {"page_size": 2}).json()
    exact = client.get("/api/v1/specialists/", {"page_size": 2, "prefecture": "27"}).json()

    assert (capped["count"], capped["count_is_exact"], len(capped["results"])) == (4, False, 2)
    assert capped["next"] is not None
    assert (exact["count"], exact["count_is_exact"]) == (0, True)
    settings.DIRECTORY_COUNT_CAP = 0
    assert client.get("/api/v1/specialists/").json()["count"] == 5


@pytest.mark.postgres("the directory reads skill_keys only on PostgreSQL")
def test_the_skill_keys_migration_fills_existing_profiles(client_for, sme_alice, specialist_bob):
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("talent.migrations.0004_specialist_skill_keys")
    profile = make_specialist(specialist_bob, skills={"incident_response": 4, "bcp": 2})
    Specialist.objects.update(skill_keys=[])  # as the column was added
    client = client_for(sme_alice)
    assert client.get("/api/v1/specialists/", {"skills": "bcp"}).json()["count"] == 0

    with connection.schema_editor() as editor:
        migration.backfill(apps, editor)

    ids = dict(Skill.objects.values_list("slug", "id"))
    assert Specialist.objects.get(pk=profile.pk).skill_keys == skill_keys(
        [(ids["incident_response"], 4), (ids["bcp"], 2)]
    )
    assert client.get("/api/v1/specialists/", {"skills": "incident_response,bcp", "min_level": 2}).json()["count"] == 1
    assert client.get("/api/v1/specialists/", {"skills": "incident_response,bcp", "min_level": 3}).json()["count"] == 0
