"""docker-compose.yml names the services of the stack and only runs commands that exist here."""

import importlib
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_names_the_stack_services_with_health_checks():
    for name in ["postgres", "redis", "web", "worker", "beat"]:
        assert name in SERVICES, name
        assert "healthcheck" in SERVICES[name], f"{name} has no health check"


def test_app_services_share_the_environment_variables():
    for name in ["web", "worker", "beat"]:
        environment = SERVICES[name]["environment"]
        for variable in ["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"]:
            assert variable in environment, f"{name} lacks {variable}"


def test_worker_can_be_scaled():
    worker = SERVICES["worker"]
    assert "container_name" not in worker and "ports" not in worker


def test_commands_in_the_compose_file_exist_in_the_project():
    web = SERVICES["web"]["command"]
    assert web[0] == "gunicorn"
    module, attribute = web[1].split(":")
    assert hasattr(importlib.import_module(module), attribute)
    for name, role in [("worker", "worker"), ("beat", "beat")]:
        command = SERVICES[name]["command"]
        assert command[:3] == ["celery", "-A", "config"] and command[3] == role
        assert hasattr(importlib.import_module("config"), "celery_app")
    migrate = SERVICES["migrate"]["command"]
    assert migrate[:3] == ["python", "manage.py", "migrate"]
    dockerfile = BASE_DIR / SERVICES["web"]["build"]["dockerfile"]
    assert dockerfile.exists()


def test_beat_schedule_names_registered_tasks():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_documents_go_to_the_minio_bucket_shared_by_web_and_workers():
    assert "minio" in SERVICES and "healthcheck" in SERVICES["minio"]
    for name in ["web", "worker", "beat"]:
        environment = SERVICES[name]["environment"]
        assert environment["DOCUMENTS_S3_BUCKET"] == "claims-documents"
        assert environment["DOCUMENTS_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert "volumes" not in SERVICES[name], f"{name} must not need a shared disk"
