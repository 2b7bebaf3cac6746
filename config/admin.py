"""The outbox and the workers' heartbeats for staff: what waits, what failed and why, and a
"send again" for a task that gave up (after the cause is fixed)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.models import OutboxMessage, WorkerHeartbeat


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task_name", "status", "attempts", "failures", "created_at", "sent_at",
                    "done_at", "next_attempt_at"]
    list_filter = ["status", "task_name"]
    search_fields = ["task_name", "last_error"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again (failed or waiting messages)"),
                  permissions=["send_again"])
    def send_again(self, request, queryset):
        from config.audit import audit_record

        count = 0
        for message in queryset.exclude(status=OutboxMessage.Status.DONE):
            with transaction.atomic():
                OutboxMessage.objects.filter(pk=message.pk).update(
                    status=OutboxMessage.Status.PENDING, failures=0,
                    next_attempt_at=timezone.now(),
                )
                audit_record(actor=request.user, action="outbox.send_again", obj=message,
                             from_value=message.status, to_value="pending",
                             reason=message.last_error[:500])
            count += 1
        self.message_user(request, _("%(count)s message(s) will be sent again.") % {
            "count": count}, messages.SUCCESS)

    def has_send_again_permission(self, request):
        return request.user.is_superuser


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "seen_at", "pid", "broker_run_id"]
    readonly_fields = ["hostname", "seen_at", "pid", "broker_run_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
