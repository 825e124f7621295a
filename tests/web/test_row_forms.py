"""The row action forms written in Python (web/templatetags/row_forms.py) are, to the character,
what their templates wrote: labels, ids, aria attributes, the CSRF token, htmx attributes, errors."""

import re
import uuid
from typing import Any

import pytest
from django import forms
from django.middleware.csrf import get_token
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

from web.action_forms import RowNoteForm, RowReasonForm
from web.pages import ActionForm

# What web/console/queues/row_action.html and web/console/bank_row_form.html were (their
# comments left out), before the tags took their place.
# ruff: noqa: E501
ROW_ACTION = """{% load i18n %}<form class="action-form{% if compact %} action-form--compact{% endif %}" method="post" action="{{ request.get_full_path }}" hx-post="{{ request.get_full_path }}" hx-target="#{{ swap }}" hx-select="#{{ swap }}" hx-swap="outerHTML" hx-select-oob="#messages:innerHTML{% if oob %},{{ oob }}{% endif %}" novalidate>
  {% csrf_token %}
  {% if form.non_field_errors %}<p class="field__error" role="alert">{% for error in form.non_field_errors %}{{ error }} {% endfor %}</p>{% endif %}
  {% if compact %}{% for field in form.hidden_fields %}{{ field }}{% endfor %}{% else %}{{ form }}{% endif %}
  <button class="button{% if style %} button--{{ style }}{% endif %}" type="submit"{% if describe %} aria-describedby="{{ describe }}"{% endif %}>{{ label }}</button>
</form>
"""
BANK_ROW_FORM = """<form class="action-form" method="post" novalidate hx-post="{{ request.get_full_path }}" hx-target="closest tr" hx-swap="outerHTML">
  {% csrf_token %}{% if form.non_field_errors %}<p class="field__error" role="alert">{{ form.non_field_errors|join:" " }}</p>{% endif %}
  {{ form }}
  <button class="button{% if style %} button--{{ style }}{% endif %}" type="submit">{{ label }}</button>
</form>
"""
TRICKY = "a<b>&\"c' 日本語"


def _same_token(written: str) -> str:
    """The CSRF token is masked afresh each time it is written: its value set aside."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="…"', written)


class Upload(ActionForm):
    file = forms.FileField(label="File <pdf>")


def _request(with_token: bool = True) -> Any:
    request = RequestFactory().get("/console/proposals/", {"status": TRICKY, "page": "2"})
    if with_token:
        get_token(request)
    return request


def _forms() -> list[forms.Form]:
    target = uuid.uuid4()
    initial = {"action": "reject", "target": target}
    auto_id = f"id_{target}_%s"
    unbound = RowReasonForm(prefix="reject", initial=initial, auto_id=auto_id)
    refused = RowReasonForm(
        {"reject-action": "reject", "reject-target": str(target), "reject-note": TRICKY},
        prefix="reject",
        auto_id=auto_id,
    )
    refused.is_valid()
    refused.add_error(None, ["Refused <now>", "and & later"])
    empty = RowReasonForm({"reject-action": "reject", "reject-target": str(target)}, prefix="reject", auto_id=auto_id)
    empty.is_valid()  # the reason is required: its error beside it
    note = RowNoteForm(prefix="approve", initial={"action": "approve", "target": target}, auto_id=auto_id)
    return [unbound, refused, empty, note, Upload(prefix="up", initial={"action": "up"})]


@pytest.mark.parametrize("with_token", [True, False])
@pytest.mark.parametrize("index", range(5))
@pytest.mark.parametrize(
    "options",
    [
        {"label": "Approve", "swap": "proposal-1", "compact": True, "describe": "name-1", "oob": "#bulk-9"},
        {"label": TRICKY, "swap": 'row"<1>', "style": "danger", "describe": "name-1"},
        {"label": "Void", "swap": "invoice-1", "style": "secondary", "oob": "#a,#b"},
        {"label": "Refund", "swap": "payment-1"},
    ],
)
def test_the_tags_write_what_the_templates_wrote(index: int, options: dict[str, Any], with_token: bool) -> None:
    form = _forms()[index]
    request = _request(with_token)
    values = {"form": form, **options}
    tags = Template(
        "{% load row_forms %}"
        "{% row_action form label=label swap=swap style=style compact=compact describe=describe oob=oob %}|"
        "{% bank_row_form form label=label style=style %}|{% action_form form label=label style=style %}"
    ).render(RequestContext(request, {"style": "", "compact": False, "describe": "", "oob": ""} | values))
    row_action, bank_row_form, action_form = _same_token(tags).split("|")
    assert row_action == _same_token(Template(ROW_ACTION).render(RequestContext(request, values)))
    assert bank_row_form == _same_token(Template(BANK_ROW_FORM).render(RequestContext(request, values)))
    assert action_form == _same_token(render_to_string("web/partials/action_form.html", values, request))
    if with_token:
        assert 'name="csrfmiddlewaretoken"' in row_action
        assert 'name="csrfmiddlewaretoken"' in action_form
    assert "&amp;page=2" in row_action  # the page's query string, escaped
    if form.errors:
        assert "field__error" in bank_row_form


def test_without_a_request_context_no_token_is_written() -> None:
    form = _forms()[0]
    context = Context({"form": form, "request": _request(), "label": "Go"})
    written = Template("{% load row_forms %}{% row_action form label=label swap='x' %}").render(context)
    expected = Template(ROW_ACTION).render(Context({"form": form, "request": _request(), "label": "Go", "swap": "x"}))
    assert written == expected
    assert "csrfmiddlewaretoken" not in written
