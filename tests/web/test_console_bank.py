"""The console's companies, credentials and specialists (web/console/bank.py): filters, the bulk
decision, rows swapped in place by htmx, evidence inline, history, the CSV import's preview and
progress, another chamber's objects out of reach, and a constant number of queries per list.

Pages are read in English (the language cookie) unless a test reads the Japanese."""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Company
from talent import import_jobs
from talent.models import Certification, Specialist
from tests import factories
from tests.talent_fixtures import PNG_BYTES, make_certification, make_specialist
from workflow.models import StatusChange

TODAY = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(client, user, language="en"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def pending(cast, n=1, **fields):
    return [factories.CompanyFactory(chamber=cast.tokyo, status="pending", **fields) for _ in range(n)]


def bulk(client, decision, ids, note="", htmx=False):
    data = {"bulk-action": "bulk", "bulk-decision": decision, "bulk-note": note, "bulk-ids": [str(i) for i in ids]}
    return client.post(reverse("console:companies"), data, **(HTMX if htmx else {}))


def statuses(companies):
    return [Company.objects.get(pk=c.pk).status for c in companies]


# --- companies: the list -------------------------------------------------------------------------


def test_the_queue_shows_the_corporate_number_1_4_4_4_with_the_nta_link_and_the_size_basis(client, cast):
    company = factories.CompanyFactory(
        chamber=cast.tokyo,
        status="pending",
        corporate_number="7000012050002",
        industry="retail",
        capital_jpy=100_000_000,
        employees=51,
    )
    body = signed_in(client, cast.admin_carol).get(reverse("console:companies")).content.decode()
    assert "7-0000-1205-0002" in body
    assert 'href="https://www.houjin-bangou.nta.go.jp/henkorireki-johoto.html?selHouzinNo=7000012050002"' in body
    assert "Large: neither the capital test nor the employee test is met." in body
    assert company.name in body


def test_filters_narrow_the_queue_and_sorting_orders_it(client, cast):
    osaka_like = pending(cast, prefecture="27", city="大阪市", name="株式会社なにわ")[0]
    small = pending(cast, employees=3, name="株式会社ちいさい")[0]
    big = pending(cast, employees=5000, capital_jpy=5_000_000_000, name="株式会社おおきい")[0]
    factories.CompanyFactory(chamber=cast.tokyo, status="verified", name="株式会社確認済み")
    signed_in(client, cast.admin_carol)
    url = reverse("console:companies")

    def names(**query):
        body = client.get(url, query).content.decode()
        listed = [c for c in (osaka_like, small, big) if c.name in body]
        return [c.name for c in listed], body

    assert names(prefecture="27")[0] == [osaka_like.name]
    assert names(size="small_scale")[0] == [small.name]
    assert names(size="large")[0] == [big.name]
    assert names(q="ちいさ")[0] == [small.name]
    assert "株式会社確認済み" not in names()[1]  # pending by default
    assert "株式会社確認済み" in names(status="verified")[1]
    every = names(status="")  # "Any"
    assert "株式会社確認済み" in every[1]
    assert len(every[0]) == 3
    assert names(status="nonsense")[0] == names()[0]  # an unknown value: the default (pending)
    body = client.get(url, {"sort": "employees"}).content.decode()
    assert body.index(big.name) < body.index(osaka_like.name) < body.index(small.name)


def test_the_pages_keep_the_filters(client, cast):
    pending(cast, 51, prefecture="27")
    body = signed_in(client, cast.admin_carol).get(reverse("console:companies"), {"prefecture": "27"}).content.decode()
    assert "Page 1 of 2" in body
    assert "?status=&amp;prefecture=27" not in body  # only what was asked
    assert "prefecture=27&amp;page=2" in body


# --- companies: decisions ------------------------------------------------------------------------


def test_two_companies_verified_in_one_bulk_decision(client, cast):
    first, second, untouched = pending(cast, 3)
    response = bulk(signed_in(client, cast.admin_carol), "verify", [first.pk, second.pk], note="登記を確認")
    assert response.status_code == 302
    assert statuses([first, second, untouched]) == ["verified", "verified", "pending"]
    assert "2 companies are verified; their people are told." in client.get(response["Location"]).content.decode()
    change = StatusChange.objects.filter(object_id=first.pk).latest("created_at")
    assert (change.from_status, change.to_status, change.by, change.note) == (
        "pending",
        "verified",
        cast.admin_carol,
        "登記を確認",
    )


def test_rejecting_in_bulk_needs_the_reason_beside_its_field(client, cast):
    companies = pending(cast, 2)
    response = bulk(signed_in(client, cast.admin_carol), "reject", [c.pk for c in companies], note="  ")
    assert response.status_code == 400
    body = response.content.decode()
    assert '<p class="field__error" id="id_bulk-note_error">Give the reason for rejecting.</p>' in body
    assert statuses(companies) == ["pending", "pending"]


def test_a_bulk_decision_with_nothing_ticked_says_so(client, cast):
    pending(cast)
    response = bulk(signed_in(client, cast.admin_carol), "verify", [])
    assert response.status_code == 400
    assert "Tick at least one company in the list." in response.content.decode()


def test_a_refused_company_in_a_bulk_decision_changes_none(client, cast):
    fresh = pending(cast)[0]
    response = bulk(signed_in(client, cast.admin_carol), "verify", [fresh.pk, cast.alice_company.pk])
    assert response.status_code == 400
    body = response.content.decode()
    assert "Cannot change company from verified to verified." in body
    assert f"{cast.alice_company.name}: refused, so nothing was changed." in body
    assert statuses([fresh]) == ["pending"]
    assert not StatusChange.objects.filter(object_id=fresh.pk).exists()


def test_another_chambers_company_in_a_bulk_decision_is_not_found_and_changes_none(client, cast):
    ours = pending(cast)[0]
    theirs = factories.CompanyFactory(chamber=cast.osaka, status="pending")
    response = bulk(signed_in(client, cast.admin_carol), "verify", [ours.pk, theirs.pk])
    assert response.status_code == 404
    assert statuses([ours, theirs]) == ["pending", "pending"]


def test_htmx_bulk_answers_the_form_and_the_decided_rows_to_swap_in_place(client, cast):
    first, second = pending(cast, 2)
    response = bulk(signed_in(client, cast.admin_carol), "verify", [first.pk, second.pk], htmx=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="bulk" id="bulk-box"')
    assert "2 companies are verified; their people are told." in body
    for company in (first, second):
        assert f'<template><tr id="company-{company.pk}" hx-swap-oob="true">' in body
    assert body.count('<span class="status status--verified">Verified</span>') == 2


def test_htmx_bulk_refused_answers_the_form_with_its_error_and_status_200(client, cast):
    companies = pending(cast, 2)
    response = bulk(signed_in(client, cast.admin_carol), "reject", [c.pk for c in companies], htmx=True)
    assert response.status_code == 200  # htmx swaps only a 2xx: the form shows its error
    assert "Give the reason for rejecting." in response.content.decode()
    assert "<template>" not in response.content.decode()
    assert statuses(companies) == ["pending", "pending"]


def test_htmx_row_decision_answers_the_row_with_its_new_state(client, cast):
    company = pending(cast)[0]
    url = reverse("console:companies")
    data = {"verify-action": "verify", "verify-target": company.pk, "verify-note": ""}
    response = signed_in(client, cast.admin_carol).post(url, data, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith(f'<tr id="company-{company.pk}">')
    assert "The company is verified; its people are told." in body
    assert 'name="verify-action"' not in body  # decided: no more forms
    assert statuses([company]) == ["verified"]


def test_htmx_row_refusal_answers_the_row_with_the_error_beside_the_field(client, cast):
    company = pending(cast)[0]
    data = {"reject-action": "reject", "reject-target": company.pk, "reject-note": ""}
    response = signed_in(client, cast.admin_carol).post(reverse("console:companies"), data, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{company.pk}_reject-note_error">This field is required.</p>' in body
    assert '<details class="decide" open>' in body
    assert statuses([company]) == ["pending"]


def test_htmx_row_decision_on_another_chambers_company_is_not_found(client, cast):
    theirs = factories.CompanyFactory(chamber=cast.osaka, status="pending")
    data = {"verify-action": "verify", "verify-target": theirs.pk, "verify-note": ""}
    response = signed_in(client, cast.admin_carol).post(reverse("console:companies"), data, **HTMX)
    assert response.status_code == 404
    assert statuses([theirs]) == ["pending"]


# --- companies: the object page ------------------------------------------------------------------


def test_the_company_page_shows_its_history_and_related_objects(client, cast):
    company = pending(cast)[0]
    url = reverse("console:company", kwargs={"company_id": company.pk})
    signed_in(client, cast.admin_carol)
    client.post(url, {"reject-action": "reject", "reject-target": company.pk, "reject-note": "登記簿と不一致"})
    body = client.get(url).content.decode()
    assert "History" in body
    assert "Pending → Rejected" in body
    assert "登記簿と不一致" in body
    assert cast.admin_carol.name in body
    assert "NTA&#x27;s public page" in body or "NTA's public page" in body

    alice_page = client.get(reverse("console:company", kwargs={"company_id": cast.alice_company.pk})).content
    assert cast.sme_alice.email in alice_page.decode()  # its people


def test_another_chambers_company_page_is_not_found(client, cast):
    url = reverse("console:company", kwargs={"company_id": cast.erin_company.pk})
    assert signed_in(client, cast.admin_carol).get(url).status_code == 404


# --- credentials ---------------------------------------------------------------------------------


@pytest.fixture
def bob(cast):
    return make_specialist(cast.specialist_bob, display_name="坂本 ボブ")


def test_the_review_page_shows_the_evidence_inline_beside_the_form(client, cast, bob):
    cert = make_certification(bob)
    url = reverse("console:certification", kwargs={"certification_id": cert.pk})
    response = signed_in(client, cast.admin_carol).get(url)
    body = response.content.decode()
    inline = reverse("console:certification_evidence_inline", kwargs={"certification_id": cert.pk})
    assert f'<iframe class="evidence__frame" src="{inline}"' in body
    assert 'name="verify-action"' in body
    assert 'name="reject-action"' in body
    assert 'href="https://riss.ipa.go.jp/r?r=017758"' in body
    # the page may frame its own origin: default-src 'self' covers frame-src and object-src
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-src" not in response["Content-Security-Policy"]


def test_image_evidence_is_an_img_through_the_same_endpoint(client, cast, bob):
    cert = make_certification(bob, kind="sg", number="SG-2024-04-00001")
    cert.evidence.save("card.png", SimpleUploadedFile("card.png", PNG_BYTES), save=False)
    Certification.objects.filter(pk=cert.pk).update(
        evidence=cert.evidence.name, evidence_content_type="image/png", evidence_name="card.png"
    )
    body = signed_in(client, cast.admin_carol).get(reverse("console:certification", args=[cert.pk])).content.decode()
    assert f'<img class="evidence__image" src="/console/certifications/{cert.pk}/evidence/inline/"' in body


def test_the_inline_evidence_may_be_framed_by_our_pages_only_and_is_never_cached(client, cast, bob):
    cert = make_certification(bob)
    response = signed_in(client, cast.admin_carol).get(
        reverse("console:certification_evidence_inline", kwargs={"certification_id": cert.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert (response["Cache-Control"], response["X-Content-Type-Options"]) == ("no-store", "nosniff")
    # every other page still refuses to be framed
    other = client.get(reverse("console:certification", kwargs={"certification_id": cert.pk}))
    assert other["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_the_inline_evidence_is_for_admins_only(client, cast, bob):
    cert = make_certification(bob)
    url = reverse("console:certification_evidence_inline", kwargs={"certification_id": cert.pk})
    assert signed_in(client, cast.sme_alice).get(url).status_code == 404


def test_verifying_a_credential_records_the_history_shown_on_its_page(client, cast, bob):
    cert = make_certification(bob)
    url = reverse("console:certification", kwargs={"certification_id": cert.pk})
    signed_in(client, cast.admin_oscar)  # the bank is shared: any chamber's admin reviews
    response = client.post(url, {"verify-action": "verify", "verify-target": cert.pk, "verify-note": "番号を確認"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Pending review → Verified" in body
    assert "番号を確認" in body
    refused = client.post(url, {"reject-action": "reject", "reject-target": cert.pk, "reject-note": "x"})
    assert refused.status_code == 400
    assert "Cannot change certification from verified to rejected." in refused.content.decode()


def test_renewal_due_and_lapsed_registrations_have_their_lists(client, cast, bob):
    due = make_certification(bob, status="verified", number="000001", deadline=TODAY + datetime.timedelta(days=30))
    lapsed = make_certification(bob, status="verified", number="000002", deadline=TODAY - datetime.timedelta(days=1))
    fine = make_certification(bob, status="verified", number="000003", deadline=TODAY + datetime.timedelta(days=900))
    waiting = make_certification(bob, number="000004")
    signed_in(client, cast.admin_carol)
    url = reverse("console:certifications")

    def listed(queue):
        body = client.get(url, {"queue": queue}).content.decode()
        return {c.number for c in (due, lapsed, fine, waiting) if f"<td>{c.number}</td>" in body}, body

    assert listed("pending")[0] == {"000004"}
    assert listed("renewal_due")[0] == {"000001"}
    assert listed("lapsed")[0] == {"000002"}
    body = listed("lapsed")[1]
    assert '<a href="?queue=lapsed" aria-current="page">Lapsed <span class="tabs__count">(1)</span></a>' in body
    assert 'Renewal due <span class="tabs__count">(1)</span>' in body


# --- specialists ---------------------------------------------------------------------------------


def test_specialists_are_searched_by_name_or_email(client, cast, bob):
    make_specialist(cast.specialist_bea, display_name="ビー 花子")
    signed_in(client, cast.admin_carol)
    url = reverse("console:specialists")
    body = client.get(url, {"q": "ボブ"}).content.decode()
    assert "坂本 ボブ" in body
    assert "ビー 花子" not in body
    body = client.get(url, {"q": cast.specialist_bea.email}).content.decode()
    assert "ビー 花子" in body
    assert "坂本 ボブ" not in body


def test_the_specialist_page_shows_history_credentials_and_suspends_with_the_reason(client, cast, bob):
    cert = make_certification(bob)
    url = reverse("console:specialist", kwargs={"specialist_id": bob.pk})
    signed_in(client, cast.admin_carol)
    body = client.get(url).content.decode()
    assert reverse("console:certification", kwargs={"certification_id": cert.pk}) in body
    response = client.post(url, {"suspend-action": "suspend", "suspend-target": bob.pk, "suspend-note": ""})
    assert response.status_code == 400
    assert Specialist.objects.get(pk=bob.pk).status == "active"
    client.post(url, {"suspend-action": "suspend", "suspend-target": bob.pk, "suspend-note": "資格の確認中"})
    body = client.get(url).content.decode()
    assert Specialist.objects.get(pk=bob.pk).status == "suspended"
    assert "Active → Suspended" in body
    assert "資格の確認中" in body
    assert 'name="reactivate-action"' in body


def test_htmx_suspension_answers_the_row(client, cast, bob):
    data = {"suspend-action": "suspend", "suspend-target": bob.pk, "suspend-note": "確認中"}
    response = signed_in(client, cast.admin_carol).post(reverse("console:specialists"), data, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith(f'<tr id="specialist-{bob.pk}">')
    assert "The specialist is suspended; their undecided proposals are withdrawn." in body
    assert 'name="reactivate-action"' in body
    assert 'name="deactivate-action"' in body  # the row keeps its other form


# --- the CSV import ------------------------------------------------------------------------------

HEADER = "email,display_name,prefecture,remote_ok,hourly_rate_jpy,skills\n"
CSV = (
    HEADER
    + "hanako@example.test,山田 花子,13,yes,20000,incident_response:4\n"
    + "not-an-email,,99,maybe,cheap,astrology:3\n"
    + "taro@example.test,田中 太郎,13,yes,-5,\n"
)


def upload(client, text, mode="preview"):
    file = SimpleUploadedFile("bank.csv", text.encode("utf-8-sig"), content_type="text/csv")
    return client.post(reverse("console:specialist_import"), {"file": file, "mode": mode})


def test_the_preview_lists_every_error_of_every_line_and_writes_nothing(
    client, cast, django_capture_on_commit_callbacks
):
    signed_in(client, cast.admin_carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, CSV)
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    errors = [
        ("3", "A (email)", "is not a valid email address"),
        ("3", "B (display_name)", "is required"),
        ("3", "C (prefecture)", "unknown prefecture code &#x27;99&#x27;"),
        ("3", "D (remote_ok)", "expected yes/no, got &#x27;maybe&#x27;"),
        ("3", "E (hourly_rate_jpy)", "expected a whole number, got &#x27;cheap&#x27;"),
        ("3", "F (skills)", "unknown skill &#x27;astrology&#x27;"),
        ("4", "E (hourly_rate_jpy)", "must not be negative"),
    ]
    for line, column, message in errors:
        assert f'<td class="number">{line}</td><td>{column}</td><td>{message}</td>' in body, (line, column)
    assert body.count('<tr class="import-error">') == len(errors)
    assert "1 would be created and 0 updated; 7 errors." in body
    assert "Errors on 2 lines" in body
    assert not Specialist.objects.exists()


def test_the_preview_speaks_the_admins_language(client, cast, django_capture_on_commit_callbacks):
    signed_in(client, cast.admin_carol, language="ja")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, CSV)
    body = client.get(response["Location"]).content.decode()
    assert "<td>B (display_name)</td><td>必須です</td>" in body
    assert "<td>E (hourly_rate_jpy)</td><td>負の数は使えません</td>" in body


def test_a_clean_preview_is_imported_with_one_button(client, cast, django_capture_on_commit_callbacks):
    signed_in(client, cast.admin_carol)
    text = HEADER + "hanako@example.test,山田 花子,13,yes,20000,incident_response:4\n"
    with django_capture_on_commit_callbacks(execute=True):
        preview = upload(client, text)
    assert "Every line is fine." in client.get(preview["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        imported = client.post(preview["Location"])
    assert imported.status_code == 302
    assert imported["Location"] != preview["Location"]
    body = client.get(imported["Location"]).content.decode()
    assert "1 created (each sent an invitation) and 0 updated; 0 errors." in body
    assert Specialist.objects.get(user__email="hanako@example.test").display_name == "山田 花子"


def test_a_file_not_in_utf8_is_refused_beside_the_field(client, cast):
    signed_in(client, cast.admin_carol)
    file = SimpleUploadedFile("bank.csv", HEADER.encode() + "山田".encode("shift_jis"), content_type="text/csv")
    response = client.post(reverse("console:specialist_import"), {"file": file, "mode": "preview"})
    assert response.status_code == 400
    assert "The file is not UTF-8 text; save it as CSV UTF-8." in response.content.decode()


def test_a_running_import_shows_its_progress_and_polls(client, cast):
    signed_in(client, cast.admin_carol)
    job_id = import_jobs.start(text=CSV, dry_run=True, by=cast.admin_carol)  # not committed: stays queued
    import_jobs._update(job_id, status=import_jobs.RUNNING, done=30, total=120)
    url = reverse("console:specialist_import_job", kwargs={"job_id": job_id})
    body = client.get(url).content.decode()
    assert '<progress class="progress" id="import-bar" max="120" value="30">25%</progress>' in body
    assert f'hx-get="{url}" hx-trigger="load delay:1s"' in body
    poll = client.get(url, **HTMX).content.decode()
    assert poll.startswith('<section id="import-progress"')
    assert "<html" not in poll


def test_the_import_task_stores_its_progress_as_it_goes(cast, monkeypatch):
    rows = "".join(f"p{i}@example.test,専門家{i},13,yes,10000,\n" for i in range(250))
    job_id = import_jobs.start(text=HEADER + rows, dry_run=True, by=cast.admin_carol)
    seen = []
    update = import_jobs._update

    def recording(job, **changes):
        seen.append(changes)
        update(job, **changes)

    monkeypatch.setattr(import_jobs, "_update", recording)
    import_jobs.run(job_id)
    done = [c["done"] for c in seen if "done" in c and c.get("status") is None]
    assert done[:3] == [2, 4, 6]
    assert done[-1] == 250
    final = import_jobs.job_of(cast.admin_carol, job_id)
    assert (final["status"], final["done"], final["total"], final["created"]) == ("done", 250, 250, 250)


def test_another_admins_import_is_not_found(client, cast):
    job_id = import_jobs.start(text=CSV, dry_run=True, by=cast.admin_carol)
    url = reverse("console:specialist_import_job", kwargs={"job_id": job_id})
    assert signed_in(client, cast.admin_oscar).get(url).status_code == 404


# --- a constant number of queries for 1 and 100 rows ---------------------------------------------


def bank_rows(cast, n):
    """n pending Tokyo companies, n specialists each with a pending credential and a RISS
    registration whose renewal is due."""
    soon = TODAY + datetime.timedelta(days=60)
    for i in range(n):
        factories.CompanyFactory(chamber=cast.tokyo, status="pending")
        specialist = make_specialist(factories.UserFactory(role="specialist"), display_name=f"専門家{i}")
        make_certification(specialist, kind="sg", number=f"SG{i:04d}")
        make_certification(specialist, status="verified", number=f"{i:06d}", deadline=soon)


# (page, query, queries, marker of a row, rows): every page begins with the session and the user (2).
LISTS = [
    # the count and the page of companies (2); size class and NTA link are computed from the row
    ("console:companies", {}, 4, 'name="bulk-ids"', 50),
    # the filters change only the WHERE: the same queries
    (
        "console:companies",
        {"prefecture": "13", "size": "sme", "q": "株式会社", "sort": "name"},
        4,
        'name="bulk-ids"',
        50,
    ),
    # the count and the page of credentials with their specialist (2), the tabs' three counts (3)
    ("console:certifications", {}, 7, 'href="/console/certifications/', 50),
    ("console:certifications", {"queue": "renewal_due", "kind": "riss"}, 7, 'href="/console/certifications/', 50),
    # the count and the page of specialists with their user (2), the open invitations' count (1)
    ("console:specialists", {}, 5, 'name="suspend-action"', 50),
    ("console:specialists", {"q": "専門家"}, 5, 'name="suspend-action"', 50),
]


@pytest.mark.parametrize("n", [1, 100])
@pytest.mark.parametrize(("url_name", "query", "queries", "marker", "page_rows"), LISTS)
def test_each_list_runs_a_constant_number_of_queries(
    client, cast, django_assert_num_queries, n, url_name, query, queries, marker, page_rows
):
    bank_rows(cast, n)
    signed_in(client, cast.admin_carol)
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name), query)
    assert response.status_code == 200
    assert response.content.decode().count(marker) == min(n, page_rows)


def test_a_file_that_is_not_csv_fails_the_job_with_the_reason_and_writes_nothing(
    client, cast, django_capture_on_commit_callbacks
):
    signed_in(client, cast.admin_carol)
    text = HEADER + "hanako@example.test,山田 花子,13,yes,20000,\n" + '"' + "x" * 200_000 + '",a\n'
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, text, mode="import")
    body = client.get(response["Location"]).content.decode()
    assert "The import did not run" in body
    assert "The file could not be read as CSV: field larger than field limit (131072)" in body
    assert not Specialist.objects.exists()


def test_htmx_refusal_of_a_row_shows_the_services_message_in_the_row(client, cast, bob):
    Specialist.objects.filter(pk=bob.pk).update(status="suspended")
    data = {"suspend-action": "suspend", "suspend-target": bob.pk, "suspend-note": "もう一度"}
    response = signed_in(client, cast.admin_carol).post(reverse("console:specialists"), data, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<p class="row-message row-message--error" role="alert">Cannot change specialist from suspended' in body
    assert 'name="reactivate-action"' in body  # the row as it is now
    assert Specialist.objects.get(pk=bob.pk).status == "suspended"


def test_htmx_decision_on_a_company_decided_meanwhile_says_so_in_its_row(client, cast):
    company = pending(cast)[0]
    Company.objects.filter(pk=company.pk).update(status="verified")  # another admin, a moment ago
    data = {"reject-action": "reject", "reject-target": company.pk, "reject-note": "不一致"}
    response = signed_in(client, cast.admin_carol).post(reverse("console:companies"), data, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Cannot change company from verified to rejected." in body
    assert body.count("Cannot change company") == 1
    assert 'name="reject-action"' not in body  # decided: no forms
    assert statuses([company]) == ["verified"]
