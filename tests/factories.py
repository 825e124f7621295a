import factory
from django.utils import timezone

from accounts.corporate_number import check_digit
from accounts.models import Chamber, Company, CompanyMembership, User


def valid_corporate_number(n: int) -> str:
    base = f"{n:012d}"
    return f"{check_digit(base)}{base}"


class ChamberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chamber
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"商工会議所 {n}")
    prefecture = "13"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Faker("name", locale="ja_JP")
    role = User.Role.SME
    # People in tests have confirmed their address unless a test says otherwise.
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    entity_type = Company.EntityType.CORPORATION
    corporate_number = factory.Sequence(lambda n: valid_corporate_number(100_000_000_000 + n))
    industry = Company.Industry.MANUFACTURING
    capital_jpy = 10_000_000
    employees = 30
    prefecture = "13"
    city = "千代田区"
    chamber = factory.SubFactory(ChamberFactory)
    status = Company.Status.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMembership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = CompanyMembership.Role.OWNER
