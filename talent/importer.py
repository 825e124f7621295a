"""CSV import of specialist profiles: upsert by email, row by row, each row all or nothing."""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts import lifecycle
from accounts.models import User
from accounts.prefectures import PREFECTURES
from marketplace.errors import DomainError
from talent import services
from talent.models import RequestKind, Skill, Specialist

COLUMNS = [
    "email",
    "display_name",
    "legal_name",
    "phone",
    "prefecture",
    "travel_prefectures",
    "remote_ok",
    "onsite_ok",
    "request_kinds",
    "hourly_rate_jpy",
    "monthly_retainer_jpy",
    "capacity",
    "hours_per_month",
    "languages",
    "industries",
    "skills",
    "years_experience",
    "listed_in_directory",
    "bio",
]
REQUIRED = {"email", "display_name"}
# Spreadsheets often mark yes/no with a circle (U+25CB) and a cross (U+00D7).
_TRUE = {"1", "true", "yes", "y", "はい", "\u25cb"}
_FALSE = {"0", "false", "no", "n", "いいえ", "\u00d7", ""}


class RowError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.replace("、", ";").replace(",", ";").split(";") if item.strip()]


def _bool(name: str, value: str) -> bool:
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise RowError(name, f"expected yes/no, got {value!r}")


def _int(name: str, value: str) -> int:
    try:
        number = int(value.replace(",", "").strip())
    except ValueError as exc:
        raise RowError(name, f"expected a whole number, got {value!r}") from exc
    if number < 0:
        raise RowError(name, "must not be negative")
    return number


def parse_row(row: dict[str, str], skill_slugs: set[str]) -> tuple[str, dict[str, Any]]:
    """One CSV row -> (email, profile fields for update_specialist_profile)."""
    for name in REQUIRED:
        if not (row.get(name) or "").strip():
            raise RowError(name, "is required")
    email = row["email"].strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise RowError("email", "is not a valid email address") from exc
    fields: dict[str, Any] = {"display_name": row["display_name"].strip()}
    for name in ("legal_name", "phone", "bio"):
        if row.get(name):
            fields[name] = row[name].strip()
    if row.get("prefecture"):
        code = row["prefecture"].strip().zfill(2)
        if code not in PREFECTURES:
            raise RowError("prefecture", f"unknown prefecture code {row['prefecture']!r}")
        fields["prefecture"] = code
    if row.get("travel_prefectures"):
        codes = [code.zfill(2) for code in _list(row["travel_prefectures"])]
        unknown = [code for code in codes if code not in PREFECTURES]
        if unknown:
            raise RowError("travel_prefectures", f"unknown prefecture codes {unknown}")
        fields["travel_prefectures"] = codes
    for name in ("remote_ok", "onsite_ok", "listed_in_directory"):
        if row.get(name) is not None and row[name].strip():
            fields[name] = _bool(name, row[name])
    for name in (
        "hourly_rate_jpy",
        "monthly_retainer_jpy",
        "capacity",
        "hours_per_month",
        "years_experience",
    ):
        if row.get(name):
            fields[name] = _int(name, row[name])
    if row.get("request_kinds"):
        kinds = _list(row["request_kinds"])
        unknown = [kind for kind in kinds if kind not in RequestKind.values]
        if unknown:
            raise RowError("request_kinds", f"unknown kinds {unknown}")
        fields["request_kinds"] = kinds
    for name in ("languages", "industries"):
        if row.get(name):
            fields[name] = _list(row[name])
    if row.get("skills"):
        skills = []
        for item in _list(row["skills"]):
            slug, _, level = item.partition(":")
            if slug not in skill_slugs:
                raise RowError("skills", f"unknown skill {slug!r}")
            level_number = _int("skills", level or "0")
            if not 1 <= level_number <= 5:
                raise RowError("skills", f"level of {slug!r} must be 1-5")
            skills.append({"skill": slug, "level": level_number})
        fields["skills"] = skills
    return email, fields


def _save(email: str, fields: dict[str, Any]) -> Specialist | None:
    """Upsert one specialist; the profile when it is new, else None."""
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email, None, name=fields["display_name"], role=User.Role.SPECIALIST)
    elif user.role != User.Role.SPECIALIST:
        raise RowError("email", "belongs to a user who is not a specialist")
    specialist = Specialist.objects.filter(user=user).first() or services.create_specialist_profile(
        user=user, display_name=fields["display_name"]
    )
    services.update_specialist_profile(specialist=specialist, user=user, **fields)
    return specialist if created else None


def import_specialists(
    lines: TextIO,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    invited_by: User | None = None,
) -> ImportReport:
    """Import every valid row; report each bad row by line and field. Nothing is written on dry_run.

    The person of every new profile gets an invitation mail (accounts.lifecycle), from
    `invited_by` (a chamber admin) or, on the command line, from nobody in particular.
    """
    rows = list(csv.DictReader(lines))
    report = ImportReport()
    new_profiles: list[Specialist] = []
    skill_slugs = set(Skill.objects.values_list("slug", flat=True))
    with transaction.atomic():
        for index, row in enumerate(rows):
            line = index + 2  # the header is line 1
            try:
                if None in row or (row and set(row) - set(COLUMNS)):
                    extra = sorted(str(key) for key in set(row) - set(COLUMNS) if key is not None)
                    raise RowError(extra[0] if extra else "row", "unexpected column or extra values")
                email, fields = parse_row(row, skill_slugs)
                with transaction.atomic():
                    created = _save(email, fields)
                if created is not None:
                    new_profiles.append(created)
                report.created += created is not None
                report.updated += created is None
            except RowError as exc:
                report.errors.append((line, exc.field, exc.message))
            except DomainError as exc:
                report.errors.append((line, exc.field or "row", str(exc.message)))
            except DjangoValidationError as exc:
                for name, messages in exc.message_dict.items():
                    report.errors.append((line, name, "; ".join(messages)))
            if progress:
                progress(index + 1, len(rows))
        if dry_run:
            transaction.set_rollback(True)
        else:
            lifecycle.invite_imported_specialists(by=invited_by, specialists=new_profiles)
    return report
