import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_worker():
    from django.utils import timezone

    from config.models import WorkerHeartbeat

    return WorkerHeartbeat.objects.create(hostname="w1@test", seen_at=timezone.now())


def test_healthz_reports_database_and_broker_reachable(client, live_worker):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "eager (no REDIS_URL)"}


def test_healthz_is_503_naming_the_broker_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "unreachable"
    assert body["database"] == "ok"
    assert "broker" in body["errors"]


def test_healthz_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert "connection refused" in response.json()["errors"]["database"]


def test_healthz_is_503_when_no_worker_has_a_recent_heartbeat(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from config.models import WorkerHeartbeat

    if not settings.REDIS_URL:
        pytest.skip("eager mode has no workers")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["workers"]["status"] == "down"
    assert "no worker" in response.json()["errors"]["workers"]

    WorkerHeartbeat.objects.create(
        hostname="old@test", seen_at=timezone.now() - timedelta(minutes=5)
    )
    body = client.get("/healthz").json()
    assert body["workers"]["alive"] == 0
    assert body["workers"]["last_heartbeat_seconds_ago"] >= 299


def test_healthz_reports_the_age_of_the_oldest_waiting_task(client, live_worker, settings):
    from datetime import timedelta

    from django.utils import timezone

    from config.models import OutboxMessage

    message = OutboxMessage.objects.create(task_name="config.outbox_sweep")
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(seconds=40)
    )
    body = client.get("/healthz").json()
    assert body["outbox"]["waiting"] == 1
    assert 40 <= body["outbox"]["oldest_waiting_seconds"] < 60
    assert body["status"] == "ok"

    settings.OUTBOX_LATE_AFTER = 30
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["outbox"]["status"] == "late"
    assert "waited" in response.json()["errors"]["outbox"]
