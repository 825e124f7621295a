"""What every object page shares: fetching through the domain's selectors (out of reach: 404)
and its actions (a Django form → one service call → a message and a redirect).

A page with actions names each one (`Action`); its forms post to the page itself with a hidden
`action` field saying which. A valid form runs the action's one service call: done, the page
redirects to itself with a message (POST → redirect → GET); refused (a `DomainError`), the page
is shown again with the service's message beside the field it names, or at the top, and what
the person typed kept, with status 400.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise

from accounts.models import User
from marketplace.errors import DomainError, NotFound
from web.access import signed_in_user
from web.forms import PageForm

T = TypeVar("T")


def reach(access: Callable[[User, Any], T], request: HttpRequest, object_id: Any) -> T:
    """`access(user, id)` of a domain selector module, its NotFound as Http404."""
    try:
        return access(acting(request), object_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def acting(request: HttpRequest) -> User:
    """The signed-in person (the page's role guard has let only them in)."""
    user = signed_in_user(request)
    if user is None:
        raise Http404
    return user


class ActionForm(PageForm):
    """An action's form: `action` names which of the page's actions it is."""

    action = forms.CharField(widget=forms.HiddenInput)


class RowForm(ActionForm):
    """An action on one row of a list (`target`: the row's id); each row gets its own form, with
    ids of its own so every label points at its row's field."""

    target = forms.UUIDField(widget=forms.HiddenInput)


@dataclass(frozen=True)
class Action:
    """One thing a page does: its form and the service call it makes with the cleaned data (every
    field but `action`)."""

    form: type[ActionForm]
    run: Callable[[dict[str, Any]], Any]
    # The message shown once it is done; a function of what the service returned if it depends on it.
    done: str | Promise | Callable[[Any], str]


def _row_auto_id(row_id: Any) -> str:
    return f"id_{row_id}_%s"


def page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    actions: Mapping[str, Action] | None = None,
    rows: Iterable[Any] = (),
) -> HttpResponse:
    """Render `template` with `context` and one form per action (`forms.<name>`; a `RowForm`
    action: one per row of `rows`, as `row.action_forms.<name>`), or handle the POST of one of
    them (see the module docstring)."""
    actions = actions or {}
    page_actions = {name: a for name, a in actions.items() if not issubclass(a.form, RowForm)}
    forms_by_name = {name: a.form(prefix=name, initial={"action": name}) for name, a in page_actions.items()}
    row_forms: dict[Any, dict[str, ActionForm]] = {}
    for row in rows:
        row_forms[str(row.pk)] = row.action_forms = {
            name: a.form(prefix=name, initial={"action": name, "target": row.pk}, auto_id=_row_auto_id(row.pk))
            for name, a in actions.items()
            if name not in page_actions
        }
    failed: ActionForm | None = None
    if request.method == "POST":
        # Each form is prefixed with its action's name, so it posts `<name>-action=<name>`.
        name = next((key for key in actions if request.POST.get(f"{key}-action") == key), None)
        if name is None:
            raise Http404("No such action on this page.")
        action = actions[name]
        target = request.POST.get(f"{name}-target", "")
        auto_id = "id_%s" if name in page_actions else _row_auto_id(target)  # "id_%s": Django's default
        form = action.form(request.POST, request.FILES, prefix=name, initial={"action": name}, auto_id=auto_id)
        if form.is_valid():
            try:
                result = action.run({k: v for k, v in form.cleaned_data.items() if k != "action"})
            except (DomainError, DjangoValidationError) as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, action.done(result) if callable(action.done) else str(action.done))
                return redirect(request.get_full_path())
        failed = form
        if name in page_actions:
            forms_by_name[name] = form
        elif target in row_forms:
            row_forms[target][name] = form
    response = render(request, template, {**context, "forms": forms_by_name, "form": failed})
    if failed is not None:
        response.status_code = 400
    return response


def show_refusal(form: forms.Form, exc: DomainError | DjangoValidationError) -> None:
    """A service's refusal on its form: beside the field it names, else at the top. Services
    raise a DomainError, or Django's ValidationError by field (password validators, model checks)."""
    if isinstance(exc, DomainError):
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        return
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, messages_ in errors.items():
        form.add_error(name if name in form.fields else None, messages_)


def paginate(request: HttpRequest, rows: Any, per_page: int = 50) -> Page[Any]:
    """One page of `rows` (`?page=n`; out of range: the last), for the desk's long lists."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
