"""An ordinary report received asynchronously (the API's ``Prefer: respond-async``).

The request makes the report service's checks (who may report, what a report must hold) and
stores one ``ReportReceipt`` row: cheap, never waiting on the claim-number lock. A
policyholder's report that passes them all is stored by one statement that makes the checks
needing the policy and the loss type itself (``report_receive_if_valid``). The periodic
task ``claims.report_receipts_register`` (beat, every few seconds) registers what was received
through ``claim_report`` (the shared core: ``claims.services.registrar``); without a broker (tasks
eager, the development server) a receipt is registered right after its commit. A report the rules
refuse by then is marked failed, audited, and the policyholder is told by email.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from claims import notifications
from claims.exceptions import ClaimsError, ClaimValidationError
from claims.models import Claim, ReportReceipt
from claims.services.registrar import ReportRegistrar
from claims.services.report import claim_report, claim_report_check, claim_report_validate
from claims.services.tx import business_action
from config.rows import RowBatch
from coverage.models import LossType
from coverage.money import money
from policies.models import Policy


def report_receive(
    *, policy: Policy, loss_type, loss_date: date, description: str, reported_by,
    emergency: bool = False, estimated_amount: Decimal | None = None, claimant_name: str = "",
    claimant_email: str = "", claimant_address: str = "", composed: bool = False,
) -> ReportReceipt:
    """Receive a report to be registered moments later: ``claim_report``'s arguments and
    checks, one row written. ``composed=True``: a step of the caller's transaction."""
    estimate = money(estimated_amount) if estimated_amount is not None else None
    claim_report_check(
        policy=policy, reported_by=reported_by, loss_type=loss_type, loss_date=loss_date,
        description=description, estimated_amount=estimate, claimant_name=claimant_name,
        claimant_email=claimant_email, claimant_address=claimant_address,
        today=timezone.localdate(),
    )
    with business_action(composed=composed):
        receipt = _receipt(
            reported_by=reported_by, policy=policy, loss_type=loss_type, loss_date=loss_date,
            description=description, emergency=emergency, estimated_amount=estimate,
            claimant_name=claimant_name, claimant_email=claimant_email,
            claimant_address=claimant_address,
        )
        rows = RowBatch()  # the INSERT built once per process (no signal receivers)
        rows.insert(receipt)
        rows.write()
        _received(receipt)
    return receipt


def _receipt(*, description: str, claimant_name: str, claimant_email: str,
             claimant_address: str, **fields) -> ReportReceipt:
    """A new receipt, its texts stripped as ``claim_report`` strips them."""
    return ReportReceipt(description=description.strip(), claimant_name=claimant_name.strip(),
                         claimant_email=claimant_email.strip(),
                         claimant_address=claimant_address.strip(), **fields)


