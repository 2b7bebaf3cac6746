"""The adjusters' API: filtered lists, transitions as actions, money through the services."""

from decimal import Decimal

from claims.money.models import CostLine, ReserveChange
from config.models import AuditEntry


def test_claims_filter_by_state_and_search(seed):
    client = seed.client("adjuster")
    states = client.get("/api/claims/", {"state": "liability_check"}).data["results"]
    assert [c["id"] for c in states] == [seed.claim_a.pk]
    found = client.get("/api/claims/", {"search": "Beta Pixel"}).data["results"]
    assert [c["id"] for c in found] == [seed.claim_b.pk]
    assert client.get("/api/claims/", {"state": "nonsense"}).status_code == 400


def test_a_transition_is_applied_and_audited(seed):
    client = seed.client("adjuster")
    url = f"/api/claims/{seed.claim_b.pk}/transitions/start_liability_check/"
    response = client.post(url, {}, format="json")
    assert response.status_code == 200 and response.data["state"] == "liability_check"
    assert AuditEntry.objects.filter(claim_id=seed.claim_b.pk, action="claim.transition",
                                     to_value="liability_check").exists()


def test_a_transition_not_allowed_in_this_state_is_409(seed):
    url = f"/api/claims/{seed.claim_b.pk}/transitions/close/"
    response = seed.client("adjuster").post(url, {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_an_unknown_transition_is_400(seed):
    url = f"/api/claims/{seed.claim_b.pk}/transitions/explode/"
    assert seed.client("team_lead").post(url, {}, format="json").status_code == 400


def test_cost_lines_and_reserves_are_written_with_audit_rows(seed):
    client = seed.client("adjuster")
    base = f"/api/claims/{seed.claim_a.pk}"
    line = client.post(f"{base}/cost-lines/", {"category": _category(seed), "amount": "1500.00",
                                               "payee_kind": "policyholder"}, format="json")
    assert line.status_code == 201, line.content
    reserve = client.post(f"{base}/reserves/", {"kind": "loss", "level": "20000.00",
                                                "reason": "First estimate"}, format="json")
    assert reserve.status_code == 201, reserve.content
    assert CostLine.objects.get(claim=seed.claim_a).amount == Decimal("1500.00")
    assert ReserveChange.objects.get(claim=seed.claim_a).level == Decimal("20000.00")
    actions = set(AuditEntry.objects.filter(claim_id=seed.claim_a.pk).values_list("action",
                                                                                  flat=True))
    assert {"money.cost_line_added", "money.reserve_changed"} <= actions
    preview = client.get(f"{base}/settlement-preview/")
    assert preview.status_code == 200 and preview.data["claimed"] == "1500.00"


def test_a_section_of_another_policy_is_refused(seed):
    other_section = seed.policy_b.sections.first()
    response = seed.client("adjuster").post(
        f"/api/claims/{seed.claim_a.pk}/reserves/",
        {"kind": "loss", "level": "1.00", "reason": "x", "section": other_section.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "section" in response.json()["error"]["fields"]
    assert not ReserveChange.objects.exists()


def test_policies_and_accounts_are_read_only_for_adjusters(seed):
    client = seed.client("adjuster")
    assert client.get("/api/policies/").data["count"] == 2
    accounts = client.get("/api/accounts/", {"policy": seed.policy_a.pk}).data["results"]
    assert accounts and all(a["policy"] == seed.policy_a.pk for a in accounts)
    assert client.post("/api/policies/", {}, format="json").status_code == 405


def _category(seed) -> str:
    from coverage.models import ModuleCostCategory

    section = seed.claim_a.coverage_section
    return ModuleCostCategory.objects.filter(module=section.module).first().category.code
