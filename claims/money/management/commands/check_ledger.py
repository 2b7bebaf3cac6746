"""``manage.py check_ledger``: the independent auditor of the money.

Per insurance-year account: ``committed == sum(commitment and reversal entries)``,
``committed <= limit`` and ``paid (payment entries) <= committed + the deductible advanced for the
insured (deductible owed and offset entries)``; per claim: the deductible owed by the insured
(owed less offset, received, written-off and reversed entries) is never negative, and no more was
offset, received or written off than was owed, and no sublimit use below zero; per payment: a
paid payment has exactly one payment entry of its amount. One line per breach and exit status
1; otherwise a summary line and exit status 0.
"""

from django.core.management.base import BaseCommand
from django.db.models import Count, Q, Sum

from claims.money.models import RECEIVABLE_KINDS, LedgerEntry, Payment
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
            if row.paid > account.committed + row.advanced:
                breaches.append(f"{name}: paid {row.paid:.2f} > committed "
                                f"{account.committed:.2f} + advanced or paid on top "
                                f"{row.advanced:.2f}")
        receivables = (
            LedgerEntry.objects.filter(kind__in=RECEIVABLE_KINDS).values("claim_id")
            .annotate(total=Sum("amount"), owed=Sum("amount", filter=Q(
                kind=LedgerEntry.Kind.DEDUCTIBLE_OWED)))
            .order_by("claim_id")
        )
        receivable_total = ZERO
        for row in receivables:
            receivable_total += row["total"]
            if row["total"] < 0:
                breaches.append(f"claim {row['claim_id']}: deductible owed by the insured is "
                                f"{row['total']:.2f} (more settled than the "
                                f"{row['owed'] or ZERO:.2f} owed)")
        sublimit_rows = (
            LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SUBLIMIT_USE)
            .values("claim_id", "category__code").annotate(total=Sum("amount"))
            .order_by("claim_id", "category__code")
        )
        for row in sublimit_rows:
            if row["total"] < 0:
                breaches.append(f"claim {row['claim_id']}: sublimit use of "
                                f"{row['category__code']} is {row['total']:.2f}")
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
            f"deductible owed by insureds {receivable_total:.2f}, "
            f"{LedgerEntry.objects.count()} entries."
        )
