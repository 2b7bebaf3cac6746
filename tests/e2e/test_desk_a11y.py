"""The adjuster's desk is usable with a screen reader and a keyboard: no critical or serious
axe-core violations on the claim list, the claim page and the start page (issue 15)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claims.services import claim_report
from tests.claims.factories import (
    PolicyholderFactory,
    UserFactory,
    loss_type,
    make_adjuster,
    make_policy,
    make_team_lead,
)
from tests.e2e.admin_login import admin_login
from tests.e2e.axe import axe_violations, describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def reported_claim():
    lead = make_team_lead("lead")
    make_adjuster("adjuster", team_lead=lead)
    holder_user = UserFactory(username="holder")
    policy = make_policy(holder=PolicyholderFactory(user=holder_user, company_name="Pixel GmbH"),
                         created_by=lead)
    return claim_report(policy=policy, loss_type=loss_type("ransomware"),
                        loss_date=timezone.localdate(), reported_by=holder_user,
                        description="Ransomware encrypted the file server.")


def test_the_claim_page_list_and_start_page_have_no_critical_or_serious_violations(
    live_server, page, artifacts, reported_claim
):
    admin_login(page, live_server, "adjuster")
    for name, path in [
        ("index", "/admin/"),
        ("claim-list", "/admin/claims/claim/"),
        ("claim-page", f"/admin/claims/claim/{reported_claim.pk}/change/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(artifacts / f"desk-a11y-{name}.png"), full_page=True)
        violations = axe_violations(page)
        assert not violations, f"{name}:\n{describe(violations)}"
