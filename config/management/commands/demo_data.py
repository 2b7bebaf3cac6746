"""``manage.py demo_data``: load (idempotently) the demo data of every app and print the logins."""

from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from claims.services.tx import batch

# Each module has ``load(stdout) -> list[tuple[role, username, password]]``; order matters.
DEMO_MODULES = [
    "policies.demo",
    "claims.demo",
    "claims.demo_vendors",
    "claims.demo_money",
    "claims.demo_money_v2",
    "privacy.demo",  # data protection: a pseudonymised legacy file, an export
    "claims.events.demo",
    "accounts.demo",
    "language.demo",  # languages: an English policyholder and team lead
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print a login for every role."

    def handle(self, *args, **options):
        logins: list[tuple[str, str, str]] = []
        for name in DEMO_MODULES:
            if find_spec(name) is None:
                continue
            # Nobody to tell about demo claims: no emails while loading.
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
                transaction.atomic(),
                batch(),
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
