"""The specialist's profile editor: one form whose cleaned data is exactly the keyword arguments of
talent.services.update_specialist_profile (the API's PATCH /specialists/me/ calls the same
service), so a refusal naming a field lands beside it."""

from typing import Any, cast

from django import forms
from django.conf.locale import LANG_INFO
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Company
from accounts.prefectures import PREFECTURES, prefecture_name
from talent.models import RequestKind, Skill, Specialist
from talent.services import LANGUAGES
from web.forms import PageForm

LEVELS = [("", _("None")), *((str(level), str(level)) for level in range(1, 6))]
SKILL_PREFIX = "skill__"
# Tagalog and Chinese have no entry in Django's table of language names.
_NAMES = {"zh": "中文", "tl": "Tagalog"}


def language_name(code: str) -> str:
    return _NAMES.get(code) or LANG_INFO.get(code, {}).get("name_local") or code


def language_choices() -> list[tuple[str, str]]:
    # Japanese and English first, then the others in their own names.
    first = ["ja", "en"]
    return [(code, language_name(code)) for code in [*first, *sorted(LANGUAGES - set(first))]]


def prefecture_choices() -> list[tuple[str, str]]:
    language = get_language() or "ja"
    return [(code, prefecture_name(code, language)) for code in PREFECTURES]


class ProfileForm(PageForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=100,
        help_text=_("Shown in the directory and on proposals once you accept."),
    )
    bio = forms.CharField(
        label=_("About your work"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    years_experience = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=80)
    prefecture = forms.ChoiceField(label=_("Where you are based"), required=False)
    remote_ok = forms.BooleanField(label=_("I work remotely"), required=False)
    onsite_ok = forms.BooleanField(label=_("I work on site"), required=False)
    travel_prefectures = forms.MultipleChoiceField(
        label=_("Prefectures you travel to for on-site work"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Companies there can find you for on-site work (with “I work on site”)."),
    )
    request_kinds = forms.MultipleChoiceField(
        label=_("Work you take on"),
        required=False,
        choices=RequestKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    hourly_rate_jpy = forms.IntegerField(
        label=_("Hourly rate (yen)"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    monthly_retainer_jpy = forms.IntegerField(
        label=_("Monthly retainer (yen)"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=0,
        help_text=_("How many engagements you can run at once. The directory shows whether you have room."),
    )
    hours_per_month = forms.IntegerField(label=_("Hours per month you can give"), min_value=0)
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"), required=False, widget=forms.CheckboxSelectMultiple
    )
    industries = forms.MultipleChoiceField(
        label=_("Industries you know"),
        required=False,
        choices=Company.Industry.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    vendor_affiliations = forms.CharField(
        label=_("Vendor affiliations"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Vendors you work for or advise. Companies see this before they select you."),
    )
    resale_commissions = forms.CharField(
        label=_("Resale commissions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Commissions you receive for products you may recommend."),
    )
    listed_in_directory = forms.BooleanField(
        label=_("List me in the directory"),
        required=False,
        help_text=_("Like the public RISS search, the directory shows only what you choose to list."),
    )
    legal_name = forms.CharField(label=_("Legal name"), required=False, max_length=100)
    contact_email = forms.EmailField(
        label=_("Contact email"), required=False, help_text=_("Blank: your sign-in address.")
    )
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[0-9+\-() ]{0,30}$",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    entity_type = forms.ChoiceField(
        label=_("Who issues your invoices"), choices=Specialist.EntityType.choices, widget=forms.RadioSelect
    )
    invoice_registration_number = forms.CharField(
        label=_("Qualified-invoice registration number"),
        required=False,
        max_length=30,
        help_text=_("T and 13 digits, like T1234567890123. Leave it blank if you are not registered."),
    )

    # The groups the template lays out as sections, by field name.
    SECTIONS = {
        "about": ["display_name", "bio", "years_experience"],
        "where": ["prefecture", "remote_ok", "onsite_ok", "travel_prefectures"],
        "work": ["request_kinds", "hourly_rate_jpy", "monthly_retainer_jpy", "capacity", "hours_per_month"],
        "background": ["languages", "industries", "vendor_affiliations", "resale_commissions"],
        "listing": ["listed_in_directory"],
        "contact": ["legal_name", "contact_email", "phone", "entity_type", "invoice_registration_number"],
    }

    def __init__(self, *args: Any, skills: list[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefectures = prefecture_choices()
        for name, choices in (
            ("prefecture", [("", _("Not given")), *prefectures]),
            ("travel_prefectures", prefectures),
            ("languages", language_choices()),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = choices
        language = get_language() or "ja"
        self.skill_names = []
        for skill in skills:
            name = f"{SKILL_PREFIX}{skill.slug}"
            self.fields[name] = forms.TypedChoiceField(
                label=skill.label(language), choices=LEVELS, coerce=int, empty_value=None, required=False
            )
            self.skill_names.append(name)

    @classmethod
    def initial_of(cls, specialist: Specialist, skill_levels: dict[str, int], travel: list[str]) -> dict[str, Any]:
        """What the form shows for a saved profile."""
        initial: dict[str, Any] = {
            name: getattr(specialist, name)
            for fields in cls.SECTIONS.values()
            for name in fields
            if name not in ("travel_prefectures", "request_kinds")
        }
        initial.update(
            travel_prefectures=travel,
            request_kinds=specialist.request_kinds,
            **{f"{SKILL_PREFIX}{slug}": level for slug, level in skill_levels.items()},
        )
        return initial

    @property
    def sections(self) -> dict[str, list[forms.BoundField]]:
        """The fields of each section, for the template (`form.sections.about`)."""
        return {name: [self[field] for field in fields] for name, fields in self.SECTIONS.items()}

    def skill_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.skill_names]

    def clean_industries(self) -> list[str]:
        industries: list[str] = self.cleaned_data["industries"]
        if len(industries) > 5:
            raise forms.ValidationError(_("Choose up to 5."))
        return industries

    def profile_changes(self) -> dict[str, Any]:
        """The cleaned data as the service's arguments: skills as a list of {skill, level}."""
        data = dict(self.cleaned_data)
        data["skills"] = [
            {"skill": name.removeprefix(SKILL_PREFIX), "level": data.pop(name)}
            for name in self.skill_names
            if data.get(name)
        ]
        for name in self.skill_names:
            data.pop(name, None)
        return data
