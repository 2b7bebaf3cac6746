"""The claim workflow's rules about vendors, registered with ``claims.services.transition_rules``
(``VendorsConfig.ready``): a claim enters mitigation only with a vendor job, and leaves it only
when every job is done; the open jobs end with the claim."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import TransitionConflict
from claims.models import Claim, ClaimState
from config.audit import audit_record

from .models import DEAD_STATES, DONE_STATES


def claim_transition_check(*, claim: Claim, transition: str) -> None:
    """Raise TransitionConflict (409) if the vendor jobs do not allow ``transition``."""
    jobs = claim.vendor_jobs.all()
    if transition == "start_mitigation" and not jobs.exclude(state__in=DEAD_STATES).exists():
        raise TransitionConflict(
            _("Mitigation needs at least one vendor job: commission a vendor first.")
        )
    if transition == "start_settlement" and claim.state == ClaimState.MITIGATION:
        unfinished = jobs.exclude(state__in=DONE_STATES).select_related("organisation",
                                                                         "service")
        if unfinished:
            names = ", ".join(f"{job.service} by {job.organisation} ({job.get_state_display()})"
                              for job in unfinished)
            raise TransitionConflict(
                _("The claim leaves mitigation only when its vendor jobs are done or "
                  "cancelled; still open: %(names)s.") % {
                    "names": names}
            )


# Transitions that end the claim's need for vendors: their open jobs are cancelled.
ENDING_TRANSITIONS = {"withdraw": "withdrawn", "deny": "denied", "close": "closed"}


def claim_jobs_cancel(*, claim: Claim, transition: str, by, now=None) -> list:
    """Cancel the open vendor jobs of a claim that was withdrawn, denied or closed, each audited
    and its vendor told (after commit). Runs inside the claim transition's transaction."""
    if transition not in ENDING_TRANSITIONS:
        return []
    from .models import OPEN_STATES
    from .services.common import notify_vendor

    reason = f"The claim was {ENDING_TRANSITIONS[transition]}."
    cancelled = []
    for job in claim.vendor_jobs.select_for_update().filter(state__in=OPEN_STATES).order_by("pk"):
        from_state = job.state
        job.cancel()
        job.cancel_reason = reason
        job.closed_at = now or timezone.now()
        job.save()
        audit_record(
            actor=by, action="vendor_job.cancel", obj=job, from_value=from_state,
            to_value=job.state, reason=reason,
            payload={"organisation": job.organisation.name, "service": job.service.code,
                     "claim_transition": transition},
            claim_id=claim.pk,
        )
        notify_vendor(job, lambda: _("job cancelled"),
                      lambda: _("The job was cancelled: %(reason)s\n") % {"reason": reason})
        cancelled.append(job)
    return cancelled
