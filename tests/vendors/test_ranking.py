"""The vendors the system proposes for a service on a claim, best first."""

from __future__ import annotations

from claims.vendors.selectors import vendors_propose
from tests.factories import make_job, make_org, service


def _names(claim, code="forensics", **kwargs):
    return [p.organisation.name for p in vendors_propose(claim=claim, service=service(code),
                                                         **kwargs)]


def _augsburg(claim):
    holder = claim.policy.policyholder
    holder.postcode = "86150"
    holder.save()
    return claim


def test_ranking_region_then_panel_then_load_then_name(claim):
    _augsburg(claim)
    make_org("Z Regional Panel", regions=["86"], nationwide=False, panel=True)
    make_org("Nationwide Panel Busy", panel=True)
    make_org("Nationwide Panel Idle", panel=True)
    make_org("A Nationwide Off Panel")
    make_org("Hamburg Only", regions=["2"], nationwide=False, panel=True)
    make_org("Lawyers Only", "lawyers", panel=True)
    make_org("Inactive Panel", panel=True, active=False)
    busy = make_org("Nationwide Panel Busy 2", panel=True)
    make_job(claim, busy)
    make_job(claim, busy, state="in_progress")
    done = make_org("Nationwide Panel Done Jobs", panel=True)
    make_job(claim, done, state="completed")
    make_job(claim, done, state="cancelled")
    assert _names(claim) == [
        "Z Regional Panel",              # serves the postcode
        "Nationwide Panel Busy",         # panel, 0 open jobs, then by name
        "Nationwide Panel Done Jobs",    # finished jobs are no load
        "Nationwide Panel Idle",
        "Nationwide Panel Busy 2",       # 2 open jobs
        "A Nationwide Off Panel",        # not on the panel
    ]


def test_emergency_puts_24_7_vendors_first(claim):
    _augsburg(claim)
    claim.emergency = True
    make_org("Regional Panel Office Hours", regions=["8"], nationwide=False, panel=True)
    make_org("Nationwide Off Panel 24/7", available_24_7=True)
    make_org("Nationwide Panel 24/7", available_24_7=True, panel=True)
    assert _names(claim) == ["Nationwide Panel 24/7", "Nationwide Off Panel 24/7",
                             "Regional Panel Office Hours"]
    claim.emergency = False
    assert _names(claim)[0] == "Regional Panel Office Hours"


def test_excluded_organisations_are_not_proposed_and_unknown_postcode_keeps_all(claim):
    first = make_org("First", panel=True)
    make_org("Second")
    make_org("Regional", regions=["1"], nationwide=False)
    assert _names(claim) == ["First", "Second", "Regional"]  # no postcode: nobody ruled out
    assert _names(claim, exclude_ids={first.pk}) == ["Second", "Regional"]


def test_the_proposal_explains_itself(claim):
    _augsburg(claim)
    make_org("Regional", regions=["86"], nationwide=False, panel=True, available_24_7=True)
    [proposal] = vendors_propose(claim=claim, service=service("forensics"))
    assert proposal.reasons == "serves the region, 24/7, panel, 0 open jobs"
