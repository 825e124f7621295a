"""The one module that talks to Stripe (today: webhook signatures).

Outgoing calls (Connect onboarding, PaymentIntents) are to come here as well, through the
official library's `StripeClient` with the pinned API version, timeouts and idempotency
keys derived from our row ids; nothing else in the project imports `stripe`.
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
