"""Specialists onboard to Stripe Connect; payouts are enabled when Stripe says so.

Against the local stand-in over HTTP. Connect is SIMULATED there (localstripe has none):
these tests prove what we send and how we react, not Stripe's own rules.
"""

import time

import pytest
import requests
from django.conf import settings

from billing.models import ConnectedAccount, StripeEvent
from tests.talent_fixtures import make_specialist

pytestmark = [pytest.mark.integration, pytest.mark.stripe_simulation]
LIVE = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the live server shares the database


@LIVE
def test_onboarding_creates_one_account_and_stripes_word_enables_payouts(
    stripe_standin, live_server, client_for, specialist_bob
):
    make_specialist(specialist_bob)
    hook = requests.post(
        f"{stripe_standin}/_config/webhooks/tests",
        data={"url": f"{live_server.url}/api/v1/billing/stripe/webhook/", "secret": settings.STRIPE_WEBHOOK_SECRET},
        auth=("sk_test_standin", ""),
        timeout=5,
    )
    assert hook.status_code == 200
    bob = client_for(specialist_bob)

    first = bob.post("/api/v1/billing/connect/onboard/")
    again = bob.post("/api/v1/billing/connect/onboard/")

    assert first.status_code == 200, first.content
    assert first.json()["account"] == again.json()["account"]  # created once
    assert first.json()["onboarding_url"].startswith(f"{stripe_standin}/_sim/onboarding/")
    assert first.json()["payouts_enabled"] is False
    account = ConnectedAccount.objects.get()
    remote = requests.get(f"{stripe_standin}/v1/accounts/{account.account_id}", auth=("sk_test_standin", ""), timeout=5)
    assert remote.json()["metadata"] == {"specialist": str(account.specialist_id)}

    # The specialist finishes Stripe's forms; Stripe tells us with a signed account.updated.
    requests.post(
        f"{stripe_standin}/_sim/accounts/{account.account_id}/complete", auth=("sk_test_standin", ""), timeout=5
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not ConnectedAccount.objects.get().payouts_enabled:
        time.sleep(0.2)

    account.refresh_from_db()
    assert (account.charges_enabled, account.payouts_enabled, account.details_submitted) == (True, True, True)
    assert StripeEvent.objects.get().type == "account.updated"
    assert bob.post("/api/v1/billing/connect/onboard/").json()["payouts_enabled"] is True


def test_onboarding_without_stripe_keys_says_billing_is_off(db, client_for, specialist_bob, settings):
    settings.STRIPE_SECRET_KEY = ""
    make_specialist(specialist_bob)

    response = client_for(specialist_bob, HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/billing/connect/onboard/")

    assert response.status_code == 503
    assert response.json()["detail"] == "Billing is not configured (STRIPE_SECRET_KEY is not set)."
    assert not ConnectedAccount.objects.exists()


def test_the_stand_in_refuses_a_misspelled_parameter_as_stripe_would(stripe_standin):
    response = requests.post(
        f"{stripe_standin}/v1/accounts",
        data={"type": "express", "countyr": "JP"},
        auth=("sk_test_standin", ""),
        timeout=5,
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "countyr"
