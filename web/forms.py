"""What every page form shares: fields laid out as DADS asks (label, 必須/任意, help, input, error)."""

from django import forms
from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Django's renderer with our form and field templates (web/templates/web/partials/).

    Set per form (PageForm), not as FORM_RENDERER, so Django admin keeps its own layout.
    """

    form_template_name = "web/partials/form.html"
    field_template_name = "web/partials/field.html"


# One instance for every form: Django instantiates a renderer *class* per form, and each
# instance builds its own template engine, so every form on a page re-read and re-parsed its
# templates (a queue of 50 rows with their action forms spent most of its time in the parser).
RENDERER = FormRenderer()


class PageForm(forms.Form):
    """Base for the pages' forms: `{{ form }}` renders every field in the DADS order."""

    default_renderer = RENDERER