def _received(receipt: ReportReceipt) -> None:
    """Once ``receipt`` is written: without a worker and beat (tasks eager) it is registered
    right after the commit."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: report_receipt_register(receipt_id=receipt.pk))


def _receive_sql() -> str:
    """The receipt's INSERT, made only where every check of ``report_receive`` that needs a row
    holds: the policy is one of the holder's reportable (active) ones
    (``claims.portal.selectors.reportable_policies``), the loss type exists and, when it is a
    third party's claim, the claimant is named with an address or email
    (``claim_report_validate``)."""
    receipt, policy, loss_type = (model._meta for model in (ReportReceipt, Policy, LossType))
    columns = ", ".join(receipt.get_field(name).column for name in (
        "reported_by", "policy", "loss_type", "loss_date", "description", "emergency",
        "estimated_amount", "claimant_name", "claimant_email", "claimant_address", "status",
        "error", "received_at"))
    p_id, t_id = policy.pk.column, loss_type.pk.column
    holder, status = (policy.get_field(name).column for name in ("policyholder", "status"))
    code, third_party = (loss_type.get_field(name).column for name in ("code", "third_party"))
    return (
        f'INSERT INTO "{receipt.db_table}" ({columns}) '
        f'SELECT %(user)s, p."{p_id}", t."{t_id}", %(loss_date)s, %(description)s, '
        f"%(emergency)s, %(estimate)s, %(claimant_name)s, %(claimant_email)s, "
        f"%(claimant_address)s, %(status)s, '', %(now)s "
        f'FROM "{policy.db_table}" p JOIN "{loss_type.db_table}" t ON t."{code}" = %(code)s '
        f'WHERE p."{p_id}" = %(policy)s AND p."{holder}" = %(holder)s '
        f'AND p."{status}" = %(active)s AND (NOT t."{third_party}" OR %(claimant_given)s) '
        f'RETURNING "{receipt.pk.column}", "{receipt.get_field("loss_type").column}"'
    )


# A loss type for the checks that do not depend on it (the third party's is the SQL's).
_ANY_LOSS_TYPE = LossType(third_party=False)


def report_receive_if_valid(
    *, holder, reported_by, policy: int, loss_type: str, loss_date: date, description: str,
    emergency: bool = False, estimated_amount: Decimal | None = None, claimant_name: str = "",
    claimant_email: str = "", claimant_address: str = "",
) -> ReportReceipt | None:
    """``report_receive`` for a policyholder's report that passes every check, in one statement
    and without reading the policy or the loss type first: ``policy`` and ``loss_type`` are the
    id and code the report names. None when a check fails (nothing is written): the caller then
    goes through ``report_receive``, whose checks say what is wrong. One INSERT, atomic by
    itself; part of the caller's transaction when it has one."""
    estimate = money(estimated_amount) if estimated_amount is not None else None
    try:
        claim_report_validate(
            loss_type=_ANY_LOSS_TYPE, loss_date=loss_date, description=description,
            estimated_amount=estimate, claimant_name=claimant_name,
            claimant_email=claimant_email, claimant_address=claimant_address,
            today=timezone.localdate(),
        )
    except ClaimValidationError:
        return None
    receipt = _receipt(
        reported_by=reported_by, policy_id=policy, loss_date=loss_date, description=description,
        emergency=emergency, estimated_amount=estimate, claimant_name=claimant_name,
        claimant_email=claimant_email, claimant_address=claimant_address,
    )
    with connection.cursor() as cursor:
        cursor.execute(_RECEIVE_SQL, {
            "user": reported_by.pk, "loss_date": loss_date, "description": receipt.description,
            "emergency": emergency, "estimate": estimate, "claimant_name": receipt.claimant_name,
            "claimant_email": receipt.claimant_email,
            "claimant_address": receipt.claimant_address, "status": receipt.status,
            "claimant_given": bool(receipt.claimant_name and (
                receipt.claimant_email or receipt.claimant_address)),
            "now": receipt.received_at, "code": loss_type, "policy": policy,
            "holder": holder.pk, "active": Policy.Status.ACTIVE,
        })
        row = cursor.fetchone()
    if row is None:
        return None
    receipt.pk, receipt.loss_type_id = row
    receipt._state.adding = False
    _received(receipt)
    return receipt


_RECEIVE_SQL = _receive_sql()


class _Receipts(ReportRegistrar):
    """Ordinary reports: reported as if sent at the moment they were received."""

    def report(self, report: ReportReceipt) -> Claim:
        return claim_report(
            policy=report.policy, loss_type=report.loss_type, loss_date=report.loss_date,
            description=report.description, reported_by=report.reported_by,
            emergency=report.emergency, estimated_amount=report.estimated_amount,
            claimant_name=report.claimant_name, claimant_email=report.claimant_email,
            claimant_address=report.claimant_address, now=report.received_at, composed=True,
        )

    def refused(self, report: ReportReceipt, error: ClaimsError, rows: RowBatch) -> None:
        notifications.report_receipt_refused(receipt=report, reason=error.message, rows=rows)


RECEIPTS = _Receipts(model=ReportReceipt, related=("reported_by__policyholder",))


def report_receipt_register(*, receipt_id: int) -> Claim | None:
    """The worker's half for one receipt, in its own transaction; its claim (None: absent,
    held by another registrar, or refused and marked failed). Idempotent."""
    return RECEIPTS.register(report_id=receipt_id)


def report_receipts_register(*, limit: int = 2000) -> int:
    """The beat task: register the received receipts, oldest first, in batches; how many
    became claims."""
    return RECEIPTS.register_received(limit=limit)
