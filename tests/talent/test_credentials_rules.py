"""RISS numbers, validity and the daily task, table-tested."""

import datetime

import pytest

from marketplace.errors import ValidationFailed
from talent.models import Certification
from talent.services import normalize_riss_number, refresh_certification_validity
from tests.talent_fixtures import make_certification, make_specialist


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("第017758号", "017758"),
        ("017758", "017758"),
        ("０１７７５８", "017758"),
        ("第 017758 号", "017758"),
        ("第１７７５８号", "017758"),
        ("17758", "017758"),
    ],
)
def test_riss_numbers_are_normalised_to_six_digits(raw, expected):
    assert normalize_riss_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "第号", "1234567", "01775a", "000000", "017-758", "No.017758", "-17758"])
def test_malformed_riss_numbers_are_refused(raw):
    with pytest.raises(ValidationFailed) as error:
        normalize_riss_number(raw)

    assert error.value.field == "number"


TODAY = datetime.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("deadline", "validity"),
    [
        (TODAY + datetime.timedelta(days=181), "active"),
        (TODAY + datetime.timedelta(days=180), "renewal_due"),
        (TODAY, "renewal_due"),
        (TODAY - datetime.timedelta(days=1), "lapsed"),
    ],
)
def test_riss_validity_by_deadline(deadline, validity):
    certification = Certification(kind="riss", renewal_deadline=deadline)

    assert certification.validity_on(TODAY) == validity


def test_sg_never_expires():
    assert Certification(kind="sg", renewal_deadline=None).validity_on(datetime.date(2099, 1, 1)) == "active"


def test_daily_task_moves_riss_registrations_and_notifies_each_once(
    specialist_bob, mailoutbox, django_capture_on_commit_callbacks
):
    bob = make_specialist(specialist_bob)
    due = make_certification(bob, status="verified", number="000001", deadline=TODAY + datetime.timedelta(days=30))
    lapsed = make_certification(bob, status="verified", number="000002", deadline=TODAY - datetime.timedelta(days=1))
    fine = make_certification(bob, status="verified", number="000003", deadline=TODAY + datetime.timedelta(days=900))
    Certification.objects.update(validity="active")

    with django_capture_on_commit_callbacks(execute=True):
        first = refresh_certification_validity(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = refresh_certification_validity(today=TODAY)

    assert first == {"lapsed": 1, "renewal_due": 1, "active": 0}
    assert second == {"lapsed": 0, "renewal_due": 0, "active": 0}
    states = dict(Certification.objects.values_list("number", "validity"))
    assert states == {due.number: "renewal_due", lapsed.number: "lapsed", fine.number: "active"}
    assert len(mailoutbox) == 2
    assert all(message.to == [specialist_bob.email] for message in mailoutbox)
    # Bob's language is Japanese (the default): his mail is in Japanese only.
    assert sorted(message.subject for message in mailoutbox) == [
        "【Tcyss】登録が失効しました",
        "【Tcyss】登録の更新時期です",
    ]
    assert not any("RISS registration" in message.body for message in mailoutbox)


def test_renewed_registration_returns_to_active(specialist_bob):
    bob = make_specialist(specialist_bob)
    certification = make_certification(bob, status="verified", deadline=TODAY + datetime.timedelta(days=1000))
    Certification.objects.filter(pk=certification.pk).update(validity="lapsed")

    refresh_certification_validity(today=TODAY)

    certification.refresh_from_db()
    assert certification.validity == "active"


def test_a_lapsed_registration_does_not_count_even_before_the_task_runs(specialist_bob):
    bob = make_specialist(specialist_bob)
    certification = make_certification(bob, status="verified", deadline=TODAY - datetime.timedelta(days=1))
    Certification.objects.filter(pk=certification.pk).update(validity="active")

    assert not Certification.objects.counting(TODAY).exists()
    assert Certification.objects.counting(TODAY - datetime.timedelta(days=2)).exists()


def test_beat_runs_the_validity_task_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-certification-validity"]

    assert entry["task"] == "talent.refresh_certification_validity"
    assert entry["schedule"].hour == {3}
