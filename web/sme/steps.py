"""Forms of the SME's diagnosis, company and request pages that lead somewhere else when done.

Like web/pages.py (a form → one service call → a message and a redirect; refused: the page
again with the service's message beside its field and what was typed kept, status 400), but a
step may redirect to the object it made (a new diagnosis, the drafted request), its forms may
start from given values (a draft's fields, the default terms), and a refusal naming several
fields (ValidationFailed.from_errors) shows each message beside its own field.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise

from marketplace.errors import DomainError
from web.pages import ActionForm, show_refusal


@dataclass(frozen=True)
class Step:
    """One form of a page: its class, the service call made with its cleaned data (every field but
    `action`), the message once done, and where to go then (None: this page again)."""

    form: type[ActionForm]
    run: Callable[[dict[str, Any]], Any]
    done: str | Promise | Callable[[Any], str]
    to: Callable[[Any], str] | None = None
    initial: Mapping[str, Any] = field(default_factory=dict)
    # A service's field name -> the form's, where they differ.
    aliases: Mapping[str, str] = field(default_factory=dict)


def refuse(form: ActionForm, exc: DomainError | DjangoValidationError, aliases: Mapping[str, str]) -> None:
    """The service's refusal on `form`: every field it names beside that field, else at the top."""
    if isinstance(exc, DomainError):
        errors = exc.context.get("errors") or {exc.field: exc.message}
        for name, message in errors.items():
            name = aliases.get(name, name)
            form.add_error(name if name in form.fields else None, str(message))
        return
    show_refusal(form, exc)


def page(request: HttpRequest, template: str, context: Mapping[str, Any], steps: Mapping[str, Step]) -> HttpResponse:
    """Render `template` with one form per step (`forms.<name>`), or handle the POST of one."""
    built = {name: step.form(prefix=name, initial={**step.initial, "action": name}) for name, step in steps.items()}
    failed: ActionForm | None = None
    if request.method == "POST":
        name = next((key for key in steps if request.POST.get(f"{key}-action") == key), None)
        if name is None:
            raise Http404("No such action on this page.")
        step = steps[name]
        form = step.form(request.POST, request.FILES, prefix=name, initial={**step.initial, "action": name})
        if form.is_valid():
            try:
                result = step.run({k: v for k, v in form.cleaned_data.items() if k != "action"})
            except (DomainError, DjangoValidationError) as exc:
                refuse(form, exc, step.aliases)
            else:
                messages.success(request, step.done(result) if callable(step.done) else str(step.done))
                return redirect(step.to(result) if step.to else request.get_full_path())
        failed = built[name] = form
    response = render(request, template, {**context, "forms": built, "form": failed})
    if failed is not None:
        response.status_code = 400
    return response
