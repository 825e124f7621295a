"""Submitting, reviewing and downloading credentials through the API."""

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from talent.models import Certification, Specialist
from tests.talent_fixtures import PDF_BYTES, PNG_BYTES, make_certification, make_specialist, pdf
from workflow.models import StatusChange


@pytest.fixture
def bob(specialist_bob):
    return make_specialist(specialist_bob, status="draft", listed=True)


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p) for p in root.rglob("*") if p.is_file())


def submit(client, **overrides):
    body = {
        "kind": "riss",
        "number": "第017758号",
        "issued_on": "2023-04-01",
        "renewal_deadline": "2026-03-31",
        "evidence": pdf(),
    } | overrides
    return client.post("/api/v1/certifications/", body, format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def test_specialist_submits_a_riss_registration_and_the_profile_awaits_review(client_for, specialist_bob, bob):
    response = submit(client_for(specialist_bob), renewal_deadline="2029-03-31", training_years=[2024, 2025])

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["number"], body["status"], body["counts"]) == (
        "riss",
        "017758",
        "pending",
        False,
    )
    assert body["training_years"] == [2024, 2025]
    assert "riss_verify_url" not in body  # only reviewers get the registry link
    bob.refresh_from_db()
    assert bob.status == "pending"
    stored = str(Certification.objects.get().evidence.name)
    assert stored.startswith("evidence/")
    assert stored.endswith(".pdf")
    assert "card" not in stored


def test_sg_number_off_the_inferred_pattern_is_a_warning_not_an_error(client_for, specialist_bob, bob):
    response = submit(client_for(specialist_bob), kind="sg", number="123456", renewal_deadline="")

    assert response.status_code == 201
    assert response.json()["warnings"] == ["sg_number_pattern"]
    assert response.json()["renewal_deadline"] is None


def test_other_certification_needs_a_name(client_for, specialist_bob, bob):
    missing = submit(client_for(specialist_bob), kind="other", number="", renewal_deadline="")
    named = submit(client_for(specialist_bob), kind="other", name="CISSP", number="123", renewal_deadline="")

    assert missing.status_code == 400
    assert "name" in missing.json()
    assert named.status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"number": "第01775a号"}, "number"),
        ({"number": "1234567"}, "number"),
        ({"number": ""}, "number"),
        ({"renewal_deadline": ""}, "renewal_deadline"),
        ({"renewal_deadline": "2022-01-01"}, "renewal_deadline"),
        ({"issued_on": "2999-04-01"}, "issued_on"),
        ({"kind": "cissp"}, "kind"),
        ({"training_years": [1999]}, "training_years"),
        ({"evidence": io.BytesIO(PNG_BYTES + b"<html><script>alert(1)</script></html>")}, "evidence"),
    ],
)
def test_bad_credentials_are_a_400_naming_the_field_and_store_nothing(
    client_for, specialist_bob, bob, overrides, field
):
    if "evidence" in overrides:
        overrides["evidence"].name = "card.pdf"  # a PNG renamed .pdf, carrying HTML
    files_before = stored_files()

    response = submit(client_for(specialist_bob), **overrides)

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Certification.objects.exists()
    assert stored_files() == files_before
    bob.refresh_from_db()
    assert bob.status == "draft"


def test_evidence_just_over_ten_megabytes_is_a_400_and_stores_nothing(client_for, specialist_bob, bob):
    big = io.BytesIO(PDF_BYTES[:-6] + b"0" * (10 * 1024 * 1024 + 512 * 1024) + b"%%EOF\n")
    big.name = "big.pdf"
    files_before = stored_files()

    response = submit(client_for(specialist_bob), evidence=big)

    assert response.status_code == 400
    assert response.json()["evidence"] == ["The file is larger than 10 MB."]
    assert not Certification.objects.exists()
    assert stored_files() == files_before


