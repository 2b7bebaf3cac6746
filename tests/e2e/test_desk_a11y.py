"""The adjuster's desk is usable with a screen reader and a keyboard: no critical or serious
axe-core violations on the claim list, the claim page and the start page (issue 15)."""

from __future__ import annotations

import pytest

from tests.e2e.admin_login import admin_login
from tests.e2e.axe import axe_violations, describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
