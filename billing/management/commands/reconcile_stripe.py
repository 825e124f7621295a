"""Apply the Stripe events we never received (webhooks can be lost: our endpoint down, a
network fault). Stripe keeps events for 30 days; run it after an outage, or daily."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from billing.services import webhooks
from marketplace.errors import DomainError


class Command(BaseCommand):
    help = "List Stripe's events since a date and apply any we missed (each once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="A date (YYYY-MM-DD, Japan time) or an ISO date-time.")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _parse(options["since"])
        try:
            counts = webhooks.reconcile_events(since=since)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"events since {since.isoformat()}: {counts['listed']} listed, {counts['missed']} missed and stored, "
            f"{counts['applied']} applied"
        )


def _parse(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since: not a date: {value!r}") from exc
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
