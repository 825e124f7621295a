"""The Celery app: configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="marketplace.ping", soft_time_limit=5, time_limit=10)
def ping(token: str) -> str:
    """Echo a token: proves a worker reads the broker and writes results."""
    return f"pong:{token}"
