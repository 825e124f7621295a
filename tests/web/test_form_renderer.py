"""The pages' form renderer writes plain inputs and textareas itself (web/forms.py, for speed):
what it writes must be, to the character, what Django's widget templates write."""

import datetime
import uuid
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from web.forms import RENDERER, FormRenderer, PageForm

DJANGO = DjangoTemplates()

TRICKY = "a<b>&\"c' 日本語"


class Everything(PageForm):
    hidden = forms.UUIDField(widget=forms.HiddenInput)
    text = forms.CharField(label="Text", max_length=20, help_text="help")
    optional = forms.CharField(label="Optional", required=False)
    email = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    number = forms.IntegerField(label="Number", widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    password = forms.CharField(label="Password", widget=forms.PasswordInput(render_value=True))
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2, "disabled": False}))
    kind = forms.ChoiceField(label="Kind", choices=[("", "All"), ("a&b", _("Advisor")), (3, "<3>")])
    grouped = forms.ChoiceField(
        label="Grouped", required=False, choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]
    )
    many = forms.MultipleChoiceField(label="Many", required=False, choices=[("p", "P"), ("q", "Q")])
    year = forms.TypedChoiceField(label="Year", coerce=int, choices=[(2025, 2025), (20260, 20260)])
    url = forms.URLField(label="URL", required=False, assume_scheme="https")


@pytest.mark.parametrize(
    "data",
    [
        None,  # unbound: initial values, then none
        {
            "hidden": str(uuid.uuid4()),
            "text": TRICKY,
            "optional": "",
            "email": "x@example.com",
            "number": "12",
            "password": TRICKY,
            "date": "2026-04-01",
            "note": TRICKY + "\nline",
            "url": "https://example.com/?a=1&b=2",
            "kind": "a&b",
            "grouped": "y",
            "many": ["p", "q"],
            "year": "20260",
        },
        {"text": "", "number": "not a number", "note": "", "email": "bad"},  # bound, with errors
    ],
)
def test_every_widget_is_written_as_djangos_templates_write_it(data: dict[str, str] | None) -> None:
    initial = {"hidden": uuid.uuid4(), "date": datetime.date(2026, 4, 1), "text": mark_safe("R&amp;D")}
    ours = Everything(data, initial=initial, auto_id="id_row_%s")
    theirs = Everything(data, initial=initial, auto_id="id_row_%s", renderer=DJANGO)
    assert ours.renderer is RENDERER
    ours.is_valid(), theirs.is_valid()
    for name in ours.fields:
        written = ours[name].as_widget()
        assert written == theirs[name].as_widget(), name
        if "<select" not in written:
            assert written.count("<") == 1 + ("</textarea>" in written), name  # one element, its text escaped


def test_a_widget_it_does_not_know_goes_through_the_templates() -> None:
    radios = forms.RadioSelect(choices=[("a", "A & B")])
    assert radios.render("pick", "a", renderer=RENDERER) == radios.render("pick", "a", renderer=DJANGO)


class Templates(FormRenderer):
    """Our renderer with every form, field and widget written by its template."""

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        return DjangoTemplates.render(self, template_name, context, request)


TEMPLATES = Templates()


class WithFieldsets(Everything):
    pick = forms.ChoiceField(label="Pick <one>", choices=[("a", "A & B"), ("b", "B")], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(
        label="Boxes",
        required=False,
        help_text="Tick <any>",
        choices=[("p", "P")],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        raise forms.ValidationError(["Not <now>", "nor later"])


@pytest.mark.parametrize("auto_id", ["id_row_%s", "id_%s", False])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": TRICKY, "note": TRICKY, "pick": "a", "kind": "a&b", "year": "2025", "boxes": ["p"]},
        {"text": "", "number": "not a number", "note": "", "email": "bad", "pick": "zz", "boxes": ["zz"]},
    ],
)
def test_every_field_and_form_is_written_as_our_templates_write_it(
    data: dict[str, Any] | None, auto_id: str | bool
) -> None:
    """Label, 必須/任意, help, widget, errors beside it, fieldsets: web/partials/field.html and form.html."""
    initial = {"hidden": uuid.uuid4(), "text": mark_safe("R&amp;D")}
    ours = WithFieldsets(data, initial=initial, auto_id=auto_id)
    theirs = WithFieldsets(data, initial=initial, auto_id=auto_id, renderer=TEMPLATES)
    ours.is_valid(), theirs.is_valid()
    for name in ours.fields:
        assert ours[name].as_field_group() == theirs[name].as_field_group(), name
    written = str(ours)
    assert written == str(theirs)
    assert written.count('class="field"') + written.count('class="field field--error"') == len(ours.visible_fields())
