"""What every job action shares: the state and role checks, one durable transaction with its
audit row, and the emails after commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django_fsm import ConcurrentTransition, can_proceed

from claims.exceptions import PermissionDeniedError, TransitionConflict
from claims.notifications import email_after_commit
from claims.selectors import adjusters
from claims.services.tx import batch, business_action
from config.audit import audit_record

from ..models import JobState, VendorJob, is_job_vendor

CONDITION_MESSAGES = {
    "start_work": "A vendor who is not on the panel needs the adjuster's approval of the quote "
                  "before work starts.",
    "complete": "Upload the final report before completing the job.",
    "approve_overrun": "The invoice is within the tolerance or already approved.",
    "accept_for_payment": "The invoice exceeds the approved estimate by more than the "
                          "tolerance: approve it with a reason first.",
}


def transition_label(name: str) -> str:
    method = getattr(VendorJob, name)
    first = next(iter(method._django_fsm.transitions.values()))
    return first.custom.get("label", name)


def check_transition(job: VendorJob, transition: str, by, *, system: bool = False) -> None:
    """409 for a wrong state or an unmet condition, 403 for a wrong role."""
    method = getattr(job, transition)
    label = transition_label(transition)
    state = JobState(job.state).label.lower()
    if not can_proceed(method, check_conditions=False):
        raise TransitionConflict(f"'{label}' is not possible: the job is {state}.")
    if not system and not method._django_fsm.has_transition_perm(job, job.state, by):
        raise PermissionDeniedError(f"You are not allowed to '{label}' this job.")
    if not can_proceed(method):
        raise TransitionConflict(
            CONDITION_MESSAGES.get(transition, f"'{label}' is not possible for this job.")
        )


def require_vendor(job: VendorJob, by, what: str) -> None:
    if not is_job_vendor(job, by):
        raise PermissionDeniedError(f"Only the vendor of this job can {what}.")


@contextmanager
def job_action(
    *, job: VendorJob, transition: str | None, by, action: str = "", reason: str = "",
    payload: dict | None = None, system: bool = False,
) -> Iterator[dict]:
    """Run ``transition`` on ``job`` (or none) in one durable transaction. The block may set
    fields on the job and put more audit detail into the yielded dict; the job is then saved
    (optimistic lock on its state) and audited. A concurrent change becomes a 409."""
    if transition:
        check_transition(job, transition, by, system=system)
    from_state = job.state
    details: dict = dict(payload or {})
    try:
        with business_action():
            if transition:
                getattr(job, transition)()
            yield details
            job.save()
            audit_record(
                actor=by, action=action or f"vendor_job.{transition}", obj=job,
                from_value=from_state, to_value=job.state, reason=reason,
                payload={"organisation": job.organisation.name, "service": job.service.code,
                         **details},
                claim_id=job.claim_id,
            )
    except ConcurrentTransition as error:
        job.refresh_from_db()
        raise TransitionConflict(
            "The job was changed by someone else meanwhile; reload it and try again."
        ) from error
    except BaseException:
        if job.pk:
            job.refresh_from_db()
        raise


def adjuster_emails(job: VendorJob) -> list[str]:
    """The claim's adjuster; every adjuster while none is assigned."""
    assigned = job.claim.assigned_adjuster
    if assigned is not None:
        return [assigned.email]
    return [user.email for user in adjusters()]


def vendor_emails(job: VendorJob) -> list[str]:
    organisation = job.organisation
    members = organisation.memberships.filter(user__is_active=True).values_list(
        "user__email", flat=True)
    return [organisation.contact_email, *members]


def notify_adjuster(job: VendorJob, subject: str, body: str) -> None:
    email_after_commit(subject=f"Claim {job.claim.number}: {subject}", body=body,
                       recipients=adjuster_emails(job))


def notify_policyholder(job: VendorJob, subject: str, body: str) -> None:
    holder = job.claim.policy.policyholder
    email_after_commit(subject=f"Your claim {job.claim.number}: {subject}", body=body,
                       recipients=[holder.email])


def notify_vendor(job: VendorJob, subject: str, body: str) -> None:
    email_after_commit(subject=f"Job {job.pk} (claim {job.claim.number}): {subject}", body=body,
                       recipients=vendor_emails(job))


@contextmanager
def composite_action() -> Iterator[None]:
    """One durable transaction around several business actions (e.g. escalate a job and request
    the next one): the actions inside join it instead of opening their own."""
    with business_action(), batch():
        yield
