"""The specialist's portal: the profile editor and its directory-card preview, credentials with
their renewal reminder, the proposals inbox, engagements, payouts and reviews. Each action goes
through the service the API uses; a refused one shows its message beside the field and changes
nothing; another specialist's objects are a 404. (The plain accept / log / notice / onboard
actions are also in tests/web/test_page_actions.py.)

Pages are read in English (the language cookie) so texts compare exactly."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from billing.models import Payment, TimeEntry
from matching.models import MatchRun, Proposal, Review
from talent.models import Certification, Specialist
from tests import factories
from tests.billing_fixtures import engaged, invoice_for
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_certification, make_specialist, pdf
from tests.web.world import world
from workflow.models import StatusChange

TODAY = timezone.localdate()


@pytest.fixture
def w(cast):
    return world(cast)


def signed_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client, url, action, **fields):
    data = {f"{action}-action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(url, data)


def profile_data(**changes):
    """The profile form as a specialist fills it in."""
    data = {
        "display_name": "坂本 ボブ",
        "bio": "製造業のインシデント対応を10年",
        "years_experience": "12",
        "prefecture": "27",
        "remote_ok": "on",
        "onsite_ok": "on",
        "travel_prefectures": ["27", "28"],
        "request_kinds": ["spot", "incident"],
        "hourly_rate_jpy": "20000",
        "monthly_retainer_jpy": "80000",
        "capacity": "3",
        "hours_per_month": "40",
        "languages": ["ja", "en"],
        "industries": ["manufacturing"],
        "vendor_affiliations": "",
        "resale_commissions": "",
        "listed_in_directory": "on",
        "legal_name": "坂本 太郎",
        "contact_email": "",
        "phone": "06-1234-5678",
        "entity_type": "individual",
        "invoice_registration_number": "",
        "skill__digital_forensics": "5",
        "skill__incident_response": "4",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def error_beside(body, field):
    """The error text shown beside `field` (web/partials/field.html), or None."""
    marker = f'id="id_{field}_error">'
    if marker not in body:
        return None
    return body.split(marker, 1)[1].split("</p>", 1)[0]


# --- profile -----------------------------------------------------------------


def test_profile_editor_shows_the_saved_profile_and_its_directory_card(client, cast, w):
    body = signed_in(client, cast.specialist_bob).get(reverse("specialist:profile")).content.decode()
    assert 'value="坂本 ボブ"' in body
    assert "Your directory card" in body
    assert "Listed in the directory" in body  # active, listed, address confirmed
    for label in ("Display name", "Hourly rate (yen)", "Qualified-invoice registration number", "Digital forensics"):
        assert label in body


def test_saving_the_profile_goes_through_the_service_and_refreshes_the_search_columns(client, cast, w):
    url = reverse("specialist:profile")
    response = signed_in(client, cast.specialist_bob).post(
        url, profile_data(invoice_registration_number="ｔ８９００－０００００－０００１")
    )

    assert response.status_code == 302
    assert response["Location"] == url
    bob = Specialist.objects.get(pk=w.bob.pk)
    assert (bob.prefecture, bob.hourly_rate_jpy, bob.capacity, bob.languages) == ("27", 20000, 3, ["ja", "en"])
    assert bob.request_kinds == ["spot", "incident"]
    assert sorted(bob.travel.values_list("prefecture", flat=True)) == ["27", "28"]
    assert dict(bob.skill_levels.values_list("skill__slug", "level")) == {
        "digital_forensics": 5,
        "incident_response": 4,
    }
    assert bob.invoice_registration_number == "T8900000000001"  # folded as the API folds it
    assert "デジタルフォレンジック" in bob.search_text  # refresh_search_columns ran
    assert "Your profile is saved." in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # Refused by the service (Specialist.clean): beside the field, what was typed kept.
        (
            {"entity_type": "corporation", "invoice_registration_number": "T7000012050003"},
            "invoice_registration_number",
            "the check digit is wrong",
        ),
        ({"invoice_registration_number": "8900000000001"}, "invoice_registration_number", "T followed by 13 digits"),
        # The model's bound, checked by the service's full_clean.
        ({"hourly_rate_jpy": "20000000"}, "hourly_rate_jpy", "10000000"),
        # The form's own parsing.
        ({"display_name": ""}, "display_name", "required"),
        ({"skill__incident_response": "9"}, "skill__incident_response", "valid choice"),
    ],
)
def test_a_refused_profile_shows_why_beside_the_field_and_changes_nothing(client, cast, w, changes, field, message):
    before = Specialist.objects.filter(pk=w.bob.pk).values().get()

    response = signed_in(client, cast.specialist_bob).post(reverse("specialist:profile"), profile_data(**changes))

    assert response.status_code == 400
    body = response.content.decode()
    assert message in (error_beside(body, field) or "")
    assert "製造業のインシデント対応を10年" in body  # what was typed is kept
    assert Specialist.objects.filter(pk=w.bob.pk).values().get() == before


def test_the_preview_renders_the_card_with_the_typed_values_and_saves_nothing(client, cast, w):
    signed_in(client, cast.specialist_bob)
    data = profile_data(display_name="ボブ・プレビュー", listed_in_directory=None, hourly_rate_jpy="33000")

    partial = client.post(reverse("specialist:profile_preview"), data, HTTP_HX_REQUEST="true")

    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body  # the card alone, for htmx to swap in
    assert 'id="card-preview"' in body
    assert "ボブ・プレビュー" in body
    assert "33,000円" in body
    assert "Digital forensics" in body
    assert "Level 5" in body
    assert "Osaka" in body
    assert "Hyogo" in body
    assert "You have not chosen to be listed." in body  # the opt-in unticked
    assert "06-1234-5678" not in body
    assert "坂本 太郎" not in body
    assert Specialist.objects.get(pk=w.bob.pk).display_name == "坂本 ボブ"

    # Without JavaScript the button posts the form: the whole editor, with what was typed.
    page = client.post(reverse("specialist:profile_preview"), data)
    assert page.status_code == 200
    assert 'value="ボブ・プレビュー"' in page.content.decode()
    assert "Preview of your directory card (not saved yet)" in page.content.decode()


def test_the_card_says_why_a_profile_waiting_for_review_is_not_listed(client, cast, w):
    Specialist.objects.filter(pk=w.bob.pk).update(status="pending")
    body = signed_in(client, cast.specialist_bob).get(reverse("specialist:profile")).content.decode()
    assert "The directory does not show your card yet:" in body
    assert "Your profile is waiting for a chamber to verify a credential." in body


def test_the_card_shows_only_credentials_that_count(client, cast, w):
    make_certification(w.bob, kind="sg", number="SG-2024-04-00001", status="verified")
    body = signed_in(client, cast.specialist_bob).get(reverse("specialist:profile")).content.decode()
    card = body.split('id="card-preview"', 1)[1]
    assert "Information Security Management Examination (SG)" in card
    assert "Registered Information Security Specialist" not in card  # the world's RISS is still pending


# --- credentials -------------------------------------------------------------


def test_a_riss_registration_near_its_deadline_shows_the_renewal_reminder(client, cast, w):
    deadline = TODAY + datetime.timedelta(days=90)
    make_certification(w.bob, number="123456", status="verified", deadline=deadline, training_years=[2024, 2025])
    body = signed_in(client, cast.specialist_bob).get(reverse("specialist:credentials")).content.decode()
    assert "Renew RISS registration 123456 by" in body
    assert "90 days left." in body
    assert "one practical training in each 3-year cycle" in body
    assert "2024, 2025" in body
    # The world's credential, far from its deadline, only says when we will remind.
    assert "We remind you 180 days before the deadline" in body


def test_a_lapsed_riss_registration_says_it_counts_as_none(client, cast, w):
    make_certification(w.bob, number="123456", status="verified", deadline=TODAY - datetime.timedelta(days=1))
    body = signed_in(client, cast.specialist_bob).get(reverse("specialist:credentials")).content.decode()
    assert "RISS registration 123456 has lapsed" in body
    assert "counts as no RISS anywhere" in body


def test_submitting_a_riss_card_with_training_years(client, cast, w):
    url = reverse("specialist:credentials")
    response = post(
        signed_in(client, cast.specialist_bob),
        url,
        "submit",
        kind="riss",
        number="第０２３４５６号",
        issued_on="2024-04-01",
        renewal_deadline="2027-04-01",
        training_years="2024、2025",
        evidence=pdf(),
    )
    assert response.status_code == 302
    held = Certification.objects.get(specialist=w.bob, number="023456")
    assert held.training_years == [2024, 2025]
    assert "第023456号" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        # The upload check reads the file: a PDF that is not one is refused beside the evidence.
        (
            {"evidence": SimpleUploadedFile("card.pdf", b"%PDF-1.4 not really", content_type="application/pdf")},
            "evidence",
            "",
        ),
        ({"training_years": "2015"}, "training_years", "Training years run from 2016 to this year."),
        ({"training_years": "24"}, "training_years", "four digits"),
        ({"number": "1234567"}, "number", "up to 6 digits"),
    ],
)
def test_a_refused_credential_shows_why_beside_its_field(client, cast, w, fields, field, message):
    data = {
        "kind": "riss",
        "number": "234567",
        "issued_on": "2024-04-01",
        "renewal_deadline": "2027-04-01",
        "evidence": pdf(),
        **fields,
    }
    response = post(signed_in(client, cast.specialist_bob), reverse("specialist:credentials"), "submit", **data)
    assert response.status_code == 400
    beside = error_beside(response.content.decode(), f"submit-{field}")
    assert beside is not None
    assert message in beside
    assert Certification.objects.filter(specialist=w.bob).count() == 1  # the world's only


# --- proposals and engagements ----------------------------------------------


def test_the_inbox_shows_the_requests_facts_and_time_left(client, cast, w):
    body = signed_in(client, cast.specialist_bob).get(reverse("specialist:home")).content.decode()
    assert "Proposals waiting for your answer" in body
    assert "left)" in body  # (1 day, 23 hours left)
    assert "Budget" in body


def test_declining_needs_a_reason(client, cast, w):
    url = reverse("specialist:proposal", kwargs={"proposal_id": w.proposal.pk})
    response = post(signed_in(client, cast.specialist_bob), url, "decline", note="")
    assert response.status_code == 400
    assert "required" in error_beside(response.content.decode(), "decline-note")
    w.proposal.refresh_from_db()
    assert w.proposal.status == Proposal.Status.APPROVED

    response = post(client, url, "decline", note="日程が合いません")
    assert response.status_code == 302
    w.proposal.refresh_from_db()
    assert w.proposal.status == Proposal.Status.DECLINED
    assert StatusChange.objects.get(object_id=w.proposal.pk, to_status="declined").note == "日程が合いません"


def test_the_engagement_shows_which_hours_are_confirmed_or_disputed(client, cast, w):
    TimeEntry.objects.create(
        engagement=w.engagement,
        work_date=TODAY,
        hours=Decimal("1.25"),
        description="報告",
        logged_by=cast.specialist_bob,
        status="disputed",
    )
    TimeEntry.objects.filter(pk=w.entry.pk).update(status="confirmed")
    body = signed_in(client, cast.specialist_bob).get(
        reverse("specialist:engagement", kwargs={"engagement_id": w.engagement.pk})
    )
    text = body.content.decode()
    assert "<dt>Confirmed</dt><dd>2.50</dd>" in text
    assert "<dt>Disputed</dt><dd>1.25</dd>" in text
    assert "<dt>Logged</dt><dd>0</dd>" in text
    assert "status--disputed" in text


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("specialist:proposal", lambda w: {"proposal_id": w.proposal.pk}),
        ("specialist:engagement", lambda w: {"engagement_id": w.engagement.pk}),
        ("specialist:engagement_terms", lambda w: {"engagement_id": w.engagement.pk}),
    ],
)
def test_another_specialists_objects_are_not_found(client, cast, w, url_name, kwargs):
    make_specialist(cast.specialist_bea, display_name="ビー")
    url = reverse(url_name, kwargs=kwargs(w))
    signed_in(client, cast.specialist_bea)
    assert client.get(url).status_code == 404
    # Nor can an action be posted to them.
    assert post(client, url, "decline", note="x").status_code in (404, 405)
    w.proposal.refresh_from_db()
    assert w.proposal.status == Proposal.Status.APPROVED


def test_reviews_show_what_companies_said_and_only_to_the_reviewed(client, cast, w):
    Review.objects.create(
        engagement=w.engagement, rating=4, comment="丁寧な説明でした", period=TODAY, created_by=cast.sme_alice
    )
    body = signed_in(client, cast.specialist_bob).get(reverse("specialist:reviews")).content.decode()
    assert "丁寧な説明でした" in body
    assert "4.0 out of 5 from 1 review." in body
    assert "★★★★☆" in body

    make_specialist(cast.specialist_bea, display_name="ビー")
    body = signed_in(client, cast.specialist_bea).get(reverse("specialist:reviews")).content.decode()
    assert "丁寧な説明でした" not in body
    assert "No company has reviewed your work yet." in body


def test_payouts_list_the_payments_for_the_specialists_work(client, cast, w):
    Payment.objects.create(
        invoice=w.invoice,
        amount_jpy=55000,
        application_fee_jpy=5500,
        specialist_share_jpy=49500,
        destination_account="acct_bob",
        status="succeeded",
        succeeded_at=timezone.now(),
    )
    body = signed_in(client, cast.specialist_bob).get(reverse("specialist:payouts")).content.decode()
    assert w.invoice.number in body
    assert "49,500円" in body

    make_specialist(cast.specialist_bea, display_name="ビー")
    body = signed_in(client, cast.specialist_bea).get(reverse("specialist:payouts")).content.decode()
    assert w.invoice.number not in body
    assert "No payment has reached you yet." in body


# --- constant queries --------------------------------------------------------


def _many(cast, bob, n):
    """n of each of Bob's rows the list pages show: reviews, credentials, paid invoices."""
    company, alice = cast.alice_company, cast.sme_alice
    for i in range(n):
        engagement = engaged(company, alice, bob, kind="advisor", title=f"顧問{i}")
        Review.objects.create(engagement=engagement, rating=5, comment=f"良い{i}", period=TODAY, created_by=alice)
        make_certification(bob, kind="sg", number=f"SG-2024-04-{i:05d}")
        invoice = invoice_for(engagement)
        Payment.objects.create(
            invoice=invoice,
            amount_jpy=11000,
            application_fee_jpy=1100,
            specialist_share_jpy=9900,
            destination_account="acct_bob",
            status="succeeded",
            succeeded_at=timezone.now(),
        )
        run = MatchRun.objects.create(chamber=cast.tokyo, status="succeeded")
        Proposal.objects.create(
            run=run,
            request=make_request(company, alice, title=f"依頼{i}"),
            specialist=bob,
            score=500,
            breakdown={},
            facts={},
            rank=1,
            status="approved",
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )


