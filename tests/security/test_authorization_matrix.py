"""The authorization matrix: every URL pattern of the resolver, every method, every role.

Each route is requested with seeded objects of policyholder A and vendor X (claim A, policy A,
job X...), so policyholder B and vendor Y probe someone else's rows. Writes are sent with an empty
body: a role that passes the authorization checks gets the validation error (400) or the state
conflict (409), which proves the door was open without changing anything worth checking here;
the happy paths are in tests/api. HEAD and OPTIONS are not enumerated (HEAD follows GET; OPTIONS
is DRF's metadata).

A pattern missing from ``EXPECTED`` fails the test naming it, so a new endpoint cannot ship
without its row in the matrix.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import get_resolver, reverse

from tests.api.seed import ROLES, make_seed
from tests.security.routes import checked_routes

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ANON, A, B, X, Y, ADJ, LEAD, ADMIN = ROLES


def row(default: int, **statuses: int) -> dict[str, int]:
    return {role: statuses.get(role, default) for role in ROLES}


def holder_api(a: int, b: int | None = None) -> dict[str, int]:
    """Policyholder endpoints: anonymous 401, other roles 403, B on A's object ``b``."""
    return row(403, anonymous=401, holder_a=a, holder_b=a if b is None else b)


def adjuster_api(status: int) -> dict[str, int]:
    return row(403, anonymous=401, adjuster=status, team_lead=status)


def vendor_api(x: int, y: int | None = None) -> dict[str, int]:
    return row(403, anonymous=401, vendor_x=x, vendor_y=x if y is None else y)


def portal(a: int, b: int | None = None) -> dict[str, int]:
    """Portal pages: anonymous to the login page, no policyholder record 404."""
    return row(404, anonymous=302, holder_a=a, holder_b=a if b is None else b)


def vendor_portal(x: int, y: int | None = None) -> dict[str, int]:
    return row(403, anonymous=302, vendor_x=x, vendor_y=x if y is None else y)


def claim_a(seed):
    return {"pk": seed.claim_a.pk}


def job_x(seed):
    return {"pk": seed.job_x.pk}


def privacy_admin(status: int) -> dict[str, int]:
    return row(403, anonymous=401, admin=status)


def may_hold(status: int) -> dict[str, int]:
    return row(403, anonymous=401, adjuster=status, team_lead=status, admin=status)


def export_a(seed):
    from privacy.services import data_export_request

    holder = seed.claim_a.policy.policyholder
    return {"pk": data_export_request(by=holder.user, subject_kind="policyholder",
                                      policyholder=holder).pk}


def erasure_a(seed):
    from privacy.services import erasure_request_record

    holder = seed.claim_a.policy.policyholder
    return {"pk": erasure_request_record(by=holder.user, subject_kind="policyholder",
                                         policyholder=holder).pk}


def hold_a(seed):
    from privacy.services import legal_hold_place

    return {"pk": legal_hold_place(claim=seed.claim_a, reason="Lawsuit",
                                   by=seed.users["adjuster"]).pk}


def receipt_a(seed):
    """A report policyholder A sent with ``Prefer: respond-async`` (still received)."""
    from claims.services import report_receive

    claim = seed.claim_a
    return {"pk": report_receive(policy=claim.policy, loss_type=claim.loss_type,
                                 loss_date=claim.loss_date, description="Received only.",
                                 reported_by=seed.users["holder_a"]).pk}


def no_event(seed):
    return {"pk": 999999}


def policy_a(seed):
    return {"pk": seed.policy_a.pk}


