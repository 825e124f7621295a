"""What every page form shares: fields laid out as DADS asks (label, 必須/任意, help, input, error)."""

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.translation import gettext

# Django's widget templates that are only `{% include "django/forms/widgets/input.html" %}`.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("hidden", "text", "email", "number", "password", "url", "date", "search", "tel")
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs_html(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FormRenderer(DjangoTemplates):
    """Django's renderer with our form and field templates (web/templates/web/partials/).

    Set per form (PageForm), not as FORM_RENDERER, so Django admin keeps its own layout.

    The plain inputs, the textarea and the select are written here, to the character what Django's widget
    templates write (tests/web/test_form_renderer.py compares them): a queue's page renders a few
    hundred of them (each row's action forms), and rendering each through the template engine
    was a third of such a page's time.
    """

    form_template_name = "web/partials/form.html"
    field_template_name = "web/partials/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        if request is None and isinstance(context, dict):
            if template_name == self.field_template_name and context.keys() == {"field"}:
                return self._field(context["field"])
            if template_name == self.form_template_name and "fields" in context and "hidden_fields" in context:
                visible = "".join(field.as_field_group() for field, _errors in context["fields"])
                return f"{visible}\n{''.join(str(field) for field in context['hidden_fields'])}".strip()
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is None or request is not None:
            return super().render(template_name, context, request)
        if template_name in _INPUT_TEMPLATES:
            value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
            return (
                f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
                f"{value}{_attrs_html(widget['attrs'])}>"
            )
        if template_name == _TEXTAREA_TEMPLATE:
            text = conditional_escape(widget["value"]) if widget["value"] else ""
            name = conditional_escape(widget["name"])
            return f'<textarea name="{name}"{_attrs_html(widget["attrs"])}>\n{text}</textarea>'
        if template_name == _SELECT_TEMPLATE and all(
            # A label that is not text is localized by the template (a number): left to it.
            option["template_name"] == _OPTION_TEMPLATE and isinstance(option["label"], str | Promise)
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return self._select(widget)
        return super().render(template_name, context, request)

    @staticmethod
    def _field(field: Any) -> str:
        """web/partials/field.html (label, 必須/任意, help, the widget, its errors), whitespace included."""
        label = conditional_escape(field.label)
        if field.field.required:
            badge = f'<span class="badge badge--required">{conditional_escape(gettext("Required"))}</span>'
        else:
            badge = f'<span class="badge">{conditional_escape(gettext("Optional"))}</span>'
        auto_id = conditional_escape(field.auto_id)
        if field.use_fieldset:
            describe = f' aria-describedby="{auto_id}_helptext"' if field.help_text and field.auto_id else ""
            heading = f'<fieldset{describe}>\n    <legend class="field__label">{label} {badge}</legend>\n  '
        else:
            for_label = conditional_escape(field.id_for_label)
            heading = f'\n    <label class="field__label" for="{for_label}">{label} {badge}</label>\n  '
        help_text = (
            f'<p class="field__help" id="{auto_id}_helptext">{conditional_escape(field.help_text)}</p>'
            if field.help_text
            else ""
        )
        errors = field.errors
        error = (
            f'<p class="field__error" id="{auto_id}_error">{" ".join(str(conditional_escape(e)) for e in errors)}</p>'
            if errors
            else ""
        )
        return (
            f'<div class="field{" field--error" if errors else ""}">\n  {heading}\n  {help_text}\n  {field}\n'
            f"  {error}\n  {'</fieldset>' if field.use_fieldset else ''}\n</div>"
        )

    @staticmethod
    def _select(widget: dict[str, Any]) -> str:
        """django/forms/widgets/select.html and its select_option.html, whitespace included."""
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attrs_html(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)


# One instance for every form: Django instantiates a renderer *class* per form, and each
# instance builds its own template engine, so every form on a page re-read and re-parsed its
# templates (a queue of 50 rows with their action forms spent most of its time in the parser).
RENDERER = FormRenderer()


class PageForm(forms.Form):
    """Base for the pages' forms: `{{ form }}` renders every field in the DADS order."""

    default_renderer = RENDERER
