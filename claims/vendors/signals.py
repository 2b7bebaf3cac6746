"""The emergency hook: a newly reported emergency claim under a product with a 24/7 hotline gets
a forensics job proposed at once. The task is enqueued through the outbox inside the report's own
transaction, so it is published exactly when the claim is committed."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from claims.models import Claim
from config.outbox import enqueue


@receiver(post_save, sender=Claim, dispatch_uid="vendors_emergency_job_propose")
def claim_reported(sender, instance: Claim, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created or not instance.emergency:
        return
    if not instance.policy.product.emergency_hotline:
        return
    enqueue("vendors.emergency_job_propose", claim_id=instance.pk)
