from types import SimpleNamespace

import pytest

from tests import factories
from tests.incidents_fixtures import incident_engagement, member_company
from tests.talent_fixtures import make_specialist


@pytest.fixture
def world(tokyo, sme_alice, alice_company, specialist_bob, admin_carol):
    """Alice's Tokyo manufacturer had an incident handled by Bob; Rita reads for another Tokyo member."""
    bob = make_specialist(specialist_bob, legal_name="情報 太郎", display_name="Bob Security")
    rita = factories.UserFactory(email="rita@reader.test", role="sme")
    return SimpleNamespace(
        alice=sme_alice,
        company=alice_company,
        bob=bob,
        admin=admin_carol,
        engagement=incident_engagement(alice_company, sme_alice, bob),
        rita=rita,
        reader_company=member_company(tokyo, rita, name="株式会社リーダー"),
        tokyo=tokyo,
    )
