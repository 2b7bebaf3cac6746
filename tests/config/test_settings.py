import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _django_setup(**env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "CLAIMS_TESTING"} and not k.startswith("EMAIL_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )


def test_missing_secret_key_with_debug_off_is_a_start_up_error():
    result = _django_setup(DEBUG="false", DJANGO_SETTINGS_MODULE="config.settings")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_secret_key_from_the_environment_starts_with_debug_off():
    result = _django_setup(
        DEBUG="false", SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="config.settings",
        EMAIL_URL="smtp+tls://claims:secret@mail.example.com:587",
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_without_an_email_server_refuses_to_start():
    """Else password-reset links would be printed to the server log by the console backend."""
    result = _django_setup(DEBUG="false", SECRET_KEY="x" * 60,
                           DJANGO_SETTINGS_MODULE="config.settings")
    assert result.returncode != 0
    assert "No email server is configured" in result.stderr


def test_production_refuses_the_console_email_backend():
    result = _django_setup(DEBUG="false", SECRET_KEY="x" * 60,
                           DJANGO_SETTINGS_MODULE="config.settings",
                           EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert result.returncode != 0
    assert "console email backend" in result.stderr


def test_email_settings_come_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT,"
         " settings.EMAIL_USE_TLS)"],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items() if k != "CLAIMS_TESTING"},
             "DEBUG": "false", "SECRET_KEY": "x" * 60,
             "EMAIL_URL": "smtp+tls://claims:secret@mail.example.com:587"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend",
                                     "mail.example.com", "587", "True"]


def test_development_keeps_the_console_backend():
    result = _django_setup(DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings")
    assert result.returncode == 0, result.stderr


def test_no_secret_key_is_committed_to_the_settings():
    text = (BASE_DIR / "config" / "settings.py").read_text()
    assert 'SECRET_KEY = "' not in text


def _newcomer_env(**overrides: str) -> dict:
    """A newcomer's shell: no SECRET_KEY, no CLAIMS_ENV, not the test settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "CLAIMS_TESTING", "CLAIMS_ENV", "DEBUG"}}
    env.update(overrides)
    return env


@pytest.mark.django_db
def test_a_newcomers_premium_quote_and_check_ledger_work_without_a_secret_key():
    from tests.integration.conftest import test_database_url

    env = _newcomer_env(DATABASE_URL=test_database_url())
    request = json.dumps({"product": "cyber", "revenue": "80000", "sum_insured": "100000",
                          "addons": [], "deductible": "1000", "term_years": 1,
                          "it_security_discount": False})
    quote = subprocess.run([sys.executable, "manage.py", "premium_quote", "-"], input=request,
                           cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert quote.returncode == 0, quote.stderr
    assert json.loads(quote.stdout)["years"][0]["year"] == 1
    ledger = subprocess.run([sys.executable, "manage.py", "check_ledger"], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert ledger.returncode == 0, ledger.stderr
    assert ledger.stdout.startswith("Ledger OK")


def test_manage_py_uses_development_settings_with_friendly_error_pages():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings as s; print(s.ENVIRONMENT, s.DEBUG, "
         "getattr(s, 'SECURE_SSL_REDIRECT', False))"],
        cwd=BASE_DIR, env=_newcomer_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["development", "False", "False"]


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_its_servers(missing):
    env = _newcomer_env(SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="config.settings",
                        DATABASE_URL="postgres://u@db/claims", REDIS_URL="redis://r:6379/0")
    del env[missing]
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],  # what gunicorn loads
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert f"{missing} not set" in result.stderr


def test_the_wsgi_application_freezes_what_it_loaded():
    """The objects made while loading (the apps, the URLconf and the views) are left out of the
    garbage collector's full collections (``gc.freeze`` in ``config.wsgi``)."""
    env = _newcomer_env(SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="config.settings",
                        DATABASE_URL="postgres://u@db/claims", REDIS_URL="redis://r:6379/0",
                        ALLOWED_HOSTS="claims.example",
                        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    result = subprocess.run(
        [sys.executable, "-c", "import gc, sys, config.wsgi; "
         "print(gc.get_freeze_count(), 'claims.api.views.claims' in sys.modules)"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 100_000 and views_loaded == "True"


def test_production_refuses_to_start_without_a_secret_key():
    env = _newcomer_env(DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run([sys.executable, "-c", "import config.wsgi"], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_compose_runs_production_and_probes_the_masters_health_port():
    import yaml

    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    assert web["environment"]["CLAIMS_ENV"] == "production"
    assert "config/gunicorn.py" in web["command"]
    assert "8001/healthz" in " ".join(web["healthcheck"]["test"])


def _storage_of(**env: str) -> str:
    env = {**{k: v for k, v in os.environ.items() if k != "DOCUMENTS_S3_BUCKET"}, **env,
           "CLAIMS_TESTING": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.core.files.storage import storages; s = storages['default']; "
         "print(type(s).__name__, getattr(s, 'bucket_name', ''), "
         "getattr(s, 'querystring_expire', ''))"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_documents_go_to_the_bucket_when_one_is_configured_else_to_local_disk():
    assert _storage_of().startswith("FileSystemStorage")
    assert _storage_of(DOCUMENTS_S3_BUCKET="claims-documents",
                       DOCUMENTS_S3_ENDPOINT_URL="http://127.0.0.1:8611") == (
        "S3Storage claims-documents 60")


def test_database_connections_persist_and_are_checked_before_reuse():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
