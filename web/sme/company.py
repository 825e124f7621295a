"""The SME's company: its facts, size class with its basis and SECURITY ACTION level; registering
a company (the 法人番号 checked as it is typed) and, for its owner, stating the SECURITY ACTION
level. Writes through accounts.services, reads through accounts.selectors."""

import uuid
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts import corporate_number
from accounts import selectors as accounts_selectors
from accounts import size_class as sizing
from accounts.models import Company, CompanyMembership, User
from accounts.prefectures import PREFECTURE_CHOICES
from accounts.services import checked_corporate_number, create_company, update_company
from marketplace.errors import ValidationFailed
from web.access import for_role
from web.pages import ActionForm, acting, reach
from web.sme.steps import Step, page

SME = User.Role.SME


class RegisterForm(ActionForm):
    name = forms.CharField(label=gettext_lazy("Company name"), max_length=200)
    entity_type = forms.ChoiceField(
        label=gettext_lazy("Entity type"),
        choices=Company.EntityType.choices,
        widget=forms.RadioSelect,
        initial=Company.EntityType.CORPORATION,
    )
    corporate_number = forms.CharField(
        label=gettext_lazy("Corporate number (法人番号)"),
        help_text=gettext_lazy("13 digits; hyphens and spaces are ignored. A sole proprietor leaves it empty."),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "hx-get": reverse_lazy("sme:company_number_check"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#corporate-number-check",
                "hx-swap": "innerHTML",
                "aria-describedby": "id_register-corporate_number_helptext corporate-number-check",
            }
        ),
    )
    industry = forms.ChoiceField(label=gettext_lazy("Industry"), choices=Company.Industry.choices)
    capital_jpy = forms.IntegerField(
        label=gettext_lazy("Capital (yen)"),
        help_text=gettext_lazy("A corporation's capital; with the employees it decides the size class."),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    employees = forms.IntegerField(
        label=gettext_lazy("Regular employees"),
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    prefecture = forms.ChoiceField(label=gettext_lazy("Prefecture"), choices=PREFECTURE_CHOICES)
    city = forms.CharField(label=gettext_lazy("City"), required=False, max_length=100)
    security_action = forms.ChoiceField(
        label=gettext_lazy("SECURITY ACTION"),
        help_text=gettext_lazy("The level your company has declared on IPA's site, if any."),
        choices=Company.SecurityAction.choices,
        initial=Company.SecurityAction.NONE,
    )
    chamber = forms.ChoiceField(
        label=gettext_lazy("Chamber of commerce"),
        help_text=gettext_lazy("The chamber that verifies your company and whose specialists you are matched with."),
        choices=(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The size class and its basis, shown as industry, capital and employees are given.
        live = {
            "hx-get": reverse("sme:company_size_check"),
            "hx-trigger": "input changed delay:300ms, change",
            "hx-target": "#size-class-check",
            "hx-include": ",".join(f"[name='{self.add_prefix(name)}']" for name in SIZE_FIELDS),
        }
        for name in SIZE_FIELDS:
            self.fields[name].widget.attrs.update(live)
        field = self.fields["chamber"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (declared above)
        field.choices = [(str(c.pk), c.name) for c in accounts_selectors.chambers().order_by("name", "id")]


SIZE_FIELDS = ("entity_type", "industry", "capital_jpy", "employees")


class SizeForm(forms.Form):
    entity_type = forms.ChoiceField(choices=Company.EntityType.choices)
    industry = forms.ChoiceField(choices=Company.Industry.choices)
    capital_jpy = forms.IntegerField(required=False, min_value=0)
    employees = forms.IntegerField(min_value=0, max_value=1_000_000)


class SecurityActionForm(ActionForm):
    company = forms.UUIDField(widget=forms.HiddenInput)
    security_action = forms.ChoiceField(label=gettext_lazy("SECURITY ACTION"), choices=Company.SecurityAction.choices)


def _register(user: User, data: dict[str, Any]) -> Company:
    fields = {k: v for k, v in data.items() if k != "chamber"}
    chamber = accounts_selectors.chambers().get(pk=uuid.UUID(data["chamber"]))
    return create_company(user=user, chamber=chamber, **fields)


@for_role(SME)
def company(request: HttpRequest) -> HttpResponse:
    """The companies the person acts for: facts, verification, size class with its basis; register
    one; an owner states the SECURITY ACTION level."""
    user = acting(request)
    companies = list(accounts_selectors.companies_visible_to(user).order_by("name", "id"))
    owned = set(
        CompanyMembership.objects.filter(user=user, role=CompanyMembership.Role.OWNER).values_list(
            "company_id", flat=True
        )
    )

    def set_level(data: dict[str, Any]) -> Company:
        found = reach(accounts_selectors.access_company, request, data["company"])
        return update_company(company=found, user=user, security_action=data["security_action"])

    steps = {
        "register": Step(
            RegisterForm,
            lambda data: _register(user, data),
            lambda made: (
                _("%(name)s is registered; its chamber verifies it and you are told by mail.") % {"name": made.name}
            ),
            to=lambda made: reverse("sme:company"),
        ),
        "level": Step(
            SecurityActionForm,
            set_level,
            lambda changed: _("The SECURITY ACTION level of %(name)s is saved.") % {"name": changed.name},
        ),
    }
    context = {
        "companies": [
            (
                c,
                c.size,
                SecurityActionForm(
                    prefix="level",
                    initial={"action": "level", "company": c.pk, "security_action": c.security_action},
                    auto_id=f"id_{c.pk}_%s",
                )
                if c.pk in owned
                else None,
            )
            for c in companies
        ]
    }
    return page(request, "web/sme/company.html", context, steps)


@require_GET
@for_role(SME)
def number_check(request: HttpRequest) -> HttpResponse:
    """What the check digit says of the number typed so far (htmx, beside the field)."""
    typed = request.GET.get("register-corporate_number", request.GET.get("corporate_number", "")).strip()
    context: dict[str, Any] = {"typed": typed}
    if typed:
        try:
            context["valid"] = corporate_number.display(checked_corporate_number(typed))
        except ValidationFailed as exc:
            context["error"] = exc.message
    return render(request, "web/sme/partials/corporate_number_check.html", context)


@require_GET
@for_role(SME)
def size_check(request: HttpRequest) -> HttpResponse:
    """The size class the facts typed so far give, with its basis (accounts.size_class; htmx)."""
    form = SizeForm(request.GET, prefix="register")
    size = None
    if form.is_valid():
        data = form.cleaned_data
        capital = None if data["entity_type"] == Company.EntityType.SOLE_PROPRIETOR else data["capital_jpy"]
        size = sizing.classify(industry=data["industry"], employees=data["employees"], capital_jpy=capital)
    return render(request, "web/sme/partials/size_class_check.html", {"size": size})
