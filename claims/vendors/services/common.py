"""What every job action shares: the state and role checks, one durable transaction with its
audit row, and the emails after commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition

from claims.exceptions import PermissionDeniedError, TransitionConflict
from claims.services import fsm
from claims.services.tx import business_action
from config.audit import audit_record

from ..models import VendorJob, is_job_vendor
from ..notifications import (  # noqa: F401 - the job services' emails
    adjuster_emails,
    notify_adjuster,
    notify_policyholder,
    notify_vendor,
    vendor_emails,
)

CONDITION_MESSAGES = {
    "start_work": gettext_lazy("A vendor who is not on the panel needs the adjuster's approval "
                               "of the quote before work starts."),
    "complete": gettext_lazy("Upload the final report before completing the job."),
    "approve_overrun": gettext_lazy("The invoice is within the tolerance or already approved."),
    "accept_for_payment": gettext_lazy("The invoice exceeds the approved estimate by more than "
                                       "the tolerance: approve it with a reason first."),
}


def transition_label(name: str) -> str:
    return fsm.transition_label(VendorJob, name)


def check_transition(job: VendorJob, transition: str, by, *, system: bool = False) -> None:
    """409 for a wrong state or an unmet condition, 403 for a wrong role."""
    fsm.transition_check(job, transition, by, noun="job",
                         condition_messages=CONDITION_MESSAGES, system=system)


def require_vendor(job: VendorJob, by, what: str) -> None:
    if not is_job_vendor(job, by):
        raise PermissionDeniedError(_("Only the vendor of this job can %(what)s.") % {
                                        "what": what})


@contextmanager
def job_action(
    *, job: VendorJob, transition: str | None, by, action: str = "", reason: str = "",
    payload: dict | None = None, system: bool = False, composed: bool = False,
) -> Iterator[dict]:
    """Run ``transition`` on ``job`` (or none) in one durable transaction. The block may set
    fields on the job and put more audit detail into the yielded dict; the job is then saved
    (optimistic lock on its state) and audited. A concurrent change becomes a 409.
    ``composed=True``: a step of the caller's transaction (e.g. escalate a job and request the
    next one, both or neither)."""
    if transition:
        check_transition(job, transition, by, system=system)
    from_state = job.state
    details: dict = dict(payload or {})
    try:
        with business_action(composed=composed):
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
            _("The job was changed by someone else meanwhile; reload it and try again.")
        ) from error
    except BaseException:
        if job.pk:
            job.refresh_from_db()
        raise

