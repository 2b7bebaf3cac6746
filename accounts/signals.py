"""API tokens end with the password: a password change or a deactivation revokes every token of
the user (an invariant of the user row, hence a model signal, not business flow)."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import pre_save
from django.dispatch import receiver


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _revoke_tokens_when_the_password_changes(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    previous = (sender._default_manager.filter(pk=instance.pk)
                .values("password", "is_active").first())
    if previous is None:
        return
    if previous["password"] != instance.password or (previous["is_active"]
                                                     and not instance.is_active):
        from knox.models import AuthToken

        AuthToken.objects.filter(user_id=instance.pk).delete()
