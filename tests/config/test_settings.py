import os
import subprocess
import sys
from pathlib import Path

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
