"""Production settings as a plain start (no Docker) gets them from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def production_settings(**env: str) -> dict[str, object]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "DEBUG", "SECURE_"))}
    program = (
        "import json, marketplace.settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('EMAIL_BACKEND', 'EMAIL_HOST', 'SECURE_SSL_REDIRECT')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env={**clean, "DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.jp", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_without_email_host_mail_goes_to_the_log_not_to_smtp_on_localhost():
    """Found on a plain start: with EMAIL_* unset the worker retried SMTP on localhost:25."""
    assert production_settings()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_with_an_email_host_mail_goes_over_smtp_to_it():
    settings = production_settings(EMAIL_HOST="smtp.example.jp")

    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["EMAIL_HOST"] == "smtp.example.jp"


@pytest.mark.parametrize(("value", "redirect"), [(None, True), ("0", False)])
def test_https_redirect_is_on_in_production_unless_switched_off(value, redirect):
    assert production_settings(**({"SECURE_SSL_REDIRECT": value} if value else {}))["SECURE_SSL_REDIRECT"] is redirect
