"""Celery tasks of the money app; each calls the service it is named after and is idempotent.

Late acknowledgement and ``reject_on_worker_lost``: a worker killed in the middle of a payment
leaves the message unacknowledged, Redis delivers it again, and the service pays exactly once.
"""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from claims.exceptions import ClaimsError
from claims.money.models import Settlement
from claims.money.services import payment_execute, payments_sweep, settlement_approve
from config.statements import Prepared, pipeline


@shared_task(
    name="money.payment_execute", acks_late=True, reject_on_worker_lost=True,
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5,
)
def payment_execute_task(payment_id: int) -> str:
    payment = payment_execute(payment_id=payment_id)
    return payment.status if payment is not None else "missing"


@shared_task(name="money.payments_sweep")
def payments_sweep_task() -> int:
    """Periodic (beat): enqueue again payments whose task was lost or never sent."""
    return payments_sweep()


# A bulk approval's two reads, compiled once per worker connection (config.statements).
_SETTLEMENT = Prepared(lambda p: Settlement.objects.filter(pk=p.int("pk")))
_USER = Prepared(lambda p: get_user_model().objects.filter(pk=p.int32("pk")))


def approval_reads(*, settlement_id: int, user_id: int):
    """The settlement to approve and the approver, as ``Settlement.objects.get`` and
    ``User.objects.get`` give them (DoesNotExist if either is gone), in one round trip."""
    with pipeline():
        settlement_read = _SETTLEMENT.send(pk=settlement_id)
        user_read = _USER.send(pk=user_id)
        settlements, users = settlement_read(), user_read()
    if not settlements:
        raise Settlement.DoesNotExist(f"Settlement {settlement_id} does not exist.")
    if not users:
        raise get_user_model().DoesNotExist(f"User {user_id} does not exist.")
    return settlements[0], users[0]


@shared_task(
    name="money.settlement_approve", acks_late=True, reject_on_worker_lost=True,
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5,
)
def settlement_approve_task(settlement_id: int, user_id: int) -> str:
    """Approve a settlement in a worker (bulk approvals, the benchmark). An already decided
    settlement is reported, not approved twice."""
    settlement, user = approval_reads(settlement_id=settlement_id, user_id=user_id)
    try:
        return settlement_approve(settlement=settlement, by=user).state
    except ClaimsError as error:
        return f"not approved: {error.message}"


@shared_task(
    name="money.settlements_approve", acks_late=True, reject_on_worker_lost=True,
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5,
)
def settlements_approve_task(settlement_ids: list[int], user_id: int) -> dict[str, str]:
    """A bulk approval's share (``settlements_approve_in_background``): each settlement approved
    in its own transaction; one that cannot be (decided meanwhile, above the approver's
    authority, a ransom without agreement) is reported and the others go on. Run again after a
    failure, the settlements already decided are reported, not approved twice."""
    try:
        user = _USER.get(pk=user_id)  # once: each approval reads the approver's authority anew
    except get_user_model().DoesNotExist as error:
        return {str(settlement_id): f"not approved: {error}" for settlement_id in settlement_ids}
    outcome = {}
    for settlement_id in settlement_ids:
        try:
            settlement = _SETTLEMENT.get(pk=settlement_id)
            outcome[str(settlement_id)] = settlement_approve(settlement=settlement,
                                                             by=user).state
        except ClaimsError as error:
            outcome[str(settlement_id)] = f"not approved: {error.message}"
        except Settlement.DoesNotExist as error:
            outcome[str(settlement_id)] = f"not approved: {error}"
    return outcome
