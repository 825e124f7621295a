"""Preferences per kind (at once, daily digest, off), the law-required kinds that cannot change,
the daily digest (one mail per person and day, once however often it runs), and the settings
section that sets them."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from marketplace.errors import ValidationFailed
from notifications import kinds, services
from notifications.models import DigestMail, Notification, NotificationPreference
from tests import factories

CONTEXT = {"title": "BCP策定支援", "rating": 4, "comment": "丁寧でした", "link": "http://127.0.0.1:8000/specialist/"}


@pytest.fixture
def ken(db):
    return factories.UserFactory(email="ken@example.test", name="Ken", role=User.Role.SPECIALIST, language="en")


@pytest.fixture
def hana(db):
    return factories.UserFactory(email="hana@example.test", name="花子", role=User.Role.SPECIALIST, language="ja")


def _review(user, key):
    return services.notify(kind="review_received", recipients=[user], event_key=key, context=CONTEXT)


def test_the_table_and_the_mail_templates_name_the_same_kinds():
    from pathlib import Path

    folder = Path(services.__file__).parent / "templates" / "notifications"
    named = {path.name.split(".")[0] for path in folder.glob("*.txt")} - {"digest"}
    assert named == set(kinds.KINDS)
    for name in kinds.KINDS:
        assert (folder / f"{name}.ja.txt").exists()
        assert (folder / f"{name}.en.txt").exists()


def test_the_law_required_kinds_are_exactly_the_terms_the_notice_and_the_account_mails():
    required = {name for name, spec in kinds.KINDS.items() if spec.legally_required}
    assert required == {"engagement_started", "notice_by_client", "password_reset", "invitation", "email_confirmation"}
    assert all(kinds.KINDS[name].default == kinds.IMMEDIATE for name in required)


def test_turning_a_kind_off_stops_it_and_nothing_is_written(ken, hana, django_capture_on_commit_callbacks):
    services.set_preference(user=ken, kind="review_received", delivery="off")

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(kind="review_received", recipients=[ken, hana], event_key="review:1", context=CONTEXT)

    assert [message.to for message in mail.outbox] == [["hana@example.test"]]
    assert list(Notification.objects.values_list("recipient__email", flat=True)) == ["hana@example.test"]


@pytest.mark.parametrize("kind", sorted(name for name, spec in kinds.KINDS.items() if spec.legally_required))
@pytest.mark.parametrize("delivery", ["off", "digest"])
def test_a_law_required_kind_cannot_be_turned_off_or_delayed(kind, delivery, ken, english):
    with pytest.raises(ValidationFailed, match="required by law or for the security"):
        services.set_preference(user=ken, kind=kind, delivery=delivery)
    assert not NotificationPreference.objects.exists()


def test_a_law_required_kind_is_sent_at_once_even_with_a_stale_preference_row(ken):
    # Written around the service (an old row, an admin's hand): notify still sends it at once.
    NotificationPreference.objects.create(user=ken, kind="notice_by_client", delivery="off")
    rows = services.notify(
        kind="notice_by_client",
        recipients=[ken],
        event_key="notice:1",
        context={"title": "顧問", "company": "株式会社アリス", "ends_on": datetime.date(2027, 1, 31), "reason": "予算"},
        link="http://127.0.0.1:8000/specialist/",
    )
    assert [(row.kind, row.digest) for row in rows] == [("notice_by_client", False)]


def test_a_kind_outside_the_persons_audience_is_refused(ken, english):
    with pytest.raises(ValidationFailed, match="Unknown kind"):
        services.set_preference(user=ken, kind="company_to_verify", delivery="off")
    with pytest.raises(ValidationFailed, match="Unknown kind"):
        services.set_preference(user=ken, kind="no_such_kind", delivery="off")


def test_choosing_the_default_again_removes_the_row(ken):
    services.set_preference(user=ken, kind="review_received", delivery="digest")
    assert NotificationPreference.objects.filter(user=ken).count() == 1
    services.set_preference(user=ken, kind="review_received", delivery="immediate")
    assert not NotificationPreference.objects.exists()


def test_a_digest_of_twenty_events_is_one_mail_sent_once_when_the_task_runs_twice(
    ken, hana, django_capture_on_commit_callbacks
):
    services.set_preference(user=ken, kind="review_received", delivery="digest")
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(20):
            _review(ken, f"review:{number}")
        _review(hana, "review:hana")  # at once: hers is not delayed

    assert [message.to for message in mail.outbox] == [["hana@example.test"]]
    assert Notification.objects.filter(recipient=ken, digest=True, sent_at__isnull=True).count() == 20

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_digests() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_digests() == 0  # the second run the same day: nothing

    digests = [message for message in mail.outbox if message.to == ["ken@example.test"]]
    assert len(digests) == 1
    assert digests[0].subject.startswith("Tcyss: your digest for")  # in Ken's language
    assert digests[0].body.count("Tcyss: you received a review: BCP策定支援") == 20
    assert "http://127.0.0.1:8000/settings/" in digests[0].body
    assert DigestMail.objects.get().sent_at is not None
    assert not Notification.objects.filter(recipient=ken, sent_at__isnull=True).exists()


def test_what_arrives_after_todays_digest_waits_for_tomorrows(ken, django_capture_on_commit_callbacks):
    services.set_preference(user=ken, kind="review_received", delivery="digest")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        _review(ken, "review:morning")
        services.send_digests(today=today)
        _review(ken, "review:evening")
        assert services.send_digests(today=today) == 0
        assert services.send_digests(today=today + datetime.timedelta(days=1)) == 1

    assert len(mail.outbox) == 2
    assert "review:evening" not in mail.outbox[0].body
    assert DigestMail.objects.count() == 2


def test_the_sweeper_leaves_digest_rows_to_the_digest(ken):
    services.set_preference(user=ken, kind="review_received", delivery="digest")
    (row,) = _review(ken, "review:waiting")
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))

    assert services.sweep_notifications() == 0
    assert services.deliver_notification(notification_id=str(row.pk)) is False
    assert mail.outbox == []


def test_a_lost_digest_is_swept(ken):
    services.set_preference(user=ken, kind="review_received", delivery="digest")
    _review(ken, "review:lost")
    assert services.send_digests() == 1  # its send is enqueued on commit, which never comes here
    DigestMail.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))

    assert services.sweep_notifications() == 1  # eager in tests: the sweep's send delivers it
    assert len(mail.outbox) == 1


# --- the settings section -------------------------------------------------------------


def test_the_settings_page_lists_the_persons_kinds_with_the_required_ones_disabled(client, ken):
    client.force_login(ken)
    body = client.get(reverse("web:settings"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'action="/settings/notifications/"' in body
    assert kinds.KINDS["review_received"].label_ja in body or kinds.KINDS["review_received"].label_en in body
    assert kinds.KINDS["company_to_verify"].label_en not in body  # an admin's kind
    assert 'name="password_reset"' in body
    assert body.count("disabled") >= 5  # the law-required kinds of a specialist


def test_posting_the_section_saves_the_changes_and_ignores_disabled_fields(client, ken):
    client.force_login(ken)
    data = {spec.name: spec.default for spec in kinds.kinds_for("specialist")}
    data |= {"review_received": "off", "proposal_expiring": "digest", "notice_by_client": "off"}

    response = client.post(reverse("web:settings_notifications"), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("web:settings")
    assert dict(NotificationPreference.objects.values_list("kind", "delivery")) == {
        "review_received": "off",
        "proposal_expiring": "digest",
    }


def test_the_section_endpoints_need_a_signed_in_person_and_a_post(client, ken):
    for name in ("web:settings_notifications", "web:settings_calendar"):
        anonymous = client.post(reverse(name), {})
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/login/")
    client.force_login(ken)
    assert client.get(reverse("web:settings_notifications")).status_code == 405
    assert client.get(reverse("web:settings_calendar")).status_code == 405
    assert not NotificationPreference.objects.exists()
