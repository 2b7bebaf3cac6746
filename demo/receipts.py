"""Demo data of the asynchronous report (the API's ``Prefer: respond-async``): a report a
policyholder's accounting software sent, received and then registered as a claim, so that the
adjusters' list *Received reports* (admin) shows one with its claim."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from claims.models import ReportReceipt
from claims.services.receipts import report_receipt_register, report_receive
from coverage.models import LossType
from policies.models import Policy

DESCRIPTION = ("Sent by our accounting software's claims interface: the invoicing server "
               "was encrypted overnight, invoices cannot be sent.")


def load(stdout) -> list[tuple[str, str, str]]:
    if ReportReceipt.objects.filter(description=DESCRIPTION).exists():
        return []
    policy = (Policy.objects.filter(product__code="cyber", status=Policy.Status.ACTIVE,
                                    policyholder__user__isnull=False)
              .select_related("policyholder__user").order_by("number").first())
    if policy is None:
        return []
    receipt = report_receive(
        policy=policy, loss_type=LossType.objects.get(code="ransomware"),
        loss_date=timezone.localdate() - timedelta(days=1), description=DESCRIPTION,
        reported_by=policy.policyholder.user,
    )
    claim = report_receipt_register(receipt_id=receipt.pk)  # the worker's half, at once
    if claim is not None:
        stdout.write(f"Receipts: a report received through the API became claim {claim.number}.")
    return []
