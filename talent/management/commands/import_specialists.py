import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from accounts.models import User
from talent.importer import COLUMNS, import_specialists


class Command(BaseCommand):
    help = (
        "Import specialist profiles from a UTF-8 CSV (upsert by email). Columns: "
        + ", ".join(COLUMNS)
        + ". Lists use ';'; skills are slug:level."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument(
            "--invited-by",
            metavar="EMAIL",
            help="The chamber admin named as the sender of the new specialists' invitations.",
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    @no_translations  # the operator's console reads the messages in English
    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        invited_by = None
        if options["invited_by"]:
            invited_by = User.objects.filter(
                email__iexact=options["invited_by"], role=User.Role.CHAMBER_ADMIN, is_active=True
            ).first()
            if invited_by is None:
                raise CommandError(f"{options['invited_by']}: no active chamber admin with this email")
        with path.open(encoding="utf-8-sig", newline="") as lines:
            report = import_specialists(
                lines, dry_run=options["dry_run"], progress=self._progress, invited_by=invited_by
            )
        for line, field, message in report.errors:
            self.stdout.write(f"line {line}, {field}: {message}")
        verb = "would be" if options["dry_run"] else "were"
        counts = f"{report.created} created, {report.updated} updated"
        if report.created and not options["dry_run"]:
            counts += " (each new specialist was sent an invitation)"
        summary = f"{counts} ({verb} written), {len(report.errors)} errors"
        if report.errors:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
