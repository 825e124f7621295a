"""CSV import of specialist profiles: upsert by email, row by row, each row all or nothing."""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

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


class RowErrors(Exception):
    """Every error of one row, each (column, message): a row is checked whole, not to its first error."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _field, message in errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)
    rows: int = 0
    header: list[str] = field(default_factory=list)  # the file's columns, in its order

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
    raise RowError(name, _("expected yes/no, got %(value)s") % {"value": repr(value)})


def _int(name: str, value: str) -> int:
    try:
        number = int(value.replace(",", "").strip())
    except ValueError as exc:
        raise RowError(name, _("expected a whole number, got %(value)s") % {"value": repr(value)}) from exc
    if number < 0:
        raise RowError(name, _("must not be negative"))
    return number


def _email(row: dict[str, str]) -> str:
    email = (row.get("email") or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise RowError("email", _("is not a valid email address")) from exc
    return email


def _prefecture(row: dict[str, str]) -> str:
    code = row["prefecture"].strip().zfill(2)
    if code not in PREFECTURES:
        raise RowError("prefecture", _("unknown prefecture code %(value)s") % {"value": repr(row["prefecture"])})
    return code


def _travel(row: dict[str, str]) -> list[str]:
    codes = [code.zfill(2) for code in _list(row["travel_prefectures"])]
    unknown = [code for code in codes if code not in PREFECTURES]
    if unknown:
        raise RowError("travel_prefectures", _("unknown prefecture codes %(value)s") % {"value": unknown})
    return codes


def _kinds(row: dict[str, str]) -> list[str]:
    kinds = _list(row["request_kinds"])
    unknown = [kind for kind in kinds if kind not in RequestKind.values]
    if unknown:
        raise RowError("request_kinds", _("unknown kinds %(value)s") % {"value": unknown})
    return kinds


def _skills(row: dict[str, str], skill_slugs: set[str]) -> list[dict[str, Any]]:
    skills = []
    for item in _list(row["skills"]):
        slug, _colon, level = item.partition(":")
        if slug not in skill_slugs:
            raise RowError("skills", _("unknown skill %(value)s") % {"value": repr(slug)})
        level_number = _int("skills", level or "0")
        if not 1 <= level_number <= 5:
            raise RowError("skills", _("level of %(value)s must be 1-5") % {"value": repr(slug)})
        skills.append({"skill": slug, "level": level_number})
    return skills


def parse_row(row: dict[str, str], skill_slugs: set[str]) -> tuple[str, dict[str, Any]]:
    """One CSV row -> (email, profile fields for update_specialist_profile); a bad row raises
    RowErrors naming every bad column of it (each column checked on its own)."""
    errors: list[tuple[str, str]] = []
    fields: dict[str, Any] = {}

    def check(name: str, read: Callable[[], Any]) -> None:
        try:
            fields[name] = read()
        except RowError as exc:
            errors.append((exc.field, exc.message))

    for name in COLUMNS:  # the file's order is the header's; errors come in the columns' order
        if name in REQUIRED and not (row.get(name) or "").strip():
            errors.append((name, _("is required")))
    if (row.get("email") or "").strip():
        check("email", lambda: _email(row))
    if (row.get("display_name") or "").strip():
        fields["display_name"] = row["display_name"].strip()
    for name in ("legal_name", "phone", "bio"):
        if row.get(name):
            fields[name] = row[name].strip()
    if row.get("prefecture"):
        check("prefecture", lambda: _prefecture(row))
    if row.get("travel_prefectures"):
        check("travel_prefectures", lambda: _travel(row))
    for name in ("remote_ok", "onsite_ok", "listed_in_directory"):
        if row.get(name) is not None and row[name].strip():
            check(name, lambda name=name: _bool(name, row[name]))  # type: ignore[misc]
    for name in ("hourly_rate_jpy", "monthly_retainer_jpy", "capacity", "hours_per_month", "years_experience"):
        if row.get(name):
            check(name, lambda name=name: _int(name, row[name]))  # type: ignore[misc]
    if row.get("request_kinds"):
        check("request_kinds", lambda: _kinds(row))
    for name in ("languages", "industries"):
        if row.get(name):
            fields[name] = _list(row[name])
    if row.get("skills"):
        check("skills", lambda: _skills(row, skill_slugs))
    if errors:
        raise RowErrors(errors)
    return fields.pop("email"), fields


def _save(email: str, fields: dict[str, Any]) -> Specialist | None:
    """Upsert one specialist; the profile when it is new, else None."""
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email, None, name=fields["display_name"], role=User.Role.SPECIALIST)
    elif user.role != User.Role.SPECIALIST:
        raise RowError("email", _("belongs to a user who is not a specialist"))
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
    """Import every valid row; report every error of each bad row by line and column. Nothing is
    written on dry_run. Messages are in the active language (the caller chooses it).

    The person of every new profile gets an invitation mail (accounts.lifecycle), from
    `invited_by` (a chamber admin) or, on the command line, from nobody in particular.
    """
    reader = csv.DictReader(lines)
    report = ImportReport(header=list(reader.fieldnames or []))
    rows: list[tuple[int, dict[str, str]]] = []  # (the line the row begins on, the row)
    last_line = reader.line_num
    for row in reader:
        rows.append((last_line + 1, row))  # a quoted value may span lines: the row's own first line
        last_line = reader.line_num
    report.rows = len(rows)
    new_profiles: list[Specialist] = []
    skill_slugs = set(Skill.objects.values_list("slug", flat=True))
    with transaction.atomic():
        for index, (line, row) in enumerate(rows):
            try:
                if None in row or (row and set(row) - set(COLUMNS)):
                    extra = sorted(str(key) for key in set(row) - set(COLUMNS) if key is not None)
                    raise RowError(extra[0] if extra else "row", _("unexpected column or extra values"))
                email, fields = parse_row(row, skill_slugs)
                with transaction.atomic():
                    created = _save(email, fields)
                if created is not None:
                    new_profiles.append(created)
                report.created += created is not None
                report.updated += created is None
            except RowError as exc:
                report.errors.append((line, exc.field, exc.message))
            except RowErrors as exc:
                report.errors.extend((line, name, message) for name, message in exc.errors)
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
