"""``manage.py demo_data``: load (idempotently) the demo data of every app and print the logins."""

from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

# Each module has ``load(stdout) -> list[tuple[role, username, password]]``; order matters.
DEMO_MODULES = [
    "demo.policies",
    "demo.claims",
    "demo.vendors",
    "demo.money",
    "demo.money_v2",
    "demo.privacy",  # data protection: a pseudonymised legacy file, an export
    "demo.financials",  # recoveries, a voided payment re-issued, reserves run off
    "demo.events",
    "demo.accounts",
    "demo.desk",  # the desk: a policyholder message in the queue
    "demo.receipts",  # a report received through the API (Prefer: respond-async), registered
    "demo.language",  # languages: an English policyholder and team lead
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print a login for every role."

    def handle(self, *args, **options):
        logins: list[tuple[str, str, str]] = []
        for name in DEMO_MODULES:
            if find_spec(name) is None:
                continue
            # Nobody to tell about demo claims: no emails while loading. Each service the loader
            # calls commits its own durable transaction; the loaders are idempotent, so a run
            # that stops half-way is completed by the next.
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
            ):
                logins.extend(import_module(name).load(self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Logins (user / password):"))
        seen = set()
        for role, username, password in logins:
            if username in seen:
                continue
            seen.add(username)
            self.stdout.write(f"  {role:<40} {username:<22} {password}")
        self.stdout.write(
            "Adjusters and team leads: /admin/   "
            "Policyholders: /portal/   Vendors: /vendor/ and /api/vendor/   Health: /healthz"
        )
