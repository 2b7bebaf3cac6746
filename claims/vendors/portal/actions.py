"""Which vendor actions a job offers now (the portal's buttons and the API's ``actions``)."""

from __future__ import annotations

from ..models import JobState, VendorJob, consent_given, has_report

J = JobState


def vendor_actions_available(job: VendorJob) -> list[str]:
    state = job.state
    actions = []
    if state == J.REQUESTED:
        actions += ["accept", "decline"]
    if state in (J.ACCEPTED, J.QUOTED):
        actions.append("quote")
    if state == J.IN_PROGRESS or (state in (J.ACCEPTED, J.QUOTED, J.APPROVED)
                                  and consent_given(job)):
        actions.append("progress")
    if state == J.IN_PROGRESS:
        actions.append("report")
        if has_report(job):
            actions.append("complete")
    if state == J.COMPLETED:
        actions.append("invoice")
    return actions
