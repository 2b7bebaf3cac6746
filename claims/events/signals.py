"""A newly reported claim is matched against the events whose window covers its loss date. The
task is enqueued through the outbox inside the report's own transaction (like the vendors'
emergency hook), so the report itself stays as fast as before."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from claims.models import Claim
from config.outbox import enqueue

from .models import CyberEvent


@receiver(post_save, sender=Claim, dispatch_uid="events_claim_suggest_events")
def claim_reported(sender, instance: Claim, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created:
        return
    if not CyberEvent.objects.filter(starts_at__date__lte=instance.loss_date).exists():
        return
    enqueue("events.claim_suggest_events", claim_id=instance.pk)
