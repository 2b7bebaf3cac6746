"""Done when (issue 15): an adjuster works an IT-liability claim from report to payment in at
most 8 clicks after login, and a team lead approves a larger one from the queue; screenshots at
1366 and 1920 px."""

from __future__ import annotations

import pytest

from claims.models import Claim, ClaimState
from claims.money.models import Payment, Settlement
from claims.money.services import payment_execute
from coverage.models import CostCategory
from tests.e2e.admin_login import admin_login
from tests.factories import (
    PolicyholderFactory,
    UserFactory,
    make_adjuster,
    make_policy,
    make_team_lead,
    report,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Clicks:
    """Counts the user's clicks (page.click / locator.click made through it)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def button(self, name):
        self.count += 1
        self.page.get_by_role("button", name=name, exact=True).click()

    def link(self, name):
        self.count += 1
        self.page.get_by_role("link", name=name, exact=True).first.click()

    def save(self):
        self.count += 1
        self.page.locator("#content input[type=submit].default").click()


@pytest.fixture
def itl_claims():
    lead = make_team_lead("lead")
    make_adjuster("adjuster", team_lead=lead)  # approval limit 10,000.00
    holder_user = UserFactory(username="holder")
    policy = make_policy(holder=PolicyholderFactory(user=holder_user, company_name="Pixel GmbH"),
                         product="it_liability", created_by=lead)
    small = report(policy, holder_user, code="pure_financial_loss",
                   description="Our update stopped the client's shop for a day.")
    return small, policy, holder_user


def _shots(page, artifacts, name):
    for width in (1366, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"desk-{name}-{width}.png"))
    page.set_viewport_size({"width": 1366, "height": 900})


def _work_to_decision(page, clicks, claim, amount):
    clicks.link(claim.number)
    clicks.button("Start liability check")
    clicks.button("Go to settlement")
    clicks.link("Add a cost line")
    damages = CostCategory.objects.get(code="damages")
    page.select_option("#id_category", str(damages.pk))
    page.fill("#id_amount", amount)
    clicks.save()
    clicks.link("Propose a settlement")
    clicks.save()  # proposed: the decide page opens with "approve" chosen


def test_an_adjuster_pays_an_itl_claim_in_8_clicks_and_a_team_lead_approves_from_the_queue(
    live_server, page, artifacts, itl_claims
):
    small, policy, holder_user = itl_claims
    page.set_viewport_size({"width": 1366, "height": 900})
    admin_login(page, live_server, "adjuster", "/admin/claims/claim/?queue=unassigned")
    clicks = Clicks(page)

    _work_to_decision(page, clicks, small, "6000.00")
    assert "How it is calculated" in page.inner_text("#content")
    _shots(page, artifacts, "decide")
    clicks.save()  # approve

    assert clicks.count <= 8, clicks.count
    settlement = Settlement.objects.get(claim=small)
    assert settlement.state == "approved"
    assert "approved" in page.inner_text(".messagelist")
    for payment in Payment.objects.filter(claim=small):
        payment_execute(payment_id=payment.pk)  # the payment worker
    page.reload()
    assert Claim.objects.get(pk=small.pk).state == ClaimState.PAID
    assert "Paid" in page.inner_text("#desk-state")
    _shots(page, artifacts, "claim-paid")

    # A larger one goes above the adjuster's authority to the team lead's queue.
    large = report(policy, holder_user, code="pure_financial_loss",
                   description="A client's webshop was down for a week after our migration.")
    page.goto(f"{live_server.url}/admin/claims/claim/?queue=unassigned")
    _work_to_decision(page, clicks, large, "40000.00")
    clicks.save()
    assert Settlement.objects.get(claim=large).state == "pending_team_lead"
    page.context.clear_cookies()  # sign out

    admin_login(page, live_server, "lead", "/admin/")
    _shots(page, artifacts, "dashboard")
    lead = Clicks(page)
    lead.count += 1
    page.get_by_role("link", name="Waiting for my approval").click()
    assert large.number in page.inner_text("#result_list")
    _shots(page, artifacts, "approval-queue")
    lead.link("Approve or refuse")
    assert "Escalated by" in page.inner_text("#content")
    lead.save()
    assert Settlement.objects.get(claim=large).state == "approved"
    assert lead.count == 3
