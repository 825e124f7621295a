"""Fault injection for tests: the one hook, `pause(point)`, that production never switches on.

Code marks a point where a test needs time to break things (kill the worker before a run
writes, let two runs plan before either writes) with `faults.pause("app.point")`. The pause
lasts `settings.FAULT_PAUSES[point]` seconds: marketplace/settings.py declares the dict
empty, so in production every call returns at once; only tests/settings.py fills it.

Points in use:
- `matching.before_write` (matching.engine.execute): after a run's plan, before its write.
"""

import time

from django.conf import settings


def pause(point: str, *, attempt: int = 1) -> None:
    """Sleep for the seconds the settings give `point`, on a job's first attempt only: the
    retry after the fault (a re-delivered task) runs straight through."""
    seconds = settings.FAULT_PAUSES.get(point, 0)
    if seconds and attempt <= 1:
        time.sleep(seconds)
