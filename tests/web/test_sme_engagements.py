"""The SME's engagement page: contacts, terms.pdf, hours confirmed or disputed (with the reason),
notice with the earliest end shown (a date before it refused beside its field, what was typed
kept), a review once the engagement has ended; another company's engagement is a 404; the page
runs a constant number of queries however many hours are logged."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import TimeEntry
from marketplace import formatting
from matching.models import Engagement, Review
from matching.services import engagements
from tests.web.test_page_actions import done, post, refused, shown, signed_in
from tests.web.world import world

TODAY = timezone.localdate()


@pytest.fixture
def w(cast):
    return world(cast)


def url_of(engagement: Engagement) -> str:
    return reverse("sme:engagement", kwargs={"engagement_id": engagement.pk})


def test_the_page_shows_the_specialists_contact_and_the_statement_of_terms(client, cast, w):
    body = shown(signed_in(client, cast.sme_alice), url_of(w.engagement))
    assert f'href="mailto:{w.bob.email}"' in body  # a company sees the contact of whom it engages
    assert reverse("sme:engagement_terms", kwargs={"engagement_id": w.engagement.pk}) in body
    assert "ログの確認" in body  # the hours Bob logged


def test_hours_are_confirmed_or_disputed_with_a_reason(client, cast, w):
    url = url_of(w.engagement)
    second = TimeEntry.objects.create(
        engagement=w.engagement,
        work_date=TODAY,
        hours=Decimal("4.00"),
        description="報告書の作成",
        logged_by=cast.specialist_bob,
    )
    signed_in(client, cast.sme_alice)
    response = post(client, url, "dispute", target=second.pk, note="")
    refused(response, "This field is required.")
    assert f'id="id_{second.pk}_dispute-note_error"' in response.content.decode()  # beside the field
    second.refresh_from_db()
    assert second.status == TimeEntry.Status.LOGGED

    done(post(client, url, "confirm", target=w.entry.pk, note=""), url, "")
    done(post(client, url, "dispute", target=second.pk, note="作業時間が見積もりの倍です"), url, "")
    w.entry.refresh_from_db()
    second.refresh_from_db()
    assert (w.entry.status, second.status) == (TimeEntry.Status.CONFIRMED, TimeEntry.Status.DISPUTED)
    body = shown(client, url)
    assert "The hours are disputed; the specialist is told why." in body
    assert "confirm-action" not in body  # nothing left to confirm


def test_notice_shows_the_earliest_end_and_refuses_an_earlier_day_beside_its_field(client, cast, w):
    retainer = w.invoice.engagement  # an advisor retainer agreed without an end: 30 days' notice
    url = url_of(retainer)
    earliest = TODAY + datetime.timedelta(days=30)
    body = shown(signed_in(client, cast.sme_alice), url)
    assert f"the earliest last day is {formatting.jdate(earliest)}" in body

    too_early = TODAY + datetime.timedelta(days=10)
    response = post(client, url, "notice", note="予算の終了", ends_on=too_early.isoformat(), exception="")
    refused(response, f"so it can end on {earliest.isoformat()} at the earliest")
    text = response.content.decode()
    assert 'id="id_notice-ends_on_error"' in text
    assert f'value="{too_early.isoformat()}"' in text
    assert "予算の終了" in text
    assert Engagement.objects.get(pk=retainer.pk).ends_on is None

    done(post(client, url, "notice", note="予算の終了", ends_on="", exception=""), url, "")
    retainer = Engagement.objects.get(pk=retainer.pk)
    assert (retainer.ends_on, retainer.status) == (earliest, Engagement.Status.ACTIVE)
    assert "notice-action" not in shown(client, url)  # notice is given once


def test_a_review_is_left_once_the_engagement_has_ended(client, cast, w):
    url = url_of(w.engagement)  # a spot engagement: reviewed when it ends
    body = shown(signed_in(client, cast.sme_alice), url)
    assert "review-action" not in body
    assert "You can review the specialist's work when the engagement has ended." in body

    engagements.complete_engagement(engagement=w.engagement, user=cast.sme_alice)
    response = post(client, url, "review", rating="", comment="丁寧でした")
    refused(response, "This field is required.")
    assert "丁寧でした" in response.content.decode()
    assert Review.objects.count() == 0

    done(post(client, url, "review", rating="5", comment="丁寧でした"), url, "")
    review = Review.objects.get(engagement=w.engagement)
    assert (review.rating, review.comment, review.created_by) == (5, "丁寧でした", cast.sme_alice)
    assert "5 of 5" in shown(client, url)

    refused(post(client, url, "review", rating="3", comment="二度目"), "This period has been reviewed already.")
    assert Review.objects.count() == 1


def test_another_companys_engagement_is_out_of_reach(client, cast, w):
    signed_in(client, cast.sme_erin)
    url = url_of(w.engagement)
    assert client.get(url).status_code == 404
    assert client.get(reverse("sme:engagement_terms", kwargs={"engagement_id": w.engagement.pk})).status_code == 404
    assert post(client, url, "confirm", target=w.entry.pk, note="").status_code == 404
    w.entry.refresh_from_db()
    assert w.entry.status == TimeEntry.Status.LOGGED


def test_another_engagements_hours_cannot_be_confirmed_from_this_page(client, cast, w):
    retainer = w.invoice.engagement  # the company's own, but not the engagement these hours are of
    response = post(signed_in(client, cast.sme_alice), url_of(retainer), "confirm", target=w.entry.pk, note="")
    assert response.status_code == 404
    w.entry.refresh_from_db()
    assert w.entry.status == TimeEntry.Status.LOGGED


@pytest.mark.parametrize("n", [1, 8])
def test_the_engagement_page_runs_a_constant_number_of_queries(client, cast, w, django_assert_num_queries, n):
    for i in range(n):
        TimeEntry.objects.create(
            engagement=w.engagement,
            work_date=TODAY - datetime.timedelta(days=i),
            hours=Decimal("1.00"),
            description=f"作業{i}",
            logged_by=cast.specialist_bob,
        )
    client.force_login(cast.sme_alice)
    # session, user (2); the engagement with its owners (2); the contact rule (1); hours (1),
    # invoices (1), reviews (1)
    with django_assert_num_queries(8):
        response = client.get(url_of(w.engagement))
    assert response.content.decode().count('name="confirm-action"') == n + 1


def test_each_engagement_invoice_and_subsidy_case_is_reachable_from_the_smes_home(client, cast, w):
    body = shown(signed_in(client, cast.sme_alice), reverse("sme:home"))
    assert f'href="{url_of(w.engagement)}"' in body
    assert f'href="{url_of(w.invoice.engagement)}"' in body
    assert f'href="{reverse("sme:invoice", kwargs={"invoice_id": w.invoice.pk})}"' in body
    assert f'href="{reverse("sme:subsidy", kwargs={"case_id": w.case.pk})}"' in body
