"""The engagement loop against real services: two chambers' runs at once on a shared bank,
approvals while the broker is down, mail through a real SMTP server."""

import datetime
import time
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.utils import timezone

from accounts.models import Company, User
from matching import capacity
from matching.models import MatchRun, Proposal
from matching.services import runs
from notifications import services as outbox
from notifications.models import Notification
from tests import factories
from tests.integration.test_broker_outage import _closed_port, _use_broker
from tests.integration.test_match_run_worker import wait_for
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_specialist

pytestmark = pytest.mark.integration


class Inbox(Message):
    """An SMTP server's mailbox: every message it received."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[EmailMessage] = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_closed_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_two_chambers_runs_at_once_never_over_allocate_a_shared_specialist(
    worker_factory, tokyo, osaka, sme_alice, alice_company
):
    # Two pool processes, and a pause before each first write so both plans are made
    # from the same picture of the bank before either writes.
    worker_factory(concurrency=2, TEST_MATCHING_FAULT_DELAY="2")
    popular = make_specialist(
        User.objects.create_user(
            "popular@example.test", None, name="P", role="specialist", email_confirmed_at=timezone.now()
        ),
        skills={"incident_response": 5},
        capacity=1,
    )
    erin = User.objects.create_user(
        "erin-int@example.test", None, name="E", role="sme", email_confirmed_at=timezone.now()
    )
    osaka_company = factories.CompanyFactory(chamber=osaka, status=Company.Status.VERIFIED)
    factories.MembershipFactory(user=erin, company=osaka_company)
    make_request(alice_company, sme_alice, skills={"incident_response": 3}, slots=1)
    make_request(osaka_company, erin, skills={"incident_response": 3}, slots=1)

    started = [runs.start_match_run(chamber=chamber, created_by=None) for chamber in (tokyo, osaka)]

    wait_for(lambda: MatchRun.objects.filter(status="succeeded").count() == 2, 60, "both runs")
    assert Proposal.objects.filter(specialist=popular, status__in=Proposal.HOLDING).count() == 1
    assert capacity.remaining([popular.pk]) == {popular.pk: 0}
    stats = [MatchRun.objects.get(pk=run.pk).stats for run in started]
    assert sorted(s["dropped_over_capacity"] for s in stats) == [0, 1]


def test_an_approval_while_the_broker_is_down_is_mailed_once_after_the_sweep(
    worker_factory, smtp_server, client_for, tokyo, admin_carol, sme_alice, alice_company, specialist_bob
):
    controller, inbox = smtp_server
    worker_factory(
        TEST_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(controller.port),
    )
    User.objects.filter(pk=specialist_bob.pk).update(language="en")
    bob = make_specialist(specialist_bob)
    run = MatchRun.objects.create(chamber=tokyo, status="succeeded")
    proposal = Proposal.objects.create(
        run=run,
        request=make_request(alice_company, sme_alice, title="BCP review"),
        specialist=bob,
        score=700,
        breakdown={},
        facts={},
        rank=1,
    )

    working = _use_broker_down()
    try:
        started = time.monotonic()
        response = client_for(admin_carol).post(f"/api/v1/proposals/{proposal.id}/approve/", {}, format="json")
        elapsed = time.monotonic() - started
    finally:
        _use_broker(working)

    assert response.status_code == 200
    assert elapsed < 3, f"the approval waited {elapsed:.1f}s on the broker"
    row = Notification.objects.get(kind="proposal_approved")
    assert row.sent_at is None
    time.sleep(1)
    assert inbox.messages == []  # nothing went out while the broker was down

    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert outbox.sweep_notifications() == 1
    wait_for(lambda: Notification.objects.get(pk=row.pk).sent_at is not None, 30, "the mail to go out")
    assert outbox.sweep_notifications() == 0

    time.sleep(1)
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == specialist_bob.email
    assert message["Subject"] == "Tcyss: a proposal is waiting for you: BCP review"
    assert "Answer by" in message.get_payload(decode=True).decode()


def _use_broker_down() -> str:
    from marketplace.celery import app as celery_app

    working = celery_app.conf.broker_url
    _use_broker(f"redis://127.0.0.1:{_closed_port()}/0")
    return working
