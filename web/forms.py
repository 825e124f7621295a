"""What every page form shares: fields laid out as DADS asks (label, 必須/任意, help, input, error)."""

from django import forms
from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Django's renderer with our form and field templates (web/templates/web/partials/).

    Set per form (PageForm), not as FORM_RENDERER, so Django admin keeps its own layout.
    """

    form_template_name = "web/partials/form.html"
    field_template_name = "web/partials/field.html"


class PageForm(forms.Form):
    """Base for the pages' forms: `{{ form }}` renders every field in the DADS order."""

    default_renderer = FormRenderer