# Cyber events (claims.events): an absent event is a 404 for the roles that may ask at all.
EVENT_ROUTES = {
    "events_api:events": ("api", None, {"GET": adjuster_api(200), "POST": adjuster_api(400)}),
    "events_api:event": ("api", no_event, {"GET": adjuster_api(404),
                                           "PATCH": adjuster_api(404)}),
    "events_api:event-close": ("api", no_event, {"POST": adjuster_api(404)}),
    "events_api:event-claims": ("api", no_event, {"GET": adjuster_api(404),
                                                  "POST": adjuster_api(404)}),
    "events_api:event-claim-unlink": (
        "api", lambda s: {"pk": 999999, "claim_pk": s.claim_a.pk}, {"POST": adjuster_api(404)}),
    "events_api:event-suggestions": ("api", no_event, {"GET": adjuster_api(404),
                                                       "POST": adjuster_api(404)}),
    "events_api:event-suggestion-decide": (
        "api", lambda s: {"pk": 999999, "suggestion_pk": 1, "decision": "confirm"},
        {"POST": adjuster_api(404)}),
    "events_api:event-bulk": ("api", lambda s: {"pk": 999999, "action": "note"},
                              {"POST": adjuster_api(404)}),
    "events_api:event-dashboard": ("api", no_event, {"GET": adjuster_api(404)}),
    "events_api:vendor-capacity": (
        "api", lambda s: {"organisation_pk": s.job_x.organisation_id},
        {"PUT": adjuster_api(400)}),
    "events_api:policy-dependencies": ("api", policy_a, {"GET": adjuster_api(200),
                                                         "PUT": adjuster_api(400)}),
    "events_api:my-events": ("api", None, {"GET": holder_api(200)}),
    "events_api:my-event-report": ("api", no_event, {"POST": holder_api(404)}),
    "events_api:my-event-report-detail": ("api", no_event, {"GET": holder_api(404)}),
    "events_api:my-policy-dependencies": ("api", policy_a, {"GET": holder_api(200, 404),
                                                            "PUT": holder_api(400, 404)}),
    "events_portal:report": ("page", no_event, {"GET": portal(404), "POST": portal(404)}),
    "events_portal:received": ("page", no_event, {"GET": portal(404)}),
    "events_portal:dependencies": ("page", policy_a, {"GET": portal(200, 404),
                                                      "POST": portal(302, 404)}),
}


