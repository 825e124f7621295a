"""The pages' form renderer writes plain inputs and textareas itself (web/forms.py, for speed):
what it writes must be, to the character, what Django's widget templates write."""

import datetime
import uuid

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from web.forms import RENDERER, PageForm

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
        },
        {"text": "", "number": "not a number", "note": "", "email": "bad"},  # bound, with errors
    ],
)
def test_every_widget_is_written_as_djangos_templates_write_it(data: dict[str, str] | None) -> None:
    initial = {"hidden": uuid.uuid4(), "date": datetime.date(2026, 4, 1), "text": mark_safe("R&amp;D")}  # noqa: S308 - left as it is, as Django does
    ours = Everything(data, initial=initial, auto_id="id_row_%s")
    theirs = Everything(data, initial=initial, auto_id="id_row_%s", renderer=DJANGO)
    assert ours.renderer is RENDERER
    ours.is_valid(), theirs.is_valid()
    for name in ours.fields:
        written = ours[name].as_widget()
        assert written == theirs[name].as_widget(), name
        assert written.count("<") == 1 + ("</textarea>" in written), name  # one element, its text escaped


def test_a_widget_it_does_not_know_goes_through_the_templates() -> None:
    select = forms.Select(choices=[("a", "A & B")])
    assert select.render("pick", "a", renderer=RENDERER) == select.render("pick", "a", renderer=DJANGO)
