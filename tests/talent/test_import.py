"""manage.py import_specialists: upsert by email, row-level errors, dry run."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from talent.models import Specialist
from tests.talent_fixtures import make_specialist

HEADER = (
    "email,display_name,legal_name,phone,prefecture,travel_prefectures,remote_ok,onsite_ok,request_kinds,"
    "hourly_rate_jpy,monthly_retainer_jpy,capacity,hours_per_month,languages,industries,skills,"
    "years_experience,listed_in_directory,bio\n"
)
GOOD = (
    "hanako@example.test,山田 花子,山田花子,03-1111-2222,13,13;14,yes,はい,advisor;incident,"
    '"25,000",60000,2,20,ja;en,manufacturing,incident_response:4;digital_forensics:3,12,yes,'
    "ランサムウェア対応の経験\n"
)
BAD_RATE = "taro@example.test,田中 太郎,,,13,,yes,no,spot,cheap,,,,,,,,,\n"
BAD_SKILL = "jiro@example.test,佐藤 次郎,,,27,,yes,no,spot,10000,,,,,,astrology:3,,,\n"


@pytest.fixture
def csv_file(tmp_path):
    def write(*rows):
        path = tmp_path / "specialists.csv"
        path.write_text(HEADER + "".join(rows), encoding="utf-8-sig")
        return path

    return write


def test_imports_a_specialist_with_every_field(db, csv_file, capsys):
    call_command("import_specialists", str(csv_file(GOOD)))

    profile = Specialist.objects.get(user__email="hanako@example.test")
    assert (profile.display_name, profile.hourly_rate_jpy, profile.onsite_ok) == ("山田 花子", 25_000, True)
    assert profile.request_kinds == ["advisor", "incident"]
    assert sorted(profile.travel.values_list("prefecture", flat=True)) == ["13", "14"]
    assert dict(profile.skill_levels.values_list("skill__slug", "level")) == {
        "incident_response": 4,
        "digital_forensics": 3,
    }
    assert profile.user.role == "specialist"
    assert not profile.user.has_usable_password()
    out = capsys.readouterr()
    assert "1 created, 0 updated" in out.out
    assert "1/1" in out.err  # the progress bar


def test_second_import_updates_by_email(db, csv_file):
    call_command("import_specialists", str(csv_file(GOOD)))
    call_command("import_specialists", str(csv_file(GOOD.replace("60000", "70000"))))

    assert Specialist.objects.count() == 1
    assert Specialist.objects.get().monthly_retainer_jpy == 70_000


def test_bad_rows_are_reported_by_line_and_field_and_good_rows_still_land(db, csv_file, capsys):
    with pytest.raises(CommandError, match=r"1 created, 0 updated .* 2 errors"):
        call_command("import_specialists", str(csv_file(BAD_RATE, GOOD, BAD_SKILL)))

    out = capsys.readouterr().out
    assert "line 2, hourly_rate_jpy: expected a whole number, got 'cheap'" in out
    assert "line 4, skills: unknown skill 'astrology'" in out
    assert list(User.objects.values_list("email", flat=True)) == ["hanako@example.test"]


def test_dry_run_writes_nothing(db, csv_file, capsys):
    call_command("import_specialists", str(csv_file(GOOD)), "--dry-run")

    assert not User.objects.exists()
    assert "1 created, 0 updated (would be written)" in capsys.readouterr().out


def test_an_email_of_a_non_specialist_is_a_row_error(db, csv_file, sme_alice, capsys):
    with pytest.raises(CommandError):
        call_command("import_specialists", str(csv_file(GOOD.replace("hanako@example.test", "alice@sme.test"))))

    assert "line 2, email: belongs to a user who is not a specialist" in capsys.readouterr().out
    assert not Specialist.objects.exists()


def test_existing_profile_keeps_its_status_on_import(db, csv_file, specialist_bob):
    make_specialist(specialist_bob, status="active")

    call_command("import_specialists", str(csv_file(GOOD.replace("hanako@example.test", "bob@riss.test"))))

    assert Specialist.objects.get(user=specialist_bob).status == "active"
