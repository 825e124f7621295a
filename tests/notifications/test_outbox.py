"""The outbox: a row per event and recipient, in their language, sent once, swept when lost."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from marketplace import outbox
from notifications import services
from notifications.models import Notification
from tests import factories

CONTEXT = {"title": "BCP策定支援", "rating": 4, "comment": "丁寧でした", "link": "http://127.0.0.1:8000/specialist/"}


@pytest.fixture
def ken(db):
    return factories.UserFactory(email="ken@example.test", name="Ken", role=User.Role.SPECIALIST, language="en")


@pytest.fixture
def hana(db):
    return factories.UserFactory(email="hana@example.test", name="花子", role=User.Role.SPECIALIST, language="ja")


def test_each_recipient_gets_one_row_in_their_own_language_only(ken, hana, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(kind="review_received", recipients=[ken, hana], event_key="review:1", context=CONTEXT)

    by_email = {message.to[0]: message for message in mail.outbox}
    assert by_email["ken@example.test"].subject == "Tcyss: you received a review: BCP策定支援"
    assert "評価" not in by_email["ken@example.test"].body
    assert by_email["hana@example.test"].subject == "【Tcyss】評価が届きました：BCP策定支援"
    assert "You were rated" not in by_email["hana@example.test"].body
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2


def test_the_same_event_again_writes_and_sends_nothing(ken, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(kind="review_received", recipients=[ken], event_key="review:1", context=CONTEXT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.notify(kind="review_received", recipients=[ken], event_key="review:1", context=CONTEXT)

    assert again == []
    assert callbacks == []
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_sent_row_is_never_sent_again(ken):
    (row,) = services.notify(kind="review_received", recipients=[ken], event_key="review:2", context=CONTEXT)

    assert services.deliver_notification(notification_id=str(row.pk)) is True
    assert services.deliver_notification(notification_id=str(row.pk)) is False
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.sweep_notifications() == 0

    assert len(mail.outbox) == 1


def test_a_failed_send_releases_the_row_for_a_retry(ken, settings, monkeypatch):
    (row,) = services.notify(kind="review_received", recipients=[ken], event_key="review:3", context=CONTEXT)

    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(services, "send_mail", down)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.deliver_notification(notification_id=str(row.pk))
    row.refresh_from_db()
    assert (row.claimed_at, row.sent_at, row.attempts) == (None, None, 1)
    assert "connection lost" in row.last_error

    monkeypatch.undo()
    assert services.deliver_notification(notification_id=str(row.pk)) is True
    assert len(mail.outbox) == 1


def test_the_sweeper_sends_what_the_broker_lost_and_skips_fresh_and_claimed_rows(ken, hana):
    lost, fresh = (
        services.notify(kind="review_received", recipients=[ken], event_key=key, context=CONTEXT)[0]
        for key in ("review:lost", "review:fresh")
    )
    (claimed,) = services.notify(kind="review_received", recipients=[hana], event_key="review:busy", context=CONTEXT)
    old = timezone.now() - datetime.timedelta(minutes=5)
    Notification.objects.filter(pk__in=[lost.pk, claimed.pk]).update(created_at=old)
    Notification.objects.filter(pk=claimed.pk).update(claimed_at=timezone.now())  # a sender is on it

    assert services.sweep_notifications() == 1  # eager in tests: the sweep's send delivers it

    assert [message.to for message in mail.outbox] == [["ken@example.test"]]
    assert Notification.objects.get(pk=lost.pk).sent_at is not None
    assert Notification.objects.get(pk=fresh.pk).sent_at is None


def test_a_row_whose_sender_died_is_offered_again_after_the_claim_timeout(ken):
    (row,) = services.notify(kind="review_received", recipients=[ken], event_key="review:4", context=CONTEXT)
    stale = timezone.now() - outbox.CLAIM_TIMEOUT - datetime.timedelta(seconds=1)
    Notification.objects.filter(pk=row.pk).update(claimed_at=stale, created_at=stale)

    assert services.sweep_notifications() == 1
    assert len(mail.outbox) == 1


def test_sign_up_takes_the_language_from_accept_language_and_me_changes_it(db, client_for, anon):
    signed_up = anon.post(
        "/api/v1/auth/register/",
        {"email": "new@example.test", "password": "a-long-enough-pass-2026", "role": "sme", "name": "New"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    assert signed_up.json()["language"] == "en"
    user = User.objects.get(email="new@example.test")

    changed = client_for(user).patch("/api/v1/me/", {"language": "ja"}, format="json")
    bad = client_for(user).patch("/api/v1/me/", {"language": "fr", "role": "chamber_admin"}, format="json")

    assert changed.status_code == 200
    assert changed.json()["language"] == "ja"
    assert bad.status_code == 400
    assert "language" in bad.json()
    user.refresh_from_db()
    assert (user.language, user.role) == ("ja", "sme")


def test_a_japanese_default_for_sign_ups_without_a_preference(db, anon):
    signed_up = anon.post(
        "/api/v1/auth/register/",
        {"email": "jp@example.test", "password": "a-long-enough-pass-2026", "role": "specialist", "name": "山田"},
        format="json",
    )
    assert signed_up.json()["language"] == "ja"
