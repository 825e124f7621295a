"""The one way a status changes: guarded, audited, in bulk, or forward-only.

Every workflow model declares `TRANSITIONS: {from: {to, ...}}`. A change is one
conditional `UPDATE ... WHERE status = <from>`, so a repeat or a race cannot apply it
twice, plus one `StatusChange` row in the same transaction. Callers run inside a
transaction (services are `@transaction.atomic`).
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from marketplace.errors import InvalidTransition
from workflow.models import StatusChange


def sources_of(model: Any, to: str) -> set[str]:
    """The statuses from which `to` may be reached in one step."""
    return {source for source, targets in model.TRANSITIONS.items() if to in targets}


def reachable_from(model: Any, start: str) -> set[str]:
    """Every status reachable from `start` in one or more steps."""
    seen: set[str] = set()
    frontier = [start]
    while frontier:
        for target in model.TRANSITIONS.get(frontier.pop(), ()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


def record_transition(obj: models.Model, *, by: Any, from_status: str, to_status: str, note: str = "") -> StatusChange:
    """Append one row to an object's history (creation is recorded with from_status="")."""
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        from_status=from_status,
        to_status=to_status,
        by=by,
        note=note,
    )


def record_creation(obj: models.Model, *, by: Any, note: str = "") -> StatusChange:
    """The first row of an object's history: it came into being in its current status."""
    return record_transition(obj, by=by, from_status="", to_status=obj.status, note=note)  # type: ignore[attr-defined]


def transition(
    obj: Any,
    *,
    to: str,
    by: Any,
    note: str = "",
    allowed_from: set[str] | None = None,
    **changes: Any,
) -> None:
    """Move `obj.status` to `to`, once. Not allowed from the current status, or lost a race: 409."""
    model = type(obj)
    sources = allowed_from or sources_of(model, to)
    current = obj.status
    if current not in sources:
        raise InvalidTransition(obj, to=to)
    changed = model.objects.filter(pk=obj.pk, status=current).update(status=to, **changes)
    if changed != 1:
        obj.refresh_from_db(fields=["status"])
        raise InvalidTransition(obj, to=to)
    record_transition(obj, by=by, from_status=current, to_status=to, note=note)
    obj.refresh_from_db()


def forward_transition(obj: Any, *, to: str, by: Any, note: str = "", **changes: Any) -> bool:
    """Move forward to `to` (in one or more steps of the table), or ignore a state that arrives late.

    For events that come more than once and out of order (Stripe webhooks): the object
    already at `to`, or past it, stays where it is and False is returned. A target that
    is neither ahead nor behind is a real conflict (409).
    """
    model = type(obj)
    for _attempt in range(3):
        current = obj.status
        if current == to or current in reachable_from(model, to):
            return False
        if to not in reachable_from(model, current):
            raise InvalidTransition(obj, to=to)
        changed = model.objects.filter(pk=obj.pk, status=current).update(status=to, **changes)
        if changed == 1:
            record_transition(obj, by=by, from_status=current, to_status=to, note=note)
            obj.refresh_from_db()
            return True
        obj.refresh_from_db(fields=["status"])  # moved under us: decide again from where it is now
    raise InvalidTransition(obj, to=to)


def bulk_transition(
    queryset: "models.QuerySet[Any]",
    *,
    to: str,
    by: Any,
    note: str = "",
    allowed_from: Iterable[str] | None = None,
    **changes: Any,
) -> list[Any]:
    """Move every row of `queryset` that may reach `to`, each with its own history row.

    Rows are locked first, so the UPDATE changes exactly the rows whose history is
    written; rows in another status are skipped (not an error). Returns the moved pks.
    """
    model = queryset.model
    sources = set(allowed_from) if allowed_from is not None else sources_of(model, to)
    with transaction.atomic():
        rows = list(queryset.filter(status__in=sources).select_for_update().order_by("pk").values_list("pk", "status"))
        if not rows:
            return []
        pks = [pk for pk, _status in rows]
        model.objects.filter(pk__in=pks).update(status=to, **changes)
        content_type = ContentType.objects.get_for_model(model)
        StatusChange.objects.bulk_create(
            StatusChange(content_type=content_type, object_id=pk, from_status=status, to_status=to, by=by, note=note)
            for pk, status in rows
        )
    return pks
