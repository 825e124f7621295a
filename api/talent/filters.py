from typing import Any

import django_filters
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from accounts.prefectures import PREFECTURE_CHOICES
from talent.models import RequestKind, Skill, Specialist, SpecialistQuerySet

ORDERINGS = {
    "rating": (F("rating").asc(nulls_last=True),),
    "-rating": (F("rating").desc(nulls_last=True),),
    "hourly_rate_jpy": (F("hourly_rate_jpy").asc(),),
    "-hourly_rate_jpy": (F("hourly_rate_jpy").desc(),),
    "years_experience": (F("years_experience").asc(),),
    "-years_experience": (F("years_experience").desc(),),
}


class DirectoryFilter(django_filters.FilterSet):
    """Directory search; every filter narrows (AND)."""

    skills = django_filters.CharFilter(method="filter_skills", help_text=_("Comma-separated skill slugs, all of."))
    min_level = django_filters.NumberFilter(
        method="noop", min_value=1, max_value=5, help_text=_("Minimum level for the skills filter.")
    )
    prefecture = django_filters.ChoiceFilter(choices=PREFECTURE_CHOICES)
    onsite_in = django_filters.ChoiceFilter(choices=PREFECTURE_CHOICES, method="filter_onsite_in")
    certification = django_filters.ChoiceFilter(choices=[("riss", "RISS"), ("sg", "SG")], method="filter_cert")
    request_kind = django_filters.ChoiceFilter(choices=RequestKind.choices, method="filter_kind")
    remote_ok = django_filters.BooleanFilter()
    onsite_ok = django_filters.BooleanFilter()
    rate_min = django_filters.NumberFilter(
        field_name="hourly_rate_jpy", lookup_expr="gte", min_value=0, max_value=10**9
    )
    rate_max = django_filters.NumberFilter(
        field_name="hourly_rate_jpy", lookup_expr="lte", min_value=0, max_value=10**9
    )
    has_capacity = django_filters.BooleanFilter(method="filter_capacity")
    q = django_filters.CharFilter(method="filter_text", max_length=200)
    ordering = django_filters.ChoiceFilter(choices=[(key, key) for key in ORDERINGS], method="filter_ordering")

    class Meta:
        model = Specialist
        fields: list[str] = []

    def noop(self, queryset: QuerySet[Specialist], name: str, value: Any) -> QuerySet[Specialist]:
        return queryset

    def filter_skills(self, queryset: SpecialistQuerySet, name: str, value: str) -> SpecialistQuerySet:
        slugs = [slug.strip() for slug in value.split(",") if slug.strip()]
        if len(slugs) > 20:
            raise ValidationError({"skills": [_("At most 20 skills.")]})
        found = dict(Skill.objects.filter(slug__in=slugs).values_list("slug", "id"))
        unknown = set(slugs) - set(found)
        if unknown:
            raise ValidationError({"skills": [_("Unknown skills: %(slugs)s") % {"slugs": ", ".join(sorted(unknown))}]})
        level = int(self.form.cleaned_data.get("min_level") or 1)
        return queryset.with_all_skills(list(found.values()), level)

    def filter_onsite_in(self, queryset: SpecialistQuerySet, name: str, value: str) -> SpecialistQuerySet:
        return queryset.travelling_to(value)

    def filter_cert(self, queryset: SpecialistQuerySet, name: str, value: str) -> SpecialistQuerySet:
        return queryset.with_certification(value)

    def filter_kind(self, queryset: SpecialistQuerySet, name: str, value: str) -> SpecialistQuerySet:
        return queryset.accepting(value)

    def filter_capacity(self, queryset: SpecialistQuerySet, name: str, value: bool) -> SpecialistQuerySet:
        return (
            queryset.not_fully_engaged()
            if value
            else queryset.exclude(pk__in=queryset.not_fully_engaged().values("pk"))
        )

    def filter_text(self, queryset: SpecialistQuerySet, name: str, value: str) -> SpecialistQuerySet:
        return queryset.matching_text(value)

    def filter_ordering(self, queryset: QuerySet[Specialist], name: str, value: str) -> QuerySet[Specialist]:
        return queryset.order_by(*ORDERINGS[value], "id")
