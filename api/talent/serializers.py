from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Company
from accounts.prefectures import PREFECTURE_CHOICES
from api.history import HistoryEntrySerializer, WithHistory
from talent import selectors
from talent.models import Certification, RequestKind, Skill, Specialist, SpecialistSkill, is_not_fully_engaged
from talent.services import LANGUAGES


class SkillSerializer(serializers.ModelSerializer[Skill]):
    # The field shadows Field.label on purpose: the API calls it "label".
    label = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = Skill
        fields = ["slug", "label", "label_ja", "label_en"]

    def get_label(self, skill: Skill) -> str:
        return skill.label(get_language() or "ja")


class SkillLevelSerializer(serializers.Serializer[SpecialistSkill]):
    skill = serializers.SlugField(max_length=50)
    level = serializers.IntegerField(min_value=1, max_value=5)

    def to_representation(self, instance: SpecialistSkill) -> dict[str, Any]:
        return {"skill": instance.skill.slug, "level": instance.level}


class SpecialistSerializer(serializers.ModelSerializer[Specialist]):
    """A profile as the directory shows it: no contact details, no registration numbers."""

    travel_prefectures = serializers.SerializerMethodField()
    request_kinds = serializers.SerializerMethodField()
    skills = serializers.SerializerMethodField()
    certifications = serializers.SerializerMethodField()
    has_capacity = serializers.SerializerMethodField()

    class Meta:
        model = Specialist
        fields = [
            "id",
            "display_name",
            "bio",
            "prefecture",
            "travel_prefectures",
            "remote_ok",
            "onsite_ok",
            "request_kinds",
            "hourly_rate_jpy",
            "monthly_retainer_jpy",
            "capacity",
            "has_capacity",
            "hours_per_month",
            "languages",
            "industries",
            "skills",
            "years_experience",
            "listed_in_directory",
            "status",
            "rating",
            "rating_count",
            "certifications",
            "vendor_affiliations",
            "resale_commissions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_travel_prefectures(self, specialist: Specialist) -> list[str]:
        return sorted(t.prefecture for t in specialist.travel.all())

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=RequestKind.choices)))
    def get_request_kinds(self, specialist: Specialist) -> list[str]:
        return specialist.request_kinds

    @extend_schema_field(SkillLevelSerializer(many=True))
    def get_skills(self, specialist: Specialist) -> list[dict[str, Any]]:
        return [
            {"skill": getattr(s, "skill_slug", None) or s.skill.slug, "level": s.level}
            for s in specialist.skill_levels.all()
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Certification.Kind.choices)))
    def get_certifications(self, specialist: Specialist) -> list[str]:
        """Kinds of verified, unlapsed credentials (the numbers stay private)."""
        return sorted({c.kind for c in getattr(specialist, "counting_certifications", [])})

    def get_has_capacity(self, specialist: Specialist) -> bool:
        return is_not_fully_engaged(active_engagements=specialist.active_engagements, capacity=specialist.capacity)


# What SpecialistSerializer computes rather than reads from a column.
_DERIVED = {"travel_prefectures", "request_kinds", "has_capacity", "skills", "certifications"}
_COLUMNS = [name for name in SpecialistSerializer.Meta.fields if name not in _DERIVED]
# The columns a directory card reads: what it shows and what its derived fields are computed from.
DIRECTORY_COLUMNS = [*_COLUMNS, "active_engagements", *(f"accepts_{kind}" for kind in RequestKind.values)]


