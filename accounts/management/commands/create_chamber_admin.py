import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.prefectures import PREFECTURES


class Command(BaseCommand):
    help = "Create a chamber admin (and the chamber, if new)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chamber", required=True, help="Chamber name")
        parser.add_argument("--prefecture", required=True, choices=list(PREFECTURES), help="JIS code 01-47")
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="Prompted for when omitted")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = services.create_chamber_admin(
                chamber_name=options["chamber"],
                prefecture=options["prefecture"],
                email=options["email"],
                password=password,
                name=options["name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Chamber admin {user.email} of {user.chamber} created."))