def test_an_evidence_body_over_eleven_megabytes_is_a_413_before_it_is_read(client_for, specialist_bob, bob):
    big = io.BytesIO(PDF_BYTES[:-6] + b"0" * (12 * 1024 * 1024) + b"%%EOF\n")
    big.name = "big.pdf"
    files_before = stored_files()

    response = submit(client_for(specialist_bob), evidence=big)

    assert response.status_code == 413
    assert not Certification.objects.exists()
    assert stored_files() == files_before


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\win.pdf", "/var/x.pdf", ".."])
def test_path_traversal_file_name_is_a_400_and_stores_nothing(client_for, specialist_bob, bob, name):
    files_before = stored_files()
    boundary = "BoUnDaRy"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nsg\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="number"\r\n\r\nSG-2024-04-01234\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="issued_on"\r\n\r\n2024-04-20\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = client_for(specialist_bob).generic(
        "POST", "/api/v1/certifications/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 400
    assert not Certification.objects.exists()
    assert stored_files() == files_before


def test_duplicate_riss_number_is_a_400(client_for, specialist_bob, specialist_bea, bob):
    make_specialist(specialist_bea)
    submit(client_for(specialist_bob), renewal_deadline="2029-03-31")

    response = submit(client_for(specialist_bea), renewal_deadline="2029-03-31")

    assert response.status_code == 400
    assert "number" in response.json()
    assert Certification.objects.count() == 1


@pytest.mark.parametrize("admin", ["admin_carol", "admin_oscar"])
def test_any_chamber_admin_verifies_and_the_specialist_becomes_active(
    request, client_for, bob, admin, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = request.getfixturevalue(admin)
    certification = make_certification(bob)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            f"/api/v1/certifications/{certification.id}/verify/", {"note": "IPAの登録簿で確認"}
        )

    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    assert response.json()["riss_verify_url"] == "https://riss.ipa.go.jp/r?r=017758"
    bob.refresh_from_db()
    assert bob.status == "active"
    assert StatusChange.objects.filter(to_status="active", by=reviewer).count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [bob.user.email]


def test_verifying_twice_is_a_409_and_records_once(client_for, admin_carol, bob):
    certification = make_certification(bob)
    client = client_for(admin_carol)
    client.post(f"/api/v1/certifications/{certification.id}/verify/")

    again = client.post(f"/api/v1/certifications/{certification.id}/verify/")

    assert again.status_code == 409
    assert StatusChange.objects.filter(object_id=certification.id).count() == 1


def test_rejecting_needs_a_reason_and_keeps_the_profile_unverified(
    client_for, admin_carol, bob, mailoutbox, django_capture_on_commit_callbacks
):
    certification = make_certification(bob)
    client = client_for(admin_carol)

    with django_capture_on_commit_callbacks(execute=True):
        no_reason = client.post(f"/api/v1/certifications/{certification.id}/reject/", {"note": ""})
    assert mailoutbox == []  # a refused rejection tells nobody anything
    with django_capture_on_commit_callbacks(execute=True):
        rejected = client.post(f"/api/v1/certifications/{certification.id}/reject/", {"note": "画像が不鮮明です"})

    assert no_reason.status_code == 400
    assert rejected.status_code == 200
    (message,) = mailoutbox
    assert message.to == [bob.user.email]
    assert message.subject == "【Tcyss】資格が承認されませんでした"
    assert "画像が不鮮明です" in message.body
    assert rejected.json()["review_note"] == "画像が不鮮明です"
    bob.refresh_from_db()
    assert bob.status == "draft"


def test_pending_or_lapsed_credentials_never_show_as_verified(client_for, specialist_bob, sme_alice):
    bob = make_specialist(specialist_bob)
    import datetime

    make_certification(bob, status="pending", number="000001")
    lapsed = make_certification(
        bob, kind="riss", status="verified", number="000002", deadline=datetime.date(2020, 1, 1)
    )

    profile = client_for(sme_alice).get(f"/api/v1/specialists/{bob.id}/").json()
    own = client_for(specialist_bob).get(f"/api/v1/certifications/{lapsed.id}/").json()

    assert profile["certifications"] == []
    assert (own["status"], own["validity"], own["counts"]) == ("verified", "lapsed", False)


def test_evidence_downloads_as_an_attachment_never_cached_or_sniffed(client_for, admin_oscar, bob):
    certification = make_certification(bob)

    response = client_for(admin_oscar).get(f"/api/v1/certifications/{certification.id}/evidence/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/pdf"


def test_production_settings_keep_evidence_outside_any_served_folder():
    """The deployed settings (not these tests'): private media under var/private, apart from
    static files, and no URL that serves it."""
    script = (
        "import json, django; from django.conf import settings as s; django.setup(); "
        "print(json.dumps([str(s.MEDIA_ROOT), str(s.STATIC_ROOT), s.MEDIA_URL, str(s.BASE_DIR)]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRIVATE_MEDIA", "STATIC_ROOT", "TEST_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "marketplace.settings", "SECRET_KEY": "x" * 50, "DATABASE_URL": ""}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    media, static, media_url, base = (Path(p) if i != 2 else p for i, p in enumerate(json.loads(out.stdout)))

    assert media == base / "var" / "private"
    assert not media.is_relative_to(static)
    assert not static.is_relative_to(media)
    assert media_url in ("", "/")  # no MEDIA_URL: nothing maps a URL onto MEDIA_ROOT


def test_a_stored_evidence_file_is_reachable_only_through_its_endpoint(client_for, admin_carol, bob):
    certification = make_certification(bob)
    relative = certification.evidence.name

    for url in (f"/{relative}", f"/media/{relative}", f"/static/{relative}", f"/private/{relative}"):
        assert client_for(admin_carol).get(url).status_code == 404, url
    assert client_for(admin_carol).get(f"/api/v1/certifications/{certification.id}/evidence/").status_code == 200


@pytest.mark.parametrize("count", [1, 25])
def test_certification_list_runs_a_constant_number_of_queries(
    client_for, admin_carol, bob, django_assert_num_queries, count
):
    for index in range(count):
        make_certification(bob, number=f"{index + 1:06d}")
    client = client_for(admin_carol)

    # 1 user (JWT) + 1 count + 1 page joined to the specialist
    with django_assert_num_queries(3):
        response = client.get("/api/v1/certifications/", {"page_size": 100})

    assert len(response.json()["results"]) == count


def test_specialists_see_only_their_own_certifications(client_for, specialist_bea, bob):
    make_specialist(specialist_bea)
    make_certification(bob)

    response = client_for(specialist_bea).get("/api/v1/certifications/")

    assert response.json()["results"] == []


def test_suspended_specialist_leaves_the_directory_and_can_be_reactivated(client_for, admin_carol, sme_alice, bob):
    Specialist.objects.filter(pk=bob.pk).update(status="active")
    admin = client_for(admin_carol)

    suspended = admin.post(f"/api/v1/specialists/{bob.id}/suspend/", {"note": "本人確認中"})
    listing = client_for(sme_alice).get("/api/v1/specialists/").json()["results"]
    reactivated = admin.post(f"/api/v1/specialists/{bob.id}/reactivate/", {"note": "確認済み"})

    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"
    assert listing == []
    assert reactivated.json()["status"] == "active"
    notes = list(StatusChange.objects.filter(object_id=bob.id).values_list("to_status", "note"))
    assert notes == [("suspended", "本人確認中"), ("active", "確認済み")]


def test_a_registration_past_its_deadline_stops_counting_before_the_daily_task_runs(client_for, specialist_bob):
    """The API's `counts` uses the same rule as the queries: the deadline is checked too."""
    bob = make_specialist(specialist_bob)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    certification = make_certification(bob, status="verified", deadline=yesterday)
    Certification.objects.filter(pk=certification.pk).update(validity="active")  # the task has not run yet

    own = client_for(specialist_bob).get(f"/api/v1/certifications/{certification.id}/").json()

    assert own["counts"] is False
    assert not Certification.objects.counting().filter(pk=certification.pk).exists()
