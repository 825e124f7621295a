"""Test settings: the production settings with fast hashing, local mail and eager tasks.

Integration tests run a real Celery worker against real Redis; that worker loads
these settings with TEST_CELERY_EAGER=0 and the test database's name.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from marketplace.settings import *  # noqa: F403
from marketplace.settings import DATABASES, REST_FRAMEWORK

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
BROKER_OUTAGE_BACKOFF_SECONDS = 0.0
# The throttle and other cache users get a per-process cache the tests can clear
# without touching the Redis that serves as Celery's broker.
if os.environ.get("TEST_REAL_CACHE") != "1":  # a server started by a test may keep the Redis cache
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="tcyss-media-")
# Static files from the apps' folders (WhiteNoise looks them up per request, as under DEBUG),
# without collectstatic's manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

REDIS_URL = os.environ.get("REDIS_URL", "")
TEST_REDIS_URL = REDIS_URL or "redis://127.0.0.1:6379/15"
CELERY_TASK_ALWAYS_EAGER = os.environ.get("TEST_CELERY_EAGER", "1") == "1"
CELERY_BROKER_URL = TEST_REDIS_URL
CELERY_RESULT_BACKEND = TEST_REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TEST_CELERY_QUEUE", "celery")
# Small, so a message whose worker died comes back within a test's patience; the
# tasks under test finish well inside it.
CELERY_TASK_SOFT_TIME_LIMIT = 20
CELERY_TASK_TIME_LIMIT = 25
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("TEST_VISIBILITY_TIMEOUT", "30"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT, "max_retries": 0}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}

# Fault injection (marketplace/faults.py) for the worker-death tests: the first attempt of a
# run pauses after planning, before it writes, so a test can kill the worker there.
FAULT_PAUSES = {"matching.before_write": float(os.environ.get("TEST_MATCHING_FAULT_DELAY", "0"))}
# A run's heartbeat and how long a silent one waits before the sweeper sends it again.
MATCHING_HEARTBEAT_SECONDS = float(os.environ.get("TEST_MATCHING_HEARTBEAT", "10"))
MATCHING_STALL_SECONDS = float(os.environ.get("TEST_MATCHING_STALL", "60"))

database = DATABASES["default"]
if os.environ.get("TEST_DB_NAME"):
    # The worker subprocess connects to the database pytest created.
    database["NAME"] = os.environ["TEST_DB_NAME"]
elif database["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a worker subprocess can share it.
    database["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"tcyss-test-{os.getpid()}.sqlite3")}

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    # A server started by a test may ask for the real sign-in limit (TEST_THROTTLE_AUTH=10/min).
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/min",
        "user": "100000/min",
        "auth": os.environ.get("TEST_THROTTLE_AUTH", "100000/min"),
    },
}

# Webhook signatures are checked against this in tests (payloads are signed locally).
STRIPE_WEBHOOK_SECRET = "whsec_test_only_not_a_secret"
