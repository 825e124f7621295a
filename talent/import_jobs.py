"""A CSV import of specialists run as a Celery task, its progress readable while it works.

The console uploads a file: `start` keeps the text and the job's state in the cache (shared by
the web processes and the worker: Redis in production) and sends the task after the commit; the
task (`run`) imports with talent.importer, writing how many rows are done every 1 % of the file,
then the report: every error of every line, in the language of the admin who started it. A dry
run (the preview) writes nothing; its text stays so the admin can import it for real from there.
"""

import csv
import io
import logging
import uuid
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.celery import send
from marketplace.errors import NotFound, ValidationFailed
from talent.importer import import_specialists

logger = logging.getLogger(__name__)

# A day to read the report; the text is the admin's upload, at most MAX_BYTES.
TTL_SECONDS = 24 * 60 * 60
MAX_BYTES = 5 * 1024 * 1024

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def _key(job_id: str) -> str:
    return f"talent:import:{job_id}"


def _text_key(job_id: str) -> str:
    return f"talent:import:{job_id}:text"


def decode(content: bytes) -> str:
    """The upload as text: UTF-8 (a BOM is dropped, as Excel writes one); anything else refused."""
    if len(content) > MAX_BYTES:
        raise ValidationFailed(_("The file is larger than 5 MB; split it."), field="file")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_("The file is not UTF-8 text; save it as CSV UTF-8."), field="file") from exc


def start(*, text: str, dry_run: bool, by: User, filename: str = "") -> str:
    """Queue the import of `text`; the job's id. The task is sent once the transaction commits;
    a broker that cannot be reached leaves the job failed with the reason, never queued forever."""
    job_id = str(uuid.uuid4())
    total = max(text.count("\n") - 1, 0) if text.strip() else 0  # an estimate until the task counts
    state = {
        "id": job_id,
        "owner": str(by.pk),
        "dry_run": dry_run,
        "filename": filename,
        "language": translation.get_language() or "ja",
        "status": QUEUED,
        "done": 0,
        "total": total,
        "created": 0,
        "updated": 0,
        "errors": [],
        "header": [],
        "started_at": timezone.now().isoformat(),
    }
    cache.set(_text_key(job_id), text, TTL_SECONDS)
    cache.set(_key(job_id), state, TTL_SECONDS)

    def dispatch() -> None:
        if not send("talent.import_specialists_csv", job_id):
            _update(job_id, status=FAILED, failure=_("The import could not be started; try again in a minute."))

    # As marketplace.celery.send_on_commit, with a failure the page can show.
    transaction.on_commit(dispatch)
    return job_id


def job_of(user: User, job_id: str) -> dict[str, Any]:
    """The job's state, only for the admin who started it (anyone else: not found)."""
    state = cache.get(_key(str(job_id)))
    if state is None or state["owner"] != str(user.pk):
        raise NotFound(_("Import not found (reports are kept for a day)."))
    return dict(state)


def text_of(user: User, job_id: str) -> str:
    job_of(user, job_id)
    text = cache.get(_text_key(str(job_id)))
    if text is None:
        raise NotFound(_("Import not found (reports are kept for a day)."))
    return str(text)


def _update(job_id: str, **changes: Any) -> None:
    state = cache.get(_key(job_id))
    if state is not None:
        cache.set(_key(job_id), {**state, **changes}, TTL_SECONDS)


def run(job_id: str) -> None:
    """The task's body: import the job's text, its progress stored as it goes."""
    state = cache.get(_key(job_id))
    text = cache.get(_text_key(job_id))
    if state is None or text is None or state["status"] not in (QUEUED, RUNNING):
        return  # expired, or already run (a redelivered message)
    owner = User.objects.filter(pk=state["owner"], is_active=True).first()
    _update(job_id, status=RUNNING)
    step = 1

    def progress(done: int, total: int) -> None:
        nonlocal step
        step = max(total // 100, 1)
        if done % step == 0 or done == total:
            _update(job_id, done=done, total=total)

    with translation.override(state["language"]):
        try:
            report = import_specialists(
                io.StringIO(text), dry_run=state["dry_run"], progress=progress, invited_by=owner
            )
        except csv.Error as exc:  # not CSV at all (a NUL byte, an unclosed quote at the end...)
            _update(job_id, status=FAILED, failure=_("The file could not be read as CSV: %(error)s") % {"error": exc})
            return
        except SoftTimeLimitExceeded:
            _update(job_id, status=FAILED, failure=_("The file took too long to import; split it and try again."))
            return
        except Exception:
            logger.exception("CSV import %s failed", job_id)
            _update(job_id, status=FAILED, failure=_("The import failed; nothing was written. Try again."))
            return
        errors = [[line, column, str(message)] for line, column, message in report.errors]
    _update(
        job_id,
        status=DONE,
        done=report.rows,
        total=report.rows,
        created=report.created,
        updated=report.updated,
        errors=errors,
        header=report.header,
    )
