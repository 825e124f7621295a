"""The fault-injection hook: silent unless test settings name the point; first attempt only."""

import time

from marketplace import faults


def test_a_point_pauses_only_when_the_settings_name_it_and_only_on_the_first_attempt(settings, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    settings.FAULT_PAUSES = {"app.point": 2.5}

    faults.pause("app.other")
    faults.pause("app.point", attempt=2)
    faults.pause("app.point")

    assert slept == [2.5]


def test_production_settings_declare_no_pause():
    from marketplace import settings as production

    assert production.FAULT_PAUSES == {}
