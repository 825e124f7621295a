"""Stripe Connect: a specialist's Express account (created once) and onboarding link, and what
Stripe says the account can do (charges, payouts), applied only forward in time."""

import datetime
import time
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from billing import stripe_client
from billing.models import ConnectedAccount
from marketplace import links
from marketplace.errors import NotFound
from talent.models import Specialist


def onboard_specialist(*, user: User) -> dict[str, Any]:
    """A specialist's Connect account (created once) and a fresh onboarding link."""
    specialist = Specialist.objects.filter(user=user).first()
    if specialist is None:
        raise NotFound(_("You have no specialist profile."))
    stripe_client.ensure_configured()
    account = ConnectedAccount.objects.filter(specialist=specialist).first()
    if account is None:
        # Same idempotency key for the same specialist: a retry or a race gets the same account.
        account_id = stripe_client.create_express_account(specialist_id=specialist.pk, email=user.email)
        try:
            with transaction.atomic():
                account = ConnectedAccount.objects.create(specialist=specialist, account_id=account_id)
        except IntegrityError:
            account = ConnectedAccount.objects.get(specialist=specialist)
    url = stripe_client.create_onboarding_link(
        account_id=account.account_id,
        refresh_url=links.specialist_payouts_refresh(),
        return_url=links.specialist_payouts_return(),
        bucket=int(time.time() // 60),
    )
    return {"account": account.account_id, "onboarding_url": url, "payouts_enabled": account.payouts_enabled}


def apply_account_update(account: dict[str, Any], *, as_of: datetime.datetime) -> str:
    """Record what Stripe says the account can do, unless a newer state was applied already."""
    changed = (
        ConnectedAccount.objects.filter(account_id=stripe_client.id_field(account, "id"))
        .filter(Q(state_as_of__isnull=True) | Q(state_as_of__lte=as_of))
        .update(
            charges_enabled=bool(account.get("charges_enabled")),
            payouts_enabled=bool(account.get("payouts_enabled")),
            details_submitted=bool(account.get("details_submitted")),
            state_as_of=as_of,
        )
    )
    return "applied" if changed else "ignored: unknown account or older than the state we have"
