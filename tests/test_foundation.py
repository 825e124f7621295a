"""The skeleton: probes, docs served offline, deployment files, settings guards."""

import importlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def test_healthz_answers_200_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_200_when_the_database_is_reachable(client, db, settings):
    settings.REDIS_URL = ""

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


def test_readyz_checks_redis_when_configured(client, db, redis_client, settings):
    settings.REDIS_URL = settings.TEST_REDIS_URL

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readyz_answers_503_naming_redis_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("down")


def test_swagger_ui_is_served_from_the_sidecar_without_outside_requests(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


def test_redoc_is_served_from_the_sidecar(client):
    response = client.get("/api/redoc/")

    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/redoc/" in response.content.decode()


def test_openapi_schema_lists_the_v1_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert "/api/v1/companies/" in response.json()["paths"]


def test_null_byte_in_query_is_a_400_not_a_500(client, db):
    response = client.get("/api/v1/chambers/?search=a%00b")

    assert response.status_code == 400


def test_deeply_nested_json_is_a_400(client, db):
    body = "[" * 100_000 + "]" * 100_000

    response = client.post("/api/v1/auth/register/", data=body, content_type="application/json")

    assert response.status_code == 400


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "1e309"])
def test_non_finite_json_numbers_are_a_400(client, db, literal):
    body = f'{{"email": "x@example.test", "password": "p", "role": "sme", "name": {literal}}}'

    response = client.post("/api/v1/auth/register/", data=body, content_type="application/json")

    assert response.status_code == 400


def test_page_size_is_capped_at_100(client, db):
    from tests.factories import ChamberFactory

    ChamberFactory.create_batch(105)

    response = client.get("/api/v1/chambers/?page_size=1000000000")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


def test_visibility_timeout_exceeds_every_task_time_limit():
    """Redis re-delivers unacked messages after the visibility timeout (seen: 4 copies at once)."""
    from marketplace.celery import app

    limit = app.conf.task_time_limit
    assert app.conf.broker_transport_options["visibility_timeout"] > limit
    for task in app.tasks.values():
        if task.name.startswith("celery."):
            continue
        assert (task.time_limit or limit) < app.conf.broker_transport_options["visibility_timeout"], task.name
        assert task.soft_time_limit or app.conf.task_soft_time_limit, task.name


def test_celery_accepts_json_only_and_acks_late():
    from marketplace.celery import app

    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


def _run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "marketplace.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_startup_refuses_without_secret_key_when_debug_is_off():
    result = _run_settings({"DEBUG": "0"}, "import django; django.setup()")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_default_is_sqlite_with_eager_celery():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])"
    )
    result = _run_settings({"DEBUG": "1", "DATABASE_URL": "", "REDIS_URL": ""}, code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_deploy_check_is_clean_with_production_like_settings():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "production-like-secret-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "marketplace.example.jp",
        "DATABASE_URL": "",
    }
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_runs_every_service_with_modules_that_exist():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    commands = {name: services[name]["command"] for name in ("web", "worker", "beat")}
    assert commands["web"][:4] == ["gunicorn", "--config", "python:gunicorn_conf", "marketplace.wsgi:application"]
    assert commands["worker"][:4] == ["celery", "-A", "marketplace", "worker"]
    assert commands["beat"][:4] == ["celery", "-A", "marketplace", "beat"]
    assert "worker_class" in (ROOT / "gunicorn_conf.py").read_text()
    wsgi_module, _, attribute = commands["web"][3].partition(":")
    assert hasattr(importlib.import_module(wsgi_module), attribute)
    assert hasattr(importlib.import_module(commands["worker"][2]), "celery_app")
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")
    assert (ROOT / "Dockerfile").exists()
    assert (ROOT / ".env.example").exists()


def test_domain_apps_never_import_the_api_layer():
    import ast

    offenders = []
    for app in ("accounts", "talent", "matching", "subsidies", "billing", "marketplace"):
        for path in (ROOT / app).rglob("*.py") if (ROOT / app).exists() else []:
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    if name.split(".")[0] in ("api", "rest_framework", "django_filters"):
                        offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == ["marketplace/urls.py: api"], offenders


def test_settings_use_tokyo_time_and_japanese_by_default():
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "ja"
    assert [code for code, _ in settings.LANGUAGES] == ["ja", "en"]


def test_every_message_has_a_japanese_translation():
    catalogue = (ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    blocks = catalogue.split("\n\n")[1:]  # the first block is the header

    untranslated = [block for block in blocks if 'msgstr ""\n' in block + "\n" or "#, fuzzy" in block]
    assert untranslated == []
    assert (ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.mo").exists()


def test_manage_py_needs_no_configuration_on_a_developer_machine():
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}

    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env={**clean, "DATABASE_URL": ""},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
