from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenRefreshSerializer as JwtTokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts.models import Chamber, Company, CompanyMembership, Invitation, User
from accounts.prefectures import PREFECTURE_CHOICES, prefecture_name
from api.fields import SetOnce
from api.history import WithHistory


class RegisterSerializer(serializers.Serializer[User]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    role = serializers.ChoiceField(choices=[User.Role.SPECIALIST, User.Role.SME])
    name = serializers.CharField(max_length=150)


class TokenRefreshSerializer(JwtTokenRefreshSerializer):
    """simplejwt's refresh looks its user up with `.get()`, so a deleted user's token raised
    DoesNotExist (a 500); here it is the same 401 as an inactive user's."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        refresh = self.token_class(attrs["refresh"])
        user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
        if user_id and not User.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).exists():
            raise AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        return super().validate(attrs)


class ChamberSerializer(serializers.ModelSerializer[Chamber]):
    prefecture_name = serializers.SerializerMethodField()

    class Meta:
        model = Chamber
        fields = ["id", "name", "prefecture", "prefecture_name"]

    def get_prefecture_name(self, chamber: Chamber) -> str:
        return prefecture_name(chamber.prefecture)


class MembershipSerializer(serializers.Serializer[Any]):
    company = serializers.UUIDField(source="company_id")
    role = serializers.CharField()


class MeSerializer(serializers.ModelSerializer[User]):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "language", "chamber", "is_staff", "memberships"]
        read_only_fields = fields


class MeUpdateSerializer(serializers.ModelSerializer[User]):
    """What a user changes about themselves here: their name and the language of their mail."""

    class Meta:
        model = User
        fields = list(User.SELF_EDITABLE_FIELDS)


class CompanySerializer(serializers.ModelSerializer[Company]):
    """Company profile. `status` and `size_*` are derived; `chamber` is set once at creation."""

    corporate_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    capital_jpy = serializers.IntegerField(min_value=0, max_value=10**15, required=False, allow_null=True)
    employees = serializers.IntegerField(min_value=0, max_value=1_000_000)
    prefecture = serializers.ChoiceField(
        choices=PREFECTURE_CHOICES,
        error_messages={"invalid_choice": _("Unknown prefecture code: {input}.")},
    )
    chamber = serializers.PrimaryKeyRelatedField(queryset=Chamber.objects.all())
    size_class = serializers.SerializerMethodField()
    size_basis = serializers.SerializerMethodField()
    prefecture_name = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "id",
            "name",
            "entity_type",
            "corporate_number",
            "industry",
            "capital_jpy",
            "employees",
            "prefecture",
            "prefecture_name",
            "city",
            "chamber",
            "security_action",
            "status",
            "size_class",
            "size_basis",
            "created_at",
        ]
        # Writable: what accounts lets an owner fill in (Company.EDITABLE_FIELDS and SET_ONCE_FIELDS).
        read_only_fields = [name for name in fields if name not in Company.EDITABLE_FIELDS | Company.SET_ONCE_FIELDS]

    @extend_schema_field(serializers.ChoiceField(choices=["small_scale", "sme", "large"]))
    def get_size_class(self, company: Company) -> str:
        return company.size_class

    def get_size_basis(self, company: Company) -> str:
        return company.size.basis

    def get_prefecture_name(self, company: Company) -> str:
        return prefecture_name(company.prefecture)


class CompanyDetailSerializer(WithHistory, CompanySerializer):
    class Meta(CompanySerializer.Meta):
        fields = [*CompanySerializer.Meta.fields, "history"]


class CompanyUpdateSerializer(SetOnce, CompanySerializer):
    """A PATCH: the chamber is chosen once, at creation."""

    set_once = tuple(sorted(Company.SET_ONCE_FIELDS))


class DecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReasonSerializer(serializers.Serializer[Any]):
    """A decision that must say why (a rejection, a suspension, a dispute)."""

    note = serializers.CharField(max_length=2000, help_text="The reason (required).")


class DetailSerializer(serializers.Serializer[Any]):
    """What an account action answers: a sentence for the person, in their language."""

    detail = serializers.CharField(read_only=True)


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(max_length=200)


class EmailSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer[Any]):
    uid = serializers.CharField(max_length=100)
    token = serializers.CharField(max_length=100)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)


class PasswordChangeSerializer(serializers.Serializer[Any]):
    current_password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    status = serializers.ChoiceField(choices=Invitation.Status.choices, read_only=True)
    invited_by = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "chamber",
            "company",
            "company_role",
            "status",
            "invited_by",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_invited_by(self, invitation: Invitation) -> str:
        return invitation.invited_by.name if invitation.invited_by else ""


class InvitationCreateSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=User.Role.choices)
    company = serializers.UUIDField(required=False, allow_null=True, default=None)
    company_role = serializers.ChoiceField(
        choices=CompanyMembership.Role.choices, required=False, allow_blank=True, default=""
    )


class InvitationAcceptSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(max_length=200)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class UserStatusSerializer(serializers.ModelSerializer[User]):
    """An account as the person who deactivated it sees it."""

    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "is_active", "deactivated_at"]
        read_only_fields = fields
