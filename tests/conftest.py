"""Personas, API clients and the service fixtures shared by every test."""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"


def need_service(name: str, reachable: bool) -> None:
    """Skip a test whose service is missing locally; under CI=true that is a failure."""
    if reachable:
        return
    if IN_CI:
        pytest.fail(f"{name} is required under CI=true but is not reachable")
    pytest.skip(f"{name} not reachable")


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English, for tests that compare them."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(settings.TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        need_service("Redis", False)
    return client


# --- personas --------------------------------------------------------------


@pytest.fixture
def tokyo(db):
    return factories.ChamberFactory(name="東京商工会議所", prefecture="13")


@pytest.fixture
def osaka(db):
    return factories.ChamberFactory(name="大阪商工会議所", prefecture="27")


@pytest.fixture
def admin_carol(tokyo):
    """Chamber admin of Tokyo."""
    return factories.UserFactory(email="carol@tokyo.test", role=User.Role.CHAMBER_ADMIN, chamber=tokyo)


@pytest.fixture
def admin_oscar(osaka):
    """Chamber admin of Osaka."""
    return factories.UserFactory(email="oscar@osaka.test", role=User.Role.CHAMBER_ADMIN, chamber=osaka)


@pytest.fixture
def sme_alice(db):
    return factories.UserFactory(email="alice@sme.test", role=User.Role.SME)


@pytest.fixture
def alice_company(sme_alice, tokyo):
    """Alice owns a Tokyo manufacturing SME."""
    company = factories.CompanyFactory(name="株式会社アリス製作所", chamber=tokyo)
    factories.MembershipFactory(user=sme_alice, company=company)
    return company


@pytest.fixture
def sme_erin(db):
    """Another SME member, of another company."""
    return factories.UserFactory(email="erin@sme.test", role=User.Role.SME)


@pytest.fixture
def erin_company(sme_erin, osaka):
    company = factories.CompanyFactory(name="株式会社エリン商事", chamber=osaka, industry="wholesale")
    factories.MembershipFactory(user=sme_erin, company=company)
    return company


@pytest.fixture
def specialist_bob(db):
    return factories.UserFactory(email="bob@riss.test", role=User.Role.SPECIALIST)


@pytest.fixture
def specialist_bea(db):
    return factories.UserFactory(email="bea@riss.test", role=User.Role.SPECIALIST)


@pytest.fixture
def stranger_dave(db):
    """Signed up as an SME member, belongs to no company."""
    return factories.UserFactory(email="dave@nowhere.test", role=User.Role.SME)


@pytest.fixture
def attorney_sam(db):
    """A 社労士 (signed up on the SME side); companies may name him for their subsidy cases."""
    return factories.UserFactory(email="sam@sharoushi.test", role=User.Role.SME)


@pytest.fixture
def operator_olga(db):
    return factories.UserFactory(email="olga@ops.test", role=User.Role.SME, is_staff=True)


# --- clients ---------------------------------------------------------------


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for() -> Callable[[User | None], APIClient]:
    """An API client carrying a real JWT access token for the user (or none)."""

    def make(user: User | None, **headers: Any) -> APIClient:
        client = APIClient(**headers)
        if user is not None:
            access = RefreshToken.for_user(user).access_token
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
        return client

    return make