# Every page begins with the session and the signed-in user (2).
LIST_PAGES = [
    # the reviews page (1), their average and count (1), the paginator's count (1)
    ("specialist:reviews", 5, "良い", lambda n: n),
    # the credentials (1); the form reads nothing
    ("specialist:credentials", 3, "SG-2024-04-", lambda n: n),
    # the connected account (1), captured payments with invoice, engagement and request (1)
    ("specialist:payouts", 4, "9,900円", lambda n: n),
    # waiting proposals (1), answered ones (1: the selected proposals behind the engagements), engagements (1)
    ("specialist:home", 5, 'href="/specialist/proposals/', lambda n: 2 * n),
    # the profile with its skills, travel and counting credentials (4), the skill taxonomy (1)
    ("specialist:profile", 7, 'name="skill__', lambda n: 22),
]


@pytest.mark.parametrize("n", [1, 8])
@pytest.mark.parametrize(("url_name", "queries", "marker", "count"), LIST_PAGES, ids=[p[0] for p in LIST_PAGES])
def test_the_specialists_list_pages_run_a_constant_number_of_queries(
    client, cast, django_assert_num_queries, n, url_name, queries, marker, count
):
    bob = make_specialist(cast.specialist_bob)
    _many(cast, bob, n)
    factories.UserFactory(role="specialist")  # someone else's rows never add queries either
    signed_in(client, cast.specialist_bob)
    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.content.decode().count(marker) == count(n)


def test_a_preview_of_values_that_do_not_parse_keeps_the_saved_card_and_says_why(client, cast, w):
    signed_in(client, cast.specialist_bob)
    data = profile_data(display_name="ボブ・プレビュー", hourly_rate_jpy="たくさん")

    body = client.post(reverse("specialist:profile_preview"), data, HTTP_HX_REQUEST="true").content.decode()

    assert "Some fields have a problem: the card shows your saved profile until they are corrected." in body
    assert "坂本 ボブ" in body
    assert "15,000円" in body  # the saved rate
    assert "ボブ・プレビュー" not in body