def directory_cards(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A directory page exactly as SpecialistSerializer shows each profile, from plain rows
    (`values(*DIRECTORY_COLUMNS)`) and `profile_relations`: three queries more and no model
    instance or serializer field per value, which were most of a page's cost (bench/load.py)."""
    relations = selectors.profile_relations([row["id"] for row in rows])
    cards = []
    for row in rows:
        related = relations[row["id"]]
        card = {name: row[name] for name in _COLUMNS}
        card.update(
            id=str(row["id"]),
            travel_prefectures=related.travel_prefectures,
            request_kinds=[kind for kind in RequestKind.values if row[f"accepts_{kind}"]],
            has_capacity=is_not_fully_engaged(active_engagements=row["active_engagements"], capacity=row["capacity"]),
            skills=[{"skill": slug, "level": level} for slug, level in related.skills],
            certifications=related.certifications,
        )
        cards.append({name: card[name] for name in SpecialistSerializer.Meta.fields})
    return cards


class SpecialistWithContactSerializer(SpecialistSerializer):
    """For the specialist, chamber admins and an engaged company."""

    email = serializers.EmailField(read_only=True)

    class Meta(SpecialistSerializer.Meta):
        fields = [
            *SpecialistSerializer.Meta.fields,
            "legal_name",
            "email",
            "phone",
            "entity_type",
            "invoice_registration_number",
        ]
        read_only_fields = fields


class SpecialistUpdateSerializer(serializers.Serializer[Specialist]):
    display_name = serializers.CharField(max_length=100, required=False)
    bio = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    prefecture = serializers.ChoiceField(choices=PREFECTURE_CHOICES, required=False)
    travel_prefectures = serializers.ListField(
        child=serializers.ChoiceField(choices=PREFECTURE_CHOICES), max_length=47, required=False
    )
    remote_ok = serializers.BooleanField(required=False)
    onsite_ok = serializers.BooleanField(required=False)
    request_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=RequestKind.choices), max_length=4, required=False
    )
    hourly_rate_jpy = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)
    monthly_retainer_jpy = serializers.IntegerField(min_value=0, max_value=100_000_000, required=False)
    capacity = serializers.IntegerField(min_value=0, max_value=50, required=False)
    hours_per_month = serializers.IntegerField(min_value=0, max_value=744, required=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(LANGUAGES)), max_length=len(LANGUAGES), required=False
    )
    industries = serializers.ListField(
        child=serializers.ChoiceField(choices=Company.Industry.choices), max_length=5, required=False
    )
    # ListSerializer takes max_length (DRF >= 3.15); the stubs lag behind.
    skills = SkillLevelSerializer(many=True, required=False, max_length=50)  # type: ignore[call-arg]
    years_experience = serializers.IntegerField(min_value=0, max_value=80, required=False)
    listed_in_directory = serializers.BooleanField(required=False)
    vendor_affiliations = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    resale_commissions = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    legal_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(source="contact_email", required=False, allow_blank=True)
    phone = serializers.RegexField(r"^[0-9+\-() ]{0,30}$", max_length=30, required=False, allow_blank=True)
    entity_type = serializers.ChoiceField(choices=Specialist.EntityType.choices, required=False)
    # T and 13 digits (full-width, hyphens and spaces folded; a corporation's check digit verified
    # by Specialist.clean); blank: not registered, a tax-exempt business.
    invoice_registration_number = serializers.CharField(max_length=30, required=False, allow_blank=True)


class CertificationSerializer(serializers.ModelSerializer[Certification]):
    evidence = serializers.FileField(write_only=True)
    evidence_url = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    training_years = serializers.ListField(
        child=serializers.IntegerField(min_value=2016, max_value=2100), max_length=20, required=False
    )
    number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "specialist",
            "kind",
            "name",
            "number",
            "issued_on",
            "renewal_deadline",
            "training_years",
            "status",
            "validity",
            "counts",
            "warnings",
            "review_note",
            "evidence",
            "evidence_url",
            "created_at",
        ]
        read_only_fields = ["id", "specialist", "status", "validity", "warnings", "review_note", "created_at"]

    def get_evidence_url(self, certification: Certification) -> str:
        return reverse("certification-evidence", kwargs={"pk": certification.pk})

    def get_counts(self, certification: Certification) -> bool:
        """Verified and not lapsed (deadline included): only then does it count anywhere."""
        return certification.counts()


class CertificationDetailSerializer(WithHistory, CertificationSerializer):
    class Meta(CertificationSerializer.Meta):
        fields = [*CertificationSerializer.Meta.fields, "history"]


class CertificationReviewSerializer(CertificationSerializer):
    """What chamber admins see: the public registry link to check a RISS number by eye."""

    riss_verify_url = serializers.CharField(read_only=True)

    class Meta(CertificationSerializer.Meta):
        fields = [*CertificationSerializer.Meta.fields, "riss_verify_url"]


class CertificationReviewDetailSerializer(WithHistory, CertificationReviewSerializer):
    class Meta(CertificationReviewSerializer.Meta):
        fields = [*CertificationReviewSerializer.Meta.fields, "history"]


class SpecialistProfileSerializer(SpecialistSerializer):
    """A profile page as documented (schema only): what every viewer gets, plus `legal_name`,
    `email` and `phone` for the specialist, the chamber's admins and a company engaged with
    them, and `history` for the specialist and the chamber's admins."""

    legal_name = serializers.CharField(required=False, help_text="Only for those who may see contact details.")
    email = serializers.EmailField(required=False, help_text="Only for those who may see contact details.")
    phone = serializers.CharField(required=False, help_text="Only for those who may see contact details.")
    history = HistoryEntrySerializer(many=True, required=False, help_text="Only for the specialist and admins.")

    class Meta(SpecialistSerializer.Meta):
        fields = [*SpecialistSerializer.Meta.fields, "legal_name", "email", "phone", "history"]


class SpecialistWithContactDetailSerializer(WithHistory, SpecialistWithContactSerializer):
    """Self and chamber admins: the profile with contact details and its status history."""

    class Meta(SpecialistWithContactSerializer.Meta):
        fields = [*SpecialistWithContactSerializer.Meta.fields, "history"]
