"""``manage.py check_ledger``: the independent auditor of the money.

Per insurance-year account: ``committed == sum(commitment and reversal entries)``,
``committed <= limit`` and ``paid (payment entries) <= committed``; per payment: a paid payment
has exactly one payment entry of its amount. One line per breach and exit status 1; otherwise a
summary line and exit status 0.
"""

from django.core.management.base import BaseCommand
from django.db.models import Count, Sum

from claims.money.models import LedgerEntry, Payment
from claims.money.selectors import account_figures
from coverage.money import ZERO
from policies.models import InsuranceYearAccount


class Command(BaseCommand):
    help = "Check the ledger invariants; exit 1 with one line per breach."
    requires_system_checks = []

    def handle(self, *args, **options):
        accounts = InsuranceYearAccount.objects.select_related("section__policy").order_by("pk")
        breaches = []
        figures = account_figures(accounts=accounts)
        for row in figures:
            account = row.account
            name = f"account {account.pk} ({account.section.policy.number} year {account.year})"
            if account.committed != row.ledger_committed:
                breaches.append(f"{name}: committed {account.committed:.2f} != ledger sum "
                                f"{row.ledger_committed:.2f}")
            if account.committed > account.limit:
                breaches.append(f"{name}: committed {account.committed:.2f} > limit "
                                f"{account.limit:.2f}")
            if row.paid > account.committed:
                breaches.append(f"{name}: paid {row.paid:.2f} > committed "
                                f"{account.committed:.2f}")
        booked = {
            row["payment_id"]: (row["count"], row["total"])
            for row in LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT)
            .values("payment_id").annotate(count=Count("pk"), total=Sum("amount"))
        }
        for payment in Payment.objects.order_by("pk").only("pk", "status", "amount"):
            count, total = booked.get(payment.pk, (0, ZERO))
            expected = (1, payment.amount) if payment.status == Payment.Status.PAID else (0, ZERO)
            if (count, total) != expected:
                breaches.append(f"payment {payment.pk} ({payment.status}): {count} payment "
                                f"entries of {total:.2f}, expected {expected[0]}")
        for line in breaches:
            self.stdout.write(f"BREACH {line}")
        if breaches:
            self.stderr.write(f"{len(breaches)} ledger breach(es) found.")
            raise SystemExit(1)
        committed = sum((row.account.committed for row in figures), ZERO)
        paid = sum((row.paid for row in figures), ZERO)
        self.stdout.write(
            f"Ledger OK: {len(figures)} accounts, committed {committed:.2f}, paid {paid:.2f}, "
            f"{LedgerEntry.objects.count()} entries."
        )
