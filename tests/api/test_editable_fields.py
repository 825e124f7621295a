"""What a PATCH accepts is what the service accepts: the serializers and the services' field sets
cannot drift apart unnoticed (a field the serializer lets through but the service refuses is a 400
nobody meant; the other way round, a field nobody can reach)."""

from accounts.models import Company, User
from api.accounts.serializers import CompanySerializer, CompanyUpdateSerializer, MeUpdateSerializer
from api.subsidies.serializers import SubsidyCaseUpdateSerializer
from api.talent.serializers import SpecialistUpdateSerializer
from subsidies.services import CASE_FIELDS
from talent.services import PROFILE_FIELDS

# Profile parts the service takes apart from the columns (they replace whole sets of rows).
PROFILE_SETS = {"skills", "travel_prefectures", "request_kinds"}


def writable(serializer):
    """The names the service receives: each writable field's source."""
    return {field.source for field in serializer.fields.values() if not field.read_only}


def test_a_company_is_written_with_exactly_its_editable_and_set_once_fields():
    assert writable(CompanySerializer()) == Company.EDITABLE_FIELDS | Company.SET_ONCE_FIELDS
    assert writable(CompanyUpdateSerializer()) == Company.EDITABLE_FIELDS


def test_me_writes_exactly_what_a_user_may_change_about_themselves():
    assert writable(MeUpdateSerializer()) == set(User.SELF_EDITABLE_FIELDS)


def test_a_profile_patch_writes_exactly_the_profile_fields():
    assert writable(SpecialistUpdateSerializer()) == PROFILE_FIELDS | PROFILE_SETS


def test_a_case_patch_writes_exactly_the_case_fields():
    assert writable(SubsidyCaseUpdateSerializer()) == CASE_FIELDS