# name -> (kind, kwargs, {method: {role: status}}). Kind "api": authentication and permission
# come before the method check (a method not listed: 401/403 as for the first listed method,
# else 405); "page": the method is checked first (405 for everyone); "any": every method alike.
EXPECTED = {
    "home": ("any", None, {"*": row(302)}),
    "healthz": ("any", None, {"*": row(200)}),
    "two_factor": ("page", None, {
        "GET": row(302, adjuster=200, team_lead=200, admin=200),
        "POST": row(302, adjuster=200, team_lead=200, admin=200)}),
    "api_tokens": ("page", None, {"GET": row(200, anonymous=302),
                                  "POST": row(404, anonymous=302)}),
    # the language switcher: anyone may choose a language (the cookie; a user's choice is kept)
    "set_language": ("page", None, {"POST": row(302)}),
    # --- the API: schema, token ------------------------------------------------------------
    "api:schema": ("api", None, {"GET": row(200, anonymous=401)}),
    "api:docs": ("api", None, {"GET": row(200, anonymous=401)}),
    "api:token": ("api", None, {"POST": row(400)}),
    "api:whoami": ("api", None, {"GET": row(200, anonymous=401)}),
    "api:my-language": ("api", None, {"GET": row(200, anonymous=401),
                                      "PUT": row(400, anonymous=401)}),
    "api:tokens": ("api", None, {"GET": row(200, anonymous=401)}),
    "api:token-revoke": ("api", lambda s: {"token_id": "absent"},
                         {"DELETE": row(404, anonymous=401)}),
    # --- policyholders ---------------------------------------------------------------------
    "api:my-policies": ("api", None, {"GET": holder_api(200)}),
    "api:my-policy": ("api", lambda s: {"pk": s.policy_a.pk}, {"GET": holder_api(200, 404)}),
    "api:my-claims": ("api", None, {"GET": holder_api(200), "POST": holder_api(400)}),
    "api:my-claim": ("api", claim_a, {"GET": holder_api(200, 404)}),
    "api:my-reports": ("api", None, {"GET": holder_api(200)}),
    "api:my-report": ("api", receipt_a, {"GET": holder_api(200, 404)}),
    "api:my-claim-withdraw": ("api", claim_a, {"POST": holder_api(400, 404)}),
    "api:my-questions": ("api", claim_a, {"GET": holder_api(200, 404)}),
    "api:my-question-answer": (
        "api", lambda s: {"pk": s.claim_a.pk, "request_pk": s.question_a.pk},
        {"POST": holder_api(400, 404)},
    ),
    "api:my-documents": ("api", claim_a, {"GET": holder_api(200, 404),
                                          "POST": holder_api(400, 404)}),
    "api:my-document-download": (
        "api", lambda s: {"pk": s.claim_a.pk, "document_pk": s.document_a.pk},
        {"GET": holder_api(200, 404)},
    ),
    # --- adjusters -------------------------------------------------------------------------
    "api:claims": ("api", None, {"GET": adjuster_api(200)}),
    "api:claim": ("api", claim_a, {"GET": adjuster_api(200)}),
    "api:claim-transition": (
        "api", lambda s: {"pk": s.claim_a.pk, "transition": "deny"},
        {"POST": adjuster_api(400)},
    ),
    "api:claim-vendor-jobs": ("api", claim_a, {"GET": adjuster_api(200),
                                               "POST": adjuster_api(400)}),
    "api:claim-cost-lines": ("api", claim_a, {"GET": adjuster_api(200),
                                              "POST": adjuster_api(400)}),
    "api:claim-reserves": ("api", claim_a, {"GET": adjuster_api(200),
                                            "POST": adjuster_api(400)}),
    "api:claim-settlement-preview": ("api", claim_a, {"GET": adjuster_api(200)}),
    "api:claim-settlements": ("api", claim_a, {"GET": adjuster_api(200),
                                               "POST": adjuster_api(409)}),
    "api:claim-settlement-approve": (
        "api", lambda s: {"pk": s.claim_a.pk, "settlement_pk": 999999},
        {"POST": adjuster_api(404)},
    ),
    "api:claim-settlement-refuse": (
        "api", lambda s: {"pk": s.claim_a.pk, "settlement_pk": 999999},
        {"POST": adjuster_api(404)},
    ),
    "api:claim-settlement-payments": (
        "api", lambda s: {"pk": s.claim_a.pk, "settlement_pk": 999999},
        {"GET": adjuster_api(404)},
    ),
    "api:claim-payments": ("api", claim_a, {"GET": adjuster_api(200)}),
    "api:claim-deductible-owed": ("api", claim_a, {"GET": adjuster_api(200),
                                                   "POST": adjuster_api(400)}),
    "api:claim-interruption-assessments": ("api", claim_a, {"GET": adjuster_api(200),
                                                            "POST": adjuster_api(400)}),
    "api:claim-ransom-agreements": ("api", claim_a, {"GET": adjuster_api(200),
                                                     "POST": adjuster_api(400)}),
    "api:claim-security-proof-decisions": ("api", claim_a, {"GET": adjuster_api(200),
                                                            "POST": adjuster_api(400)}),
    "api:authority-levels": ("api", None, {"GET": adjuster_api(200)}),
    "api:desk": ("api", None, {"GET": adjuster_api(200)}),
    "api:settlements-awaiting-approval": ("api", None, {"GET": adjuster_api(200)}),
    "api:settlements-approve": ("api", None, {"POST": adjuster_api(400)}),
    # claim financials (issue 14)
    "api:claim-financials": ("api", claim_a, {"GET": adjuster_api(200)}),
    "api:claim-recoveries": ("api", claim_a, {"GET": adjuster_api(200),
                                              "POST": adjuster_api(400)}),
    "api:claim-recovery-record": (
        "api", lambda s: {"pk": s.claim_a.pk, "recovery_pk": 999999},
        {"POST": adjuster_api(404)},
    ),
    "api:claim-payment-void": (
        "api", lambda s: {"pk": s.claim_a.pk, "payment_pk": 999999},
        {"POST": adjuster_api(404)},
    ),
    "api:policy-financials": ("api", lambda s: {"pk": s.policy_a.pk},
                              {"GET": adjuster_api(200)}),
    "api:export-bordereau": ("api", None, {"GET": adjuster_api(400)}),
    "api:export-loss-run": ("api", None, {"GET": adjuster_api(400)}),
    "api:premium-quote": ("api", None, {"POST": row(400, anonymous=401)}),
    "api:vendor-job": ("api", job_x, {"GET": adjuster_api(200)}),
    "api:vendor-job-approve-quote": ("api", job_x, {"POST": adjuster_api(409)}),
    "api:vendor-job-reject-quote": ("api", job_x, {"POST": adjuster_api(400)}),
    "api:vendor-job-accept-invoice": ("api", job_x, {"POST": adjuster_api(409)}),
    "api:vendor-job-reject-invoice": ("api", job_x, {"POST": adjuster_api(400)}),
    "api:vendor-job-cancel": ("api", job_x, {"POST": adjuster_api(400)}),
    "api:vendor-organisations": ("api", None, {"GET": adjuster_api(200)}),
    "api:vendor-services": ("api", None, {"GET": adjuster_api(200)}),
    "api:policies": ("api", None, {"GET": adjuster_api(200)}),
    "api:policy": ("api", lambda s: {"pk": s.policy_a.pk}, {"GET": adjuster_api(200)}),
    "api:accounts": ("api", None, {"GET": adjuster_api(200)}),
    "api:account": (
        "api", lambda s: {"pk": s.policy_a.sections.first().accounts.first().pk},
        {"GET": adjuster_api(200)},
    ),
    # --- the vendor API --------------------------------------------------------------------
    "vendor_api:job-list": ("api", None, {"GET": vendor_api(200)}),
    "vendor_api:job-detail": ("api", job_x, {"GET": vendor_api(200, 404)}),
    "vendor_api:job-accept": ("api", job_x, {"POST": vendor_api(200, 404)}),
    "vendor_api:job-decline": ("api", job_x, {"POST": vendor_api(400, 404)}),
    "vendor_api:job-quote": ("api", job_x, {"POST": vendor_api(400, 404)}),
    "vendor_api:job-progress": ("api", job_x, {"POST": vendor_api(400, 404)}),
    "vendor_api:job-report": ("api", job_x, {"POST": vendor_api(400, 404)}),
    "vendor_api:job-complete": ("api", job_x, {"POST": vendor_api(409, 404)}),
    "vendor_api:job-invoice": ("api", job_x, {"POST": vendor_api(400, 404)}),
    # --- the vendor portal -----------------------------------------------------------------
    "vendor_portal:jobs": ("page", None, {"GET": vendor_portal(200)}),
    "vendor_portal:job": ("page", job_x, {"GET": vendor_portal(200, 404)}),
    "vendor_portal:job_action": (
        "page", lambda s: {"pk": s.job_x.pk, "action": "accept"},
        {"POST": vendor_portal(302, 404)},
    ),
    # --- the policyholder portal -----------------------------------------------------------
    "portal:home": ("page", None, {"GET": portal(200)}),
    "portal:policy": ("page", lambda s: {"pk": s.policy_a.pk}, {"GET": portal(200, 404)}),
    "portal:report": ("page", None, {"GET": portal(200), "POST": portal(400)}),
    "portal:claim": ("page", claim_a, {"GET": portal(200, 404)}),
    "portal:report_done": ("page", claim_a, {"GET": portal(200, 404)}),
    "portal:answer": (
        "page", lambda s: {"pk": s.claim_a.pk, "request_pk": s.question_a.pk},
        {"POST": portal(400, 404)},
    ),
    "portal:documents_add": ("page", claim_a, {"POST": portal(400, 404)}),
    "portal:document": (
        "page", lambda s: {"pk": s.claim_a.pk, "document_pk": s.document_a.pk},
        {"GET": portal(200, 404)},
    ),
    "portal:message": ("page", claim_a, {"POST": portal(400, 404)}),
    "portal:withdraw": ("page", claim_a, {"POST": portal(400, 404)}),
    # --- data protection -------------------------------------------------------------------
    "privacy_api:my-exports": ("api", None, {"GET": holder_api(200), "POST": holder_api(202)}),
    "privacy_api:my-export": ("api", export_a, {"GET": holder_api(200, 404)}),
    "privacy_api:my-export-download": ("api", export_a, {"GET": holder_api(409, 404)}),
    "privacy_api:my-erasure-requests": ("api", None, {"GET": holder_api(200),
                                                      "POST": holder_api(201)}),
    "privacy_api:exports": ("api", None, {"GET": privacy_admin(200),
                                          "POST": privacy_admin(400)}),
    "privacy_api:export": ("api", export_a, {"GET": privacy_admin(200)}),
    "privacy_api:export-download": ("api", export_a, {"GET": privacy_admin(409)}),
    "privacy_api:erasure-requests": ("api", None, {"GET": privacy_admin(200),
                                                   "POST": privacy_admin(400)}),
    "privacy_api:erasure-request": ("api", erasure_a, {"GET": privacy_admin(200)}),
    "privacy_api:legal-holds": ("api", None, {"GET": may_hold(200), "POST": may_hold(400)}),
    "privacy_api:legal-hold-release": ("api", hold_a, {"POST": may_hold(400)}),
    "privacy_api:access-log": ("api", None, {"GET": privacy_admin(200)}),
    "privacy_api:claim-retention": ("api", claim_a, {"GET": may_hold(200)}),
    "privacy_portal:my_data": ("page", None, {"GET": portal(200)}),
    "privacy_portal:export_request": ("page", None, {"POST": portal(302)}),
    "privacy_portal:export_download": ("page", export_a, {"GET": portal(302, 404)}),
    "privacy_portal:erasure_request": ("page", None, {"POST": portal(400)}),
    **EVENT_ROUTES,
}


