"""``manage.py retention_sweep [--dry-run] [--today YYYY-MM-DD]``: what the daily beat task
does, by hand: list the claims past their retention period (without a legal hold) and, unless
``--dry-run``, pseudonymise them and the policyholders nothing is kept for any more."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.selectors import claims_due
from privacy.services import retention_sweep


class Command(BaseCommand):
    help = "Pseudonymise what is past its retention period (--dry-run: only list it)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what is due.")
        parser.add_argument("--today", help="The day to judge by (YYYY-MM-DD); default today.")

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today {today!r} is not a date (YYYY-MM-DD).") from None
        due = claims_due(today=day)
        for retention in due:
            self.stdout.write(f"{retention.claim.number}: {retention.rule.applies_to}, kept until "
                              f"{retention.kept_until:%Y-%m-%d}")
        if dry_run:
            self.stdout.write(f"{len(due)} claim(s) due on {day:%Y-%m-%d} (dry run: nothing "
                              "changed).")
            return
        done = retention_sweep(today=day)
        self.stdout.write(f"Pseudonymised {done['claims']} claim(s) and "
                          f"{done['policyholders']} policyholder(s) on {day:%Y-%m-%d}.")
