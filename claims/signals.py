"""Keeps the per-user cache of group names (``claims.roles.group_names``) true when a user's
groups change through ``user.groups``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from claims import roles


@receiver(m2m_changed, sender=get_user_model().groups.through)
def forget_cached_groups(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(
        instance, get_user_model()
    ):
        roles.forget_group_names(instance)