def expected_status(kind: str, methods: dict, method: str, role: str) -> int:
    if kind == "any":
        return methods["*"][role]
    if method in methods:
        return methods[method][role]
    if kind == "page":
        return 405
    gate = next(iter(methods.values()))[role]
    return gate if gate in (401, 403) else 405


def test_every_route_of_the_resolver_is_in_the_matrix():
    missing = sorted({f"{name or '(unnamed)'} -> {route}"
                      for name, route in checked_routes(get_resolver())
                      if name not in EXPECTED})
    assert not missing, f"Endpoints missing from the authorization matrix: {missing}"
    stale = sorted(set(EXPECTED) - {name for name, _ in checked_routes(get_resolver())})
    assert not stale, f"Matrix rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_authorization_matrix(name, db):
    kind, kwargs, methods = EXPECTED[name]
    seed = make_seed()
    if name == "healthz":  # a worker is alive, so the health check answers 200 to everyone
        from django.utils import timezone

        from config.models import WorkerHeartbeat

        WorkerHeartbeat.objects.create(hostname="matrix@test", seen_at=timezone.now())
    url = reverse(name, kwargs=kwargs(seed) if kwargs else None)
    wrong = []
    for role in ROLES:
        client = seed.client(role)
        for method in METHODS:
            cache.clear()  # the sign-in limit must not turn a 400 into a 429 here
            response = getattr(client, method.lower())(url, {}, format="json")
            expected = expected_status(kind, methods, method, role)
            if response.status_code != expected:
                wrong.append(f"{method} {url} as {role}: {response.status_code}, "
                             f"expected {expected}")
    assert not wrong, "\n".join(wrong)
