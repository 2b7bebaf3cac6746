"""The admin pages (dashboard, export, bulk, claim-list action, index) and the portal pages
(banner, short report form, dependencies) through Django's test client."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from claims.events.models import EventClaim, EventReport, EventSuggestion
from claims.events.services import event_claims_link, event_reports_register
from claims.models import Claim
from config.models import AuditEntry
from tests.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked_claim(event, adjuster, cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user, code="hacking", description="Mail server down.")
    event_claims_link(event=event, claims=[claim], by=adjuster)
    return claim


def test_the_admin_index_links_to_the_open_events_dashboard(client, adjuster, event):
    client.force_login(adjuster)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:events_cyberevent_dashboard", args=[event.pk]) in page


def test_the_dashboard_shows_figures_chart_and_suggestions(client, adjuster, event,
                                                           linked_claim, cyber_policy,
                                                           holder_user):
    suggested = report(cyber_policy, holder_user, code="ransomware", days_ago=0,
                       description="Encrypted by LockBridge.")
    from claims.events.services import event_suggest

    event_suggest(event=event, by=adjuster)
    client.force_login(adjuster)
    response = client.get(reverse("admin:events_cyberevent_dashboard", args=[event.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<polyline" in page and "<rect" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script (CSP)
    assert suggested.number in page and "mentions &#x27;LockBridge&#x27;" in page
    suggestion = EventSuggestion.objects.get(claim=suggested)
    client.post(reverse("admin:events_cyberevent_decide",
                        args=[event.pk, suggestion.pk, "confirm"]))
    assert EventClaim.objects.filter(event=event, claim=suggested).exists()


def test_the_dashboard_exports_an_xlsx_for_the_reinsurer(client, adjuster, event,
                                                         linked_claim):
    client.force_login(adjuster)
    response = client.get(reverse("admin:events_cyberevent_export", args=[event.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Event", "Exposure", "Claims", "Timeline", "Vendors"]
    assert book["Claims"]["A2"].value == linked_claim.number
    assert book["Exposure"].max_row > 1
    assert [cell.value for cell in book["Event"]["A"]][:3] == ["Field", "Name", "Kind"]


def test_the_xlsx_speaks_german_and_keeps_amounts_as_numbers(client, adjuster, event,
                                                             linked_claim):
    client.force_login(adjuster)
    response = client.get(reverse("admin:events_cyberevent_export", args=[event.pk]),
                          HTTP_ACCEPT_LANGUAGE="de")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Ereignis", "Exponierung", "Schäden", "Zeitverlauf",
                               "Dienstleister"]
    rows = {label.value: value for label, value in book["Ereignis"].iter_rows(min_row=2)}
    assert rows["Ausgezahlt"].number_format == '#,##0.00 "EUR"'
    assert rows["Schadendaten von"].number_format == "DD.MM.YYYY"
    assert book["Schäden"]["A1"].value == "Schaden"


def test_a_policyholder_cannot_see_the_dashboard(client, holder_user, event):
    client.force_login(holder_user)
    response = client.get(reverse("admin:events_cyberevent_dashboard", args=[event.pk]))
    assert response.status_code in (302, 403)


def test_bulk_note_from_the_admin_page(client, adjuster, event, linked_claim):
    client.force_login(adjuster)
    url = reverse("admin:events_cyberevent_bulk", args=[event.pk])
    response = client.post(url, {"bulk_action": "note", "note-text": "Part of the campaign.",
                                 "note-visibility": "internal"})
    assert response.status_code == 200
    assert linked_claim.notes.get().text == "Part of the campaign."
    response = client.post(url, {"bulk_action": "note", "note-text": "",
                                 "note-visibility": "internal"})
    assert response.status_code == 400


def test_claims_are_linked_in_bulk_from_the_claim_list(client, adjuster, event, cyber_policy,
                                                       holder_user):
    claims = [report(cyber_policy, holder_user, code="hacking", description=f"Case {n} {n*9}")
              for n in range(2)]
    client.force_login(adjuster)
    response = client.post(reverse("admin:claims_claim_changelist"), {
        "action": "link_to_event", ACTION_CHECKBOX_NAME: [c.pk for c in claims],
        "event": event.pk, "apply": "1",
    })
    assert response.status_code == 302
    assert set(EventClaim.objects.filter(event=event).values_list("claim_id", flat=True)) == {
        c.pk for c in claims}


def test_declaring_in_the_admin_goes_through_the_service(client, adjuster):
    client.force_login(adjuster)
    response = client.post(reverse("admin:events_cyberevent_add"), {
        "name": "CloudHost outage", "kind": "provider_outage",
        "starts_at_0": timezone.localdate().isoformat(), "starts_at_1": "00:00",
        "providers": "CloudHost", "software": "", "indicators": "", "cve_id": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AuditEntry.objects.filter(action="event.declared").count() == 1


# --- portal --------------------------------------------------------------------------------


def test_the_portal_shows_the_open_event_and_its_short_form_reports_and_links(
        client, holder_user, event, cyber_policy):
    client.force_login(holder_user)
    home = client.get(reverse("portal:home")).content.decode()
    url = reverse("events_portal:report", args=[event.pk])
    assert event.name in home and url in home
    form = client.get(url)
    assert form.status_code == 200
    token = form.context["form"].initial["submission_token"]
    data = {
        "submission_token": token, "policy": cyber_policy.pk,
        "loss_type": event.report_loss_type.pk, "loss_date": timezone.localdate().isoformat(),
        "description": "Hit by the FileBridge campaign: all files encrypted.",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    report = EventReport.objects.get()
    assert response["Location"] == reverse("events_portal:received", args=[report.pk])
    assert event_reports_register() == 1  # what the beat task does
    claim = Claim.objects.get()
    assert EventClaim.objects.get(claim=claim).source == EventClaim.Source.REPORT
    assert AuditEntry.objects.filter(action="claim.reported", claim_id=claim.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert claim.number in page
    again = client.post(url, data)  # the same form sent twice: the same report
    assert again["Location"] == response["Location"] and EventReport.objects.count() == 1


def test_the_short_form_refuses_a_loss_before_the_event(client, holder_user, event,
                                                        cyber_policy):
    client.force_login(holder_user)
    url = reverse("events_portal:report", args=[event.pk])
    token = client.get(url).context["form"].initial["submission_token"]
    response = client.post(url, {
        "submission_token": token, "policy": cyber_policy.pk,
        "loss_type": event.report_loss_type.pk, "loss_date": "2020-01-01",
        "description": "Long ago.",
    })
    assert response.status_code == 400
    assert "began on" in response.content.decode()
    assert not Claim.objects.exists()


def test_the_policyholder_keeps_their_dependencies_up_to_date(client, holder_user,
                                                              cyber_policy):
    client.force_login(holder_user)
    url = reverse("events_portal:dependencies", args=[cyber_policy.pk])
    response = client.post(url, {"providers": "CloudHost\nMailCo", "software": "FileBridge MFT"})
    assert response.status_code == 302
    names = sorted(cyber_policy.it_dependencies.values_list("kind", "name"))
    assert names == [("provider", "CloudHost"), ("provider", "MailCo"),
                     ("software", "FileBridge MFT")]
    assert AuditEntry.objects.filter(action="policy.dependencies_set").count() == 1


def test_another_policyholders_dependencies_are_not_found(client, stranger_holder,
                                                          cyber_policy):
    client.force_login(stranger_holder)
    url = reverse("events_portal:dependencies", args=[cyber_policy.pk])
    assert client.get(url).status_code == 404


@pytest.fixture
def stranger_holder(team_lead):
    from tests.events.conftest import other_holder_policy

    _policy, user = other_holder_policy("Stranger GmbH", team_lead)
    return user
