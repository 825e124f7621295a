"""`{% load row_forms %}`: the action forms a list draws on every row, written in Python.

A queue's page draws up to a hundred of them (proposals: approve and reject on each of 50 rows);
through `{% include %}` of a template each, they were most of the page's time. Each tag writes, to
the character, what its template wrote (tests/web/test_row_forms.py keeps them equal): the same
labels, ids, aria attributes, CSRF token, htmx attributes and errors.
"""

from typing import Any, cast

from django import template
from django.forms import Form
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CSRF = CsrfTokenNode()


def _button(label: Any, style: Any, describe: Any = "") -> SafeString:
    return format_html(
        '<button class="button{}" type="submit"{}>{}</button>',
        format_html(" button--{}", style) if style else "",
        format_html(' aria-describedby="{}"', describe) if describe else "",
        label,
    )


def _errors(form: Form) -> list[str]:
    """The form's errors that belong to no field (a refusal's message), as the template iterated them."""
    return cast("list[str]", form.non_field_errors())


def _non_field_errors(form: Form) -> str:
    return "".join(f"{conditional_escape(error)} " for error in _errors(form))


@register.simple_tag(takes_context=True)
def row_action(
    context: template.Context,
    form: Form,
    label: Any,
    swap: Any,
    style: Any = "",
    compact: bool = False,
    describe: Any = "",
    oob: Any = "",
) -> SafeString:
    """One action on one row of a queue, sent in place by htmx (web/console/queues.py): the
    button's `label`, `style` (secondary, danger), `swap` (the id of the element the answer's copy
    replaces), `compact` (only the button: the form's other fields are optional), `describe` (the
    id the button is described by, e.g. the row's name), `oob` (other elements the answer brings
    up to date, e.g. "#bulk-<run>")."""
    path = conditional_escape(context["request"].get_full_path())
    swap = conditional_escape(swap)
    errors = _non_field_errors(form)
    error = f'<p class="field__error" role="alert">{errors}</p>' if errors else ""
    fields = "".join(str(field) for field in form.hidden_fields()) if compact else str(form)
    return mark_safe(  # noqa: S308  (every value in it escaped above, or the form's own HTML)
        f'<form class="action-form{" action-form--compact" if compact else ""}" method="post" action="{path}" '
        f'hx-post="{path}" hx-target="#{swap}" hx-select="#{swap}" hx-swap="outerHTML" '
        f'hx-select-oob="#messages:innerHTML{"," + conditional_escape(oob) if oob else ""}" novalidate>\n'
        f"  {_CSRF.render(context)}\n"
        f"  {error}\n"
        f"  {fields}\n"
        f"  {_button(label, style, describe)}\n"
        "</form>\n"
    )


@register.simple_tag(takes_context=True)
def bank_row_form(context: template.Context, form: Form, label: Any, style: Any = "") -> SafeString:
    """One row's action of the specialist bank (web/console/bank.py): posted by htmx, the row it
    sits in is replaced by the answer; without JavaScript, the page's POST → redirect."""
    path = conditional_escape(context["request"].get_full_path())
    errors = _errors(form)
    error = (
        f'<p class="field__error" role="alert">{" ".join(str(conditional_escape(e)) for e in errors)}</p>'
        if errors
        else ""
    )
    return mark_safe(  # noqa: S308  (every value in it escaped above, or the form's own HTML)
        f'<form class="action-form" method="post" novalidate hx-post="{path}" hx-target="closest tr" '
        f'hx-swap="outerHTML">\n'
        f"  {_CSRF.render(context)}{error}\n"
        f"  {form}\n"
        f"  {_button(label, style)}\n"
        "</form>\n"
    )


@register.simple_tag(takes_context=True)
def action_form(context: template.Context, form: Form, label: Any, style: Any = "") -> SafeString:
    """web/partials/action_form.html (one action of a page, web/pages.py) for a list that draws
    it on every row."""
    multipart = ' enctype="multipart/form-data"' if form.is_multipart() else ""
    return mark_safe(  # noqa: S308  (every value in it escaped above, or the form's own HTML)
        f'<form class="action-form" method="post" novalidate{multipart}>\n'
        f"  {_CSRF.render(context)}\n"
        f"  {form}\n"
        f"  {_button(label, style)}\n"
        "</form>\n"
    )
