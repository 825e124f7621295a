"""Billing writes, one module per job (import the module you need; nothing is re-exported here):

- `connect`: a specialist's Stripe Connect account and onboarding link; the account's state
  as Stripe reports it.
- `hours`: hours logged on an hourly engagement, confirmed or disputed by the SME.
- `payments`: paying an invoice (the PaymentIntent and its state), voiding it, and the
  check that a receipt is for captured money.
- `card_checkout`: paying by card on Stripe's hosted Checkout page (the SME's pages load no
  script of Stripe's), and what the payer's return from it says.
- `bank_transfers`: paying by Japanese bank transfer (the SME's virtual account at Stripe, a
  PaymentIntent funded from its cash balance), and what Stripe reports of the money received.
- `fee_statements`: each month, the chamber's fee invoice and payout statement to a specialist.
- `refunds`: a chamber admin's refund, sent to Stripe through the outbox, swept, and applied
  once when Stripe reports it.
- `webhooks`: Stripe's events received, stored once, processed once, swept and reconciled,
  each dispatched to the module above that owns its effect.

Imports run one way: `webhooks` → `refunds` → `payments`, and `webhooks` → `payments`,
`connect`, `bank_transfers` → `payments`, `card_checkout` → `payments`; `hours` and `fee_statements` stand alone. None
imports `webhooks`, and none imports billing's tasks (work is enqueued by registered name).
"""
