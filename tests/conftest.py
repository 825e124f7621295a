"""Personas, API clients and the service fixtures shared by every test."""

import os
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections, connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Chamber, Company, User
from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"
# The CI pass that runs `make test` as a newcomer does, on the embedded SQLite (.ci/run): there
# PostgreSQL is absent by design, so its tests skip; they run in the PostgreSQL pass.
EMBEDDED_PASS = os.environ.get("TEST_EMBEDDED_PASS") == "1"


def need_service(name: str, reachable: bool) -> None:
    """Skip a test whose service is missing locally; under CI=true that is a failure."""
    if reachable:
        return
    if IN_CI:
        pytest.fail(f"{name} is required under CI=true but is not reachable")
    pytest.skip(f"{name} not reachable")


def need_postgres(why: str) -> None:
    """Skip a test of a PostgreSQL-only mechanism on the embedded SQLite; under CI=true that is a
    failure, except in CI's embedded pass (TEST_EMBEDDED_PASS=1)."""
    if connection.vendor == "postgresql":
        return
    if EMBEDDED_PASS:
        pytest.skip(f"PostgreSQL ({why}): this pass runs on the embedded SQLite")
    need_service(f"PostgreSQL ({why})", False)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.postgres("what it needs")`: the test needs PostgreSQL (need_postgres)."""
    marker = item.get_closest_marker("postgres")
    if marker is not None:
        need_postgres(marker.args[0] if marker.args else item.name)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true (but for the embedded pass) every service is there, so a skip is a test that
    silently did not run: the run fails."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not IN_CI or EMBEDDED_PASS:
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped and exitstatus == pytest.ExitCode.OK:
        reporter.ensure_newline()
        reporter.write_line(f"{len(skipped)} test(s) skipped under CI=true: every test must run here", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


# The serialized seed data of each test database, as set up (see the fixture below).
SERIALIZED_DATABASES: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> None:
    """pytest-django's, keeping what it serialized for tests with `serialized_rollback`."""
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            SERIALIZED_DATABASES[alias] = contents


@pytest.fixture(autouse=True)
def _content_types_as_the_database_has_them(request: pytest.FixtureRequest) -> None:
    """A transactional test starts from a flushed (and maybe reloaded) database: an earlier such
    test's flush re-created the content types with new ids, so ids cached before it are stale.
    A stale id failed a history row's foreign key in a browser test run after the stand-in's
    webhook tests. Cleared once the test's database is set up, before its own fixtures build."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connections

        request.getfixturevalue("_django_db_helper")
        ContentType.objects.clear_cache()
        if marker and marker.kwargs.get("serialized_rollback"):
            for alias, contents in SERIALIZED_DATABASES.items():
                wrapper = connections[alias]
                if not hasattr(wrapper, "_test_serialized_contents"):
                    # The test sees another connection object than the one the databases were set
                    # up on (seen after Playwright started: every browser test found the seeded
                    # skills and questionnaire gone once an earlier test had flushed them), so
                    # Django skipped the reload; do it, and let it happen natively from now on.
                    wrapper.creation.deserialize_db_from_string(contents)
                    wrapper._test_serialized_contents = contents  # type: ignore[attr-defined]


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


@pytest.fixture(scope="session")
def api_schema(django_db_setup: None, django_db_blocker: Any) -> Any:
    """/api/schema/ as schemathesis reads it, built at first use (~5 s) rather than at collection."""
    import schemathesis

    from marketplace.wsgi import application

    # Built during a test, so the request must not close that test's connection: closing it
    # would end the test's transaction, and what the test writes next would be committed.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock():
            return schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# --- personas --------------------------------------------------------------


class Cast:
    """Every persona, each made on first use and then the same object. The fixtures below take
    theirs from one Cast per test; the permission matrix builds one per module."""

    @cached_property
    def tokyo(self) -> Chamber:
        return factories.ChamberFactory(name="東京商工会議所", prefecture="13")

    @cached_property
    def osaka(self) -> Chamber:
        return factories.ChamberFactory(name="大阪商工会議所", prefecture="27")

    @cached_property
    def admin_carol(self) -> User:
        """Chamber admin of Tokyo."""
        return factories.UserFactory(email="carol@tokyo.test", role=User.Role.CHAMBER_ADMIN, chamber=self.tokyo)

    @cached_property
    def admin_oscar(self) -> User:
        """Chamber admin of Osaka."""
        return factories.UserFactory(email="oscar@osaka.test", role=User.Role.CHAMBER_ADMIN, chamber=self.osaka)

    @cached_property
    def sme_alice(self) -> User:
        return factories.UserFactory(email="alice@sme.test", role=User.Role.SME)

    @cached_property
    def alice_company(self) -> Company:
        """Alice owns a Tokyo manufacturing SME."""
        alice, tokyo = self.sme_alice, self.tokyo  # in the order the fixtures always made them
        company = factories.CompanyFactory(name="株式会社アリス製作所", chamber=tokyo)
        factories.MembershipFactory(user=alice, company=company)
        return company

    @cached_property
    def sme_erin(self) -> User:
        """Another SME member, of another company."""
        return factories.UserFactory(email="erin@sme.test", role=User.Role.SME)

    @cached_property
    def erin_company(self) -> Company:
        erin, osaka = self.sme_erin, self.osaka
        company = factories.CompanyFactory(name="株式会社エリン商事", chamber=osaka, industry="wholesale")
        factories.MembershipFactory(user=erin, company=company)
        return company

    @cached_property
    def specialist_bob(self) -> User:
        return factories.UserFactory(email="bob@riss.test", role=User.Role.SPECIALIST)

    @cached_property
    def specialist_bea(self) -> User:
        return factories.UserFactory(email="bea@riss.test", role=User.Role.SPECIALIST)

    @cached_property
    def stranger_dave(self) -> User:
        """Signed up as an SME member, belongs to no company."""
        return factories.UserFactory(email="dave@nowhere.test", role=User.Role.SME)

    @cached_property
    def attorney_sam(self) -> User:
        """A 社労士 (signed up on the SME side); companies may name him for their subsidy cases."""
        return factories.UserFactory(email="sam@sharoushi.test", role=User.Role.SME)

    @cached_property
    def operator_olga(self) -> User:
        return factories.UserFactory(email="olga@ops.test", role=User.Role.SME, is_staff=True)


@pytest.fixture
def cast(db) -> Cast:
    return Cast()


@pytest.fixture
def tokyo(cast):
    return cast.tokyo


@pytest.fixture
def osaka(cast):
    return cast.osaka


@pytest.fixture
def admin_carol(cast):
    return cast.admin_carol


@pytest.fixture
def admin_oscar(cast):
    return cast.admin_oscar


@pytest.fixture
def sme_alice(cast):
    return cast.sme_alice


@pytest.fixture
def alice_company(cast):
    return cast.alice_company


@pytest.fixture
def sme_erin(cast):
    return cast.sme_erin


@pytest.fixture
def erin_company(cast):
    return cast.erin_company


@pytest.fixture
def specialist_bob(cast):
    return cast.specialist_bob


@pytest.fixture
def specialist_bea(cast):
    return cast.specialist_bea


@pytest.fixture
def stranger_dave(cast):
    return cast.stranger_dave


@pytest.fixture
def attorney_sam(cast):
    return cast.attorney_sam


@pytest.fixture
def operator_olga(cast):
    return cast.operator_olga


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


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Browser tests last: their live-server flushes re-create content types with new ids, and a
    later serialized-rollback test (tests/integration) then failed to load its copy (seen in CI)."""
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))
