"""Staff see the outbox and the workers in the admin, and can send a failed task again."""

import pytest

from config.models import AuditEntry, OutboxMessage, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_the_outbox_lists_what_waits_and_what_failed(admin_client):
    OutboxMessage.objects.create(task_name="config.email_send", status="failed",
                                 last_error="SMTPServerDisconnected: gone")
    response = admin_client.get("/admin/infra/outboxmessage/?status__exact=failed")
    assert response.status_code == 200
    assert b"config.email_send" in response.content
    assert admin_client.get("/admin/infra/workerheartbeat/").status_code == 200


def test_a_failed_message_is_sent_again_with_an_audit_row(admin_client, admin_user):
    failed = OutboxMessage.objects.create(task_name="config.outbox_prune", status="failed",
                                          failures=12, last_error="boom")
    done = OutboxMessage.objects.create(task_name="config.outbox_prune", status="done")
    response = admin_client.post("/admin/infra/outboxmessage/", {
        "action": "send_again", "_selected_action": [failed.pk, done.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.failures) == ("pending", 0)
    assert OutboxMessage.objects.get(pk=done.pk).status == "done"
    entry = AuditEntry.objects.get(action="outbox.send_again")
    assert (entry.actor, entry.from_value, entry.to_value) == (admin_user, "failed", "pending")


def test_heartbeats_cannot_be_edited(admin_client):
    from django.utils import timezone

    beat = WorkerHeartbeat.objects.create(hostname="w@h", seen_at=timezone.now())
    response = admin_client.post(f"/admin/infra/workerheartbeat/{beat.pk}/change/",
                                 {"hostname": "x"})
    assert response.status_code == 403
