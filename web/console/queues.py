"""What the console's queues share (proposals, runs, engagements, subsidy cases, invoices): a
filter form read from the query string, the sort orders a list offers, and the page of a queue,
whose row actions htmx sends in place.

A row's form posts to the page itself (web/pages.py: POST → redirect → GET); with htmx it is
sent in the background and the row of the page that comes back (`hx-select`) replaces it, the
messages beside it (`hx-select-oob`), so the page works the same without JavaScript. A refused
action answers 400 with the service's message beside its field; htmx swaps only 2xx answers,
so for an htmx request that answer goes out as 200 (the same page, the same message).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from web.forms import PageForm
from web.pages import Action, page
from workflow.models import StatusChange
from workflow.selectors import history_of


class QueueFilters(PageForm):
    """A queue's filters and sort order, from the query string (GET): a value that does not
    parse is ignored rather than refused, so a stale bookmark still opens the queue."""

    # Each subclass: {value: (label, order_by fields)}; the first is the default.
    SORTS: Mapping[str, tuple[Any, tuple[str, ...]]] = {}
    # What a queue shows when its filter is not in the query string at all.
    DEFAULTS: Mapping[str, str] = {}

    def __init__(self, data: Any) -> None:
        given = {key: data.get(key) for key in data}
        super().__init__({**self.DEFAULTS, **given}, auto_id="filter_%s")
        self.fields["sort"] = forms.ChoiceField(
            label=_("Sort by"), required=False, choices=[(key, label) for key, (label, _o) in self.SORTS.items()]
        )

    def values(self) -> dict[str, Any]:
        """The cleaned filters; a field that did not parse counts as empty."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) for name in self.fields if name not in self.errors}

    def ordering(self) -> tuple[str, ...]:
        chosen = self.values().get("sort") or next(iter(self.SORTS))
        return self.SORTS[chosen][1]


def search_field(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=200)


def choice_filter(label: Any, choices: Iterable[tuple[str, Any]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", _("All")), *choices])


def paginate_by_key(
    request: HttpRequest, listed: QuerySet[Any], ordering: Sequence[str], per_page: int = 50
) -> Page[Any]:
    """`web.pages.paginate` for a list whose rows join wide tables (select_related): the page is
    sorted and cut over the rows' keys only (their filters and sort columns), and its rows read by
    key in the same query, as a subquery. The database then sorts narrow keys, not every joined
    row of the chamber (the specialist's profile, the request, ...). Same queries: count, page."""
    keys = listed.select_related(None).prefetch_related(None).order_by(*ordering).values("pk")
    page_obj = Paginator(keys, per_page).get_page(request.GET.get("page"))
    page_obj.object_list = listed.filter(pk__in=page_obj.object_list).order_by(*ordering)
    return page_obj


def queue_page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    actions: Mapping[str, Action] | None = None,
    rows: Iterable[Any] = (),
) -> HttpResponse:
    """`web.pages.page`, its refusals answered as 200 to htmx (see the module docstring)."""
    response = page(request, template, context, actions, rows)
    if request.method == "POST" and getattr(request, "htmx", False) and response.status_code == 400:
        response.status_code = 200
        response["X-Refused"] = "1"  # what the 400 said, for whoever reads the headers
    return response


def history(obj: Model) -> list[StatusChange]:
    """An object's transitions, oldest first (one query), each with `who` (a specialist by their
    display name, as the API's history shows them) and its statuses' labels."""
    status = getattr(type(obj), "Status", None)
    labels = dict(status.choices) if status is not None else {}
    changes: list[Any] = list(history_of(obj).select_related("by__specialist"))
    for change in changes:
        change.from_label = labels.get(change.from_status, change.from_status)
        change.to_label = labels.get(change.to_status, change.to_status)
        change.who = _who(change)
    return changes


def _who(change: StatusChange) -> str:
    user = change.by
    if user is None:
        return str(_("The system"))
    specialist = getattr(user, "specialist", None) if user.role == User.Role.SPECIALIST else None
    return specialist.display_name if specialist is not None else (user.name or user.email)
