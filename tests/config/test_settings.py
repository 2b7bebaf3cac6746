import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def _django_setup(**env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CLAIMS_TESTING"}}
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
        DEBUG="false", SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="config.settings"
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_no_secret_key_is_committed_to_the_settings():
    text = (BASE_DIR / "config" / "settings.py").read_text()
    assert 'SECRET_KEY = "' not in text


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
