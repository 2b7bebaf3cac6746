"""The events API for every role: adjusters declare, link, decide, act in bulk and read the
dashboard; policyholders see open events, report under one and keep their dependencies."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from claims.events.models import CyberEvent, EventClaim, EventSuggestion
from claims.events.services import event_reports_register
from config.models import AuditEntry
from policies.models import InsuranceYearAccount
from tests.events.conftest import other_holder_policy
from tests.factories import report

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def adjuster_api(adjuster):
    return api(adjuster)


def test_adjuster_declares_lists_and_changes_an_event(adjuster_api, cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user, code="hacking", days_ago=1,
                   description="CloudHost was down, our shop too.")
    response = adjuster_api.post("/api/events/", {
        "name": "CloudHost outage", "kind": "provider_outage",
        "starts_at": (timezone.now() - timedelta(days=2)).isoformat(),
        "providers": ["CloudHost"], "loss_types": ["hacking"],
    }, format="json")
    assert response.status_code == 201, response.json()
    event_id = response.json()["id"]
    assert response.json()["suggestions_open"] == 1
    listed = adjuster_api.get("/api/events/?status=open").json()
    assert [row["id"] for row in listed["results"]] == [event_id]
    changed = adjuster_api.patch(f"/api/events/{event_id}/", {"cve_id": "CVE-2026-0001"},
                                 format="json")
    assert changed.status_code == 200 and changed.json()["cve_id"] == "CVE-2026-0001"
    suggestions = adjuster_api.get(f"/api/events/{event_id}/suggestions/?status=open").json()
    assert suggestions["results"][0]["claim"]["number"] == claim.number


def test_declaring_with_bad_input_names_the_fields(adjuster_api):
    response = adjuster_api.post("/api/events/", {
        "name": "X", "kind": "provider_outage", "starts_at": timezone.now().isoformat(),
        "cve_id": "nope", "colour": "red",
    }, format="json")
    assert response.status_code == 400
    assert "colour" in response.json()["error"]["fields"]
    response = adjuster_api.post("/api/events/", {
        "name": "X", "kind": "provider_outage", "starts_at": timezone.now().isoformat(),
        "cve_id": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"cve_id"}


def test_link_confirm_reject_unlink_and_bulk_through_the_api(adjuster_api, adjuster, event,
                                                             cyber_policy, holder_user):
    manual = report(cyber_policy, holder_user, code="hacking", description="Mail down.")
    suggested = report(cyber_policy, holder_user, code="ransomware", days_ago=0,
                       description="Encrypted.")
    other = report(cyber_policy, holder_user, code="ransomware", days_ago=0,
                   description="Also encrypted, but by another gang entirely.")
    base = f"/api/events/{event.pk}"
    assert adjuster_api.post(f"{base}/suggestions/").status_code == 200
    response = adjuster_api.post(f"{base}/claims/", {"claims": [manual.pk]}, format="json")
    assert response.json() == {"linked": [manual.number], "already_linked": []}
    one = EventSuggestion.objects.get(event=event, claim=suggested)
    two = EventSuggestion.objects.get(event=event, claim=other)
    assert adjuster_api.post(f"{base}/suggestions/{one.pk}/confirm/").json()["status"] == \
        "confirmed"
    assert adjuster_api.post(f"{base}/suggestions/{two.pk}/reject/",
                             {"reason": "Other gang."}).json()["status"] == "rejected"
    assert adjuster_api.post(f"{base}/suggestions/{two.pk}/confirm/").status_code == 409
    assert adjuster_api.post(f"{base}/suggestions/{two.pk}/maybe/").status_code == 404

    result = adjuster_api.post(f"{base}/bulk/note/", {"text": "Event claim."}, format="json")
    assert sorted(result.json()["done"]) == sorted([manual.number, suggested.number])
    result = adjuster_api.post(f"{base}/bulk/assign/", {"mode": "by_load",
                                                       "adjusters": ["adj"]}, format="json")
    assert set(result.json()["done"].values()) == {"adj"}
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    result = adjuster_api.post(f"{base}/bulk/information-request/",
                               {"question": "Which version?", "due_date": due,
                                "claims": [manual.pk]}, format="json")
    assert list(result.json()["done"]) == [manual.number]
    assert adjuster_api.post(f"{base}/bulk/teleport/", {}, format="json").status_code == 404
    assert adjuster_api.post(f"{base}/bulk/note/", {"text": "x", "claims": [other.pk]},
                             format="json").status_code == 400

    assert adjuster_api.post(f"{base}/claims/{manual.pk}/unlink/", {}).status_code == 400
    assert adjuster_api.post(f"{base}/claims/{manual.pk}/unlink/",
                             {"reason": "Wrong event."}).status_code == 204
    assert not EventClaim.objects.filter(event=event, claim=manual).exists()
    assert AuditEntry.objects.filter(action="event.bulk_note", actor=adjuster).exists()


def test_the_dashboard_figures_in_the_api_match_the_accounts(adjuster_api, event, adjuster,
                                                             cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user, code="hacking", description="x y z")
    adjuster_api.post(f"/api/events/{event.pk}/claims/", {"claims": [claim.pk]}, format="json")
    figures = adjuster_api.get(f"/api/events/{event.pk}/dashboard/").json()
    expected = sum((a.remaining for a in InsuranceYearAccount.objects.filter(
        section__policy=cyber_policy)), Decimal("0"))
    assert Decimal(figures["exposure_total"]) == expected
    assert figures["claims_linked"] == 1


def test_capacity_and_dependencies_for_adjusters(adjuster_api, cyber_policy):
    from tests.factories import make_org

    organisation = make_org("Delta IT", "forensics")
    url = f"/api/vendor-organisations/{organisation.pk}/capacity/"
    assert adjuster_api.put(url, {"jobs_per_day": 0}, format="json").status_code == 400
    assert adjuster_api.put(url, {"jobs_per_day": 3}, format="json").json() == {
        "jobs_per_day": 3}
    response = adjuster_api.put(f"/api/policies/{cyber_policy.pk}/dependencies/", {
        "dependencies": [{"kind": "provider", "name": "CloudHost"}]}, format="json")
    assert response.json() == {"dependencies": [{"kind": "provider", "name": "CloudHost"}]}


def test_other_roles_get_403_on_the_adjuster_api(holder_user, event):
    client = api(holder_user)
    assert client.get("/api/events/").status_code == 403
    assert client.get(f"/api/events/{event.pk}/dashboard/").status_code == 403
    assert APIClient().get("/api/events/").status_code == 401


def test_policyholder_sees_open_events_and_reports_under_one(
        holder_user, event, cyber_policy, adjuster):
    client = api(holder_user)
    events = client.get("/api/me/events/").json()
    assert [(row["id"], row["report_loss_types"]) for row in events["results"]] == [
        (event.pk, ["ransomware"])]
    body = {"policy": cyber_policy.pk, "loss_date": timezone.localdate().isoformat(),
            "description": "All files encrypted by LockBridge."}
    response = client.post(f"/api/me/events/{event.pk}/claims/", body, format="json",
                           HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "received"
    assert event_reports_register() == 1  # what the beat task does
    again = client.post(f"/api/me/events/{event.pk}/claims/", body, format="json",
                        HTTP_IDEMPOTENCY_KEY="k1")
    assert again.json()["id"] == response.json()["id"]
    status = client.get(f"/api/me/event-reports/{response.json()['id']}/").json()
    link = EventClaim.objects.get()
    assert status["status"] == "registered" and status["claim"] == link.claim_id
    assert link.source == "report"
    wrong = client.post(f"/api/me/events/{event.pk}/claims/", {**body, "loss_type": "hacking"},
                        format="json")
    assert wrong.status_code == 400 and "loss_type" in wrong.json()["error"]["fields"]
    future = client.post(f"/api/me/events/{event.pk}/claims/",
                         {**body, "loss_date": "2099-01-01"}, format="json")
    assert future.status_code == 400 and "loss_date" in future.json()["error"]["fields"]
    other = api(adjuster)
    assert other.get(f"/api/me/event-reports/{response.json()['id']}/").status_code == 403

    from claims.events.services import event_close

    event_close(event=CyberEvent.objects.get(), by=adjuster)
    assert client.post(f"/api/me/events/{event.pk}/claims/", body,
                       format="json").status_code == 404


def test_a_report_the_rules_refuse_at_registration_fails_and_says_why(
        holder_user, event, cyber_policy, adjuster):
    from claims.events.services import event_report_register, event_report_submit
    from claims.models import Claim
    from coverage.models import LossType
    from policies.models import Policy

    report, _ = event_report_submit(
        event=event, user=holder_user, policy=cyber_policy,
        loss_type=LossType.objects.get(code="ransomware"), loss_date=timezone.localdate(),
        description="Encrypted.")
    # Meanwhile the policyholder's login was given to nobody: the report service refuses.
    Policy.objects.filter(pk=cyber_policy.pk).update(policyholder=other_holder_policy(
        "Someone Else", adjuster)[0].policyholder)
    assert event_report_register(report_id=report.pk) is None
    report.refresh_from_db()
    assert report.status == "failed" and "policyholder" in report.error
    assert not Claim.objects.exists()
    assert event_report_register(report_id=report.pk) is None  # once


def test_policyholder_keeps_dependencies_of_their_own_policies_only(holder_user, cyber_policy,
                                                                    team_lead):
    client = api(holder_user)
    url = f"/api/me/policies/{cyber_policy.pk}/dependencies/"
    response = client.put(url, {"dependencies": [{"kind": "software", "name": "FileBridge"},
                                                 {"kind": "gadget", "name": "Toaster"}]},
                          format="json")
    assert response.status_code == 400
    response = client.put(url, {"dependencies": [{"kind": "software", "name": "FileBridge"}]},
                          format="json")
    assert response.status_code == 200
    foreign, _user = other_holder_policy("Foreign AG", team_lead)
    assert client.get(f"/api/me/policies/{foreign.pk}/dependencies/").status_code == 404
