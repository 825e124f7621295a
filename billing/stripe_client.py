"""The one module that talks to Stripe: webhook signatures and every outgoing call.

Outgoing calls go through the official library's `StripeClient` (`client()`), with the
pinned API version, timeouts, bounded retries and idempotency keys derived from our row
ids; nothing else in the project imports `stripe`.
"""

import json
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from marketplace.errors import ServiceUnavailable, ValidationFailed

# Stripe's default: a signature older than five minutes is refused (replays).
SIGNATURE_TOLERANCE_SECONDS = 300


def ensure_webhooks_configured() -> None:
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ServiceUnavailable(_("Billing is not configured (STRIPE_WEBHOOK_SECRET is not set)."))


def verified_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, if the signature over the raw body is Stripe's and recent; else a 400."""
    ensure_webhooks_configured()
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(_("The Stripe signature does not verify."), field="signature") from exc
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise ValidationFailed(_("Not a Stripe event."), field="event")
    return event


TIMEOUT_SECONDS = 10
NETWORK_RETRIES = 2


def ensure_configured() -> None:
    if not settings.STRIPE_SECRET_KEY:
        raise ServiceUnavailable(_("Billing is not configured (STRIPE_SECRET_KEY is not set)."))


def client() -> stripe.StripeClient:
    """The official client: pinned API version, explicit timeout, bounded retries (each with the
    same idempotency key), and `STRIPE_API_BASE` for the local stand-in."""
    ensure_configured()
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        stripe_version=settings.STRIPE_API_VERSION,
        base_addresses={"api": base} if base else None,
        max_network_retries=NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )


def idempotency_key(operation: str, *ids: object) -> str:
    """Deterministic per business operation: the same operation on the same rows, the same key,
    so a retried task or a double click cannot act twice at Stripe."""
    return ":".join([operation, *(str(pk) for pk in ids)])


def create_express_account(*, specialist_id: object, email: str) -> str:
    account = client().v1.accounts.create(
        params={
            "type": "express",
            "country": "JP",
            "email": email,
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"specialist": str(specialist_id)},
        },
        options={"idempotency_key": idempotency_key("connect-account", specialist_id)},
    )
    return str(account["id"])


def create_onboarding_link(*, account_id: str, refresh_url: str, return_url: str, bucket: int) -> str:
    """A fresh single-use link (one idempotency key per account and minute)."""
    link = client().v1.account_links.create(
        params={
            "account": account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        },
        options={"idempotency_key": idempotency_key("account-link", account_id, bucket)},
    )
    return str(link["url"])
