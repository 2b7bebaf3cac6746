"""The adjusters' admin: one screen per claim, buttons that go through the services, errors as
messages (never a 500), and the work queues."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims.models import Activity, Claim, ClaimDocument, ClaimNote, ClaimState
from claims.services import (
    claim_assign,
    claim_series_link,
    claim_transition,
    document_add,
    information_request_create,
    note_add,
)
from config.models import AuditEntry
from tests.claims.desk_tabs import claim_page
from tests.claims.html_forms import form_data
from tests.factories import UserFactory, report, walk
from tests.otp import staff_login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def adjuster_client(client, adjuster):
    staff_login(client, adjuster)
    return client


def press(client, claim, transition, **extra):
    """Load the claim page and press a transition button, as a browser would."""
    data = form_data(client.get(change_url(claim)).content.decode())
    data.update(_fsm_transition_to=transition, **extra)
    return client.post(change_url(claim), data)


def test_the_claim_page_shows_everything_on_one_screen(adjuster_client, adjuster,
                                                       claim_in_liability_check, holder_user):
    claim = claim_in_liability_check
    note_add(claim=claim, text="Spoke to the managing director.", author=adjuster)
    document_add(claim=claim, upload=SimpleUploadedFile("forensics.pdf", PDF),
                 doc_type="vendor_report", uploaded_by=adjuster)
    information_request_create(claim=claim, question="Which backups exist?",
                               due_date=timezone.localdate() + timedelta(days=5),
                               requested_by=adjuster)
    other = report(claim.policy, holder_user, code="hacking", description="Mail account taken")
    claim_series_link(claims=[claim, other], cause="One attack", by=adjuster)

    html = claim_page(adjuster_client, change_url(claim))

    for text in [
        claim.number, "Liability and coverage check", "Coverage check", "COVERED",
        "Covered under", "Policy and its sections", "Sum insured", "Aggregate remaining",
        "500,000.00 EUR", "Spoke to the managing director.", "forensics.pdf",
        "Which backups exist?", "Awaiting information", "Liability and coverage decision",
        "Audit history", "claim.transition", "claim.coverage_checked", "Related claims",
        other.number, "Possible duplicate", "Move the claim", "Deny claim",
        "Start mitigation (vendors)", "Go to settlement", "Withdraw claim",
    ]:
        assert text in html, text
    assert 'value="approve_settlement"' not in html


def test_the_transition_button_runs_the_service(adjuster_client, adjuster, reported_claim):
    response = press(adjuster_client, reported_claim, "start_liability_check")

    assert response.status_code == 302
    claim = Claim.objects.get(pk=reported_claim.pk)
    assert claim.state == ClaimState.LIABILITY_CHECK
    assert claim.coverage_checked_at is not None
    entry = AuditEntry.objects.get(claim_id=claim.pk, action="claim.transition")
    assert entry.actor == adjuster
    assert any("done" in message for message in messages_of(response))
    page = claim_page(adjuster_client, change_url(claim))
    assert "COVERED" in page and "reported" in page and "liability_check" in page


@pytest.mark.parametrize("transition", ["approve_settlement", "close", "delete", "save"])
def test_an_invalid_transition_is_a_message_not_a_500(adjuster_client, reported_claim,
                                                      transition):
    response = press(adjuster_client, reported_claim, transition)

    assert response.status_code == 302
    assert Claim.objects.get(pk=reported_claim.pk).state == ClaimState.REPORTED
    assert messages_of(response)


def test_a_stale_page_gets_a_conflict_message(adjuster_client, adjuster, reported_claim):
    page = adjuster_client.get(change_url(reported_claim))
    claim_transition(claim=Claim.objects.get(pk=reported_claim.pk),
                     transition="start_liability_check", by=adjuster)
    data = form_data(page.content.decode())
    data["_fsm_transition_to"] = "start_liability_check"

    response = adjuster_client.post(change_url(reported_claim), data)

    assert response.status_code == 302
    assert any("not possible" in message for message in messages_of(response))
    assert AuditEntry.objects.filter(claim_id=reported_claim.pk,
                                     action="claim.transition").count() == 1


def test_staff_who_are_not_adjusters_see_no_buttons_and_cannot_move_claims(
    client, reported_claim
):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_claim", "change_claim"]))
    staff_login(client, clerk)
    page = client.get(change_url(reported_claim))
    assert page.status_code == 200
    assert "Move the claim" not in page.content.decode()

    response = press(client, reported_claim, "start_liability_check")

    assert response.status_code == 302
    assert any("not allowed" in message for message in messages_of(response))
    assert Claim.objects.get(pk=reported_claim.pk).state == ClaimState.REPORTED


def test_deny_asks_for_reason_and_text_on_its_own_form(adjuster_client,
                                                       claim_in_liability_check):
    claim = claim_in_liability_check
    response = press(adjuster_client, claim, "deny")
    form_url = reverse("admin:claims_claim_transition", args=[claim.pk, "deny"])
    assert response.status_code == 302 and response["Location"] == form_url

    form = adjuster_client.get(form_url)
    assert form.status_code == 200
    assert "Late notification" in form.content.decode()

    missing = adjuster_client.post(form_url, {"denial_reason": "excluded_risk", "reason": ""})
    assert missing.status_code == 200
    assert "This field is required" in missing.content.decode()
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.LIABILITY_CHECK

    done = adjuster_client.post(form_url, {"denial_reason": "late_notification",
                                           "reason": "Reported 14 months after the loss."})
    assert done.status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.denial_reason) == (ClaimState.DENIED, "late_notification")


def test_the_transition_form_of_a_wrong_state_shows_a_message(adjuster_client, reported_claim):
    form_url = reverse("admin:claims_claim_transition", args=[reported_claim.pk, "deny"])
    response = adjuster_client.post(form_url, {"denial_reason": "fraud", "reason": "x"})
    assert response.status_code == 200
    assert any("not possible" in message for message in messages_of(response))
    assert Claim.objects.get(pk=reported_claim.pk).state == ClaimState.REPORTED
    unknown = reverse("admin:claims_claim_transition", args=[reported_claim.pk, "delete"])
    assert adjuster_client.get(unknown).status_code == 404


def test_a_note_added_on_the_page_goes_through_the_service(adjuster_client, adjuster,
                                                           reported_claim):
    data = form_data(claim_page(adjuster_client, change_url(reported_claim)))
    data.update({"notes-0-text": "Policyholder called back.", "notes-0-visibility": "internal"})

    response = adjuster_client.post(change_url(reported_claim), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    note = ClaimNote.objects.get(claim=reported_claim)
    assert note.author == adjuster
    assert AuditEntry.objects.filter(action="claim.note_added").exists()


def test_notes_on_the_page_cannot_be_edited_or_deleted(adjuster_client, adjuster,
                                                       reported_claim):
    note_add(claim=reported_claim, text="Original.", author=adjuster)
    page = claim_page(adjuster_client, change_url(reported_claim))
    data = form_data(page)
    assert "notes-0-text" not in data  # the existing note is shown read-only
    assert "notes-0-DELETE" not in data


def test_an_exe_uploaded_on_the_page_is_refused_with_the_reason(adjuster_client,
                                                                reported_claim):
    data = form_data(claim_page(adjuster_client, change_url(reported_claim)))
    prefix = next(key for key in data if key.startswith("documents") and
                  key.endswith("TOTAL_FORMS") and data[key] == "1").split("-TOTAL")[0]
    data[f"{prefix}-0-doc_type"] = "evidence"
    data[f"{prefix}-0-file"] = SimpleUploadedFile("invoice.pdf", b"MZ" + b"\x00" * 100)

    response = adjuster_client.post(change_url(reported_claim), data)

    assert response.status_code == 200
    assert "Windows program" in response.content.decode()
    assert not ClaimDocument.objects.exists()

    data[f"{prefix}-0-file"] = SimpleUploadedFile("invoice.pdf", PDF)
    response = adjuster_client.post(change_url(reported_claim), data)
    assert response.status_code == 302
    document = ClaimDocument.objects.get()
    download = adjuster_client.get(
        reverse("admin:claims_claim_document", args=[reported_claim.pk, document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_an_adjuster_records_a_phoned_in_claim(adjuster_client, adjuster, cyber_policy):
    from tests.factories import loss_type

    response = adjuster_client.post(reverse("admin:claims_claim_add"), {
        "policy": cyber_policy.pk, "loss_type": loss_type("ransomware").pk,
        "loss_date": timezone.localdate().isoformat(), "description": "Hotline: all encrypted",
        "emergency": "on", "estimated_amount": "25000",
        "claimant_name": "", "claimant_email": "", "claimant_address": "",
    })
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.number and claim.emergency and claim.reported_by == adjuster
    assert AuditEntry.objects.filter(claim_id=claim.pk, action="claim.reported").exists()


def test_the_add_form_refuses_a_liability_claim_without_claimant(adjuster_client, itl_policy):
    from tests.factories import loss_type

    response = adjuster_client.post(reverse("admin:claims_claim_add"), {
        "policy": itl_policy.pk, "loss_type": loss_type("bodily_injury").pk,
        "loss_date": timezone.localdate().isoformat(), "description": "Tripped",
    })
    assert response.status_code == 200
    assert "Name the third party" in response.content.decode()
    assert not Claim.objects.exists()


def test_editing_the_estimate_and_assignment_is_audited(adjuster_client, adjuster,
                                                        reported_claim):
    page = adjuster_client.get(change_url(reported_claim))
    data = form_data(page.content.decode())
    data.update(estimated_amount="30000.00", assigned_adjuster=str(adjuster.pk))

    response = adjuster_client.post(change_url(reported_claim), data)

    assert response.status_code == 302
    claim = Claim.objects.get(pk=reported_claim.pk)
    assert claim.assigned_adjuster == adjuster
    assert str(claim.estimated_amount) == "30000.00"
    actions = set(AuditEntry.objects.filter(claim_id=claim.pk).values_list("action", flat=True))
    assert {"claim.assigned", "claim.updated"} <= actions


# --- the work queue ------------------------------------------------------------------------------

def listed(client, query=""):
    response = client.get(reverse("admin:claims_claim_changelist") + query)
    assert response.status_code == 200
    return [claim.number for claim in response.context["cl"].result_list]


@pytest.fixture
def queue(cyber_policy, holder_user, adjuster, other_adjuster):
    old = report(cyber_policy, holder_user, description="Old laptop theft",
                 code="data_carrier_theft", now=timezone.now() - timedelta(days=3), days_ago=5)
    mine = report(cyber_policy, holder_user, description="DDoS on the shop", code="ddos")
    emergency = report(cyber_policy, holder_user, description="Everything encrypted",
                       emergency=True)
    theirs = report(cyber_policy, holder_user, description="Phishing of the CFO", code="hacking")
    claim_assign(claim=mine, adjuster=adjuster, by=adjuster)
    claim_assign(claim=theirs, adjuster=other_adjuster, by=other_adjuster)
    Activity.objects.filter(claim=old).update(due_at=timezone.now() - timedelta(hours=1))
    return {"old": old.number, "mine": mine.number, "emergency": emergency.number,
            "theirs": theirs.number}


def test_emergencies_come_first_then_the_oldest(adjuster_client, queue):
    assert listed(adjuster_client) == [queue["emergency"], queue["old"], queue["mine"],
                                       queue["theirs"]]


@pytest.mark.parametrize(("query", "expected"), [
    ("?queue=mine", ["mine"]),
    ("?queue=unassigned", ["emergency", "old"]),
    ("?queue=overdue", ["old"]),
    ("?queue=emergencies", ["emergency"]),
    ("?state__exact=reported", ["emergency", "old", "mine", "theirs"]),
    ("?emergency__exact=1", ["emergency"]),
])
def test_queue_filters(adjuster_client, queue, query, expected):
    assert listed(adjuster_client, query) == [queue[key] for key in expected]


def test_filters_by_product_loss_type_and_adjuster(adjuster_client, queue, adjuster,
                                                   cyber_policy):
    from tests.factories import loss_type

    assert len(listed(adjuster_client, f"?policy__product__id__exact={cyber_policy.product_id}"
                      )) == 4
    assert listed(adjuster_client, f"?loss_type__id__exact={loss_type('ddos').pk}") == [
        queue["mine"]]
    assert listed(adjuster_client, f"?assigned_adjuster__id__exact={adjuster.pk}") == [
        queue["mine"]]


def test_search_by_number_policyholder_and_claimant(adjuster_client, queue, third_party_claim):
    assert listed(adjuster_client, f"?q={queue['mine']}") == [queue["mine"]]
    assert len(listed(adjuster_client, "?q=Pixel")) == 5
    assert listed(adjuster_client, "?q=Client AG") == [third_party_claim.number]


def test_the_list_flags_duplicates_and_awaiting_information(adjuster_client, cyber_policy,
                                                            holder_user):
    report(cyber_policy, holder_user, description="Server room flooded by a burst pipe")
    report(cyber_policy, holder_user, description="Server room flooded by a burst pipe!")
    html = adjuster_client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert "possible duplicate" in html
    assert listed(adjuster_client, "?queue=duplicates")


def test_assign_to_me_action(adjuster_client, adjuster, queue):
    claims = Claim.objects.filter(number__in=[queue["old"], queue["emergency"]])
    response = adjuster_client.post(reverse("admin:claims_claim_changelist"), {
        "action": "assign_to_me", "_selected_action": [claim.pk for claim in claims],
    })
    assert response.status_code == 302
    assert set(Claim.objects.filter(assigned_adjuster=adjuster).values_list(
        "number", flat=True)) == {queue["old"], queue["emergency"], queue["mine"]}


def test_link_as_series_action_asks_for_the_cause(adjuster_client, queue):
    claims = list(Claim.objects.filter(number__in=[queue["old"], queue["mine"]]))
    selected = {"action": "link_as_series", "_selected_action": [c.pk for c in claims]}
    url = reverse("admin:claims_claim_changelist")
    confirm = adjuster_client.post(url, selected)
    assert confirm.status_code == 200 and "Common cause" in confirm.content.decode()

    done = adjuster_client.post(url, {**selected, "apply": "1", "cause": "Break-in"})

    assert done.status_code == 302
    assert Claim.objects.filter(series__cause="Break-in").count() == 2


def test_the_overdue_activities_list(adjuster_client, queue):
    response = adjuster_client.get(reverse("admin:claims_activity_changelist") +
                                   "?status=overdue")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


def test_a_claim_built_in_any_state_shows_only_that_states_buttons(adjuster_client, cyber_policy,
                                                                   holder_user):
    from tests.factories import ClaimFactory

    paid = ClaimFactory(policy=cyber_policy, reported_by=holder_user, state=ClaimState.PAID)

    html = adjuster_client.get(change_url(paid)).content.decode()

    assert 'value="close"' in html
    assert 'value="withdraw"' not in html and 'value="deny"' not in html


def test_an_adjuster_marks_an_activity_done_from_the_list(adjuster_client, adjuster, queue):
    overdue = Activity.objects.get(claim__number=queue["old"], completed_at__isnull=True)
    response = adjuster_client.post(reverse("admin:claims_activity_changelist"), {
        "action": "mark_done", "_selected_action": [overdue.pk]})
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.completed_by == adjuster


def test_an_adjuster_records_an_answer_given_on_the_phone(adjuster_client, adjuster,
                                                          claim_in_liability_check):
    request = information_request_create(
        claim=claim_in_liability_check, question="When did you notice it?",
        due_date=timezone.localdate() + timedelta(days=3), requested_by=adjuster)
    url = reverse("admin:claims_informationrequest_change", args=[request.pk])

    response = adjuster_client.post(url, {"answer": "Monday at 7, said the CEO."})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "answered" and request.closed_by == adjuster
    assert not claim_in_liability_check.awaiting_information


def test_the_claim_page_shows_the_desk_with_figures_activities_flags_and_actions_at_the_top(
    client, claim_in_liability_check, adjuster, django_assert_max_num_queries
):
    claim = claim_in_liability_check
    client.force_login(adjuster)
    url = f"/admin/claims/claim/{claim.pk}/change/"
    client.get(url)
    with django_assert_max_num_queries(120):
        page = client.get(url).content.decode()

    start = page.index('id="claim-desk"')
    desk = page[start:page.index("</section>", start)]
    assert "Liability and coverage check" in desk
    assert claim.policy.number in desk
    assert "Cover left in the insurance year" in desk
    for figure in ("Reserve loss", "Paid", "Incurred", "Deductible"):
        assert figure in desk
    assert "Open activities" in desk and "due" in desk
    assert 'name="_fsm_transition_to"' in desk  # the state buttons, above Save
    assert page.index('id="claim-desk"') < page.index('name="_save"')
    assert "claims/desk.js" in page and "<script>" not in desk


def test_the_cached_navigation_sidebar_is_each_users_and_each_pages_own(
    client, adjuster, reported_claim, locmem_cache
):
    from django.contrib.auth.models import Permission

    def sidebar(page):
        html = page.content.decode()
        start = html.index('<nav class="sticky" id="nav-sidebar"')
        return html[start:html.index("</nav>", start)]

    staff_login(client, adjuster)
    on_claim = sidebar(client.get(change_url(reported_claim)))
    assert on_claim == sidebar(client.get(change_url(reported_claim)))
    assert 'class="model-claim current-model"' in on_claim
    on_list = sidebar(client.get(reverse("admin:policies_policy_changelist")))
    assert 'class="model-claim current-model"' not in on_list

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename="view_claim"))
    staff_login(client, clerk)
    clerks = sidebar(client.get(change_url(reported_claim)))
    assert "model-policy" in on_claim and "model-policy" not in clerks


def test_the_display_only_lists_are_tables_without_form_inputs(
    adjuster_client, claim_in_liability_check
):
    page = claim_page(adjuster_client, change_url(claim_in_liability_check))
    for prefix in ("documents", "activities", "vendor_jobs"):
        assert f'id="{prefix}-group"' in page
        assert f'name="{prefix}-TOTAL_FORMS"' not in page
    assert 'name="documents-2-TOTAL_FORMS"' in page
    assert 'class="model-claim current-model"' in page


def test_the_claim_page_opens_on_the_overview_and_loads_every_other_tab_when_it_is_opened(
    adjuster_client, adjuster, claim_in_liability_check
):
    claim = claim_in_liability_check
    note_add(claim=claim, text="Spoke to the managing director.", author=adjuster)
    page = adjuster_client.get(change_url(claim)).content.decode()
    assert "COVERED" in page and 'id="activities-group"' in page  # the overview
    assert "Spoke to the managing director." not in page and 'id="audit-history"' not in page
    for tab in ("money", "vendors", "documents", "questions", "history"):
        url = reverse("admin:claims_claim_tab", args=[claim.pk, tab])
        assert f'data-desk-tab="{tab}" data-desk-src="{url}"' in page
        # without JavaScript, each tab is a link to the whole page
        assert f'href="?tabs=all#tab-{tab}"' in page

    documents = adjuster_client.get(reverse("admin:claims_claim_tab", args=[claim.pk,
                                                                         "documents"]))
    assert documents.status_code == 200
    assert "Spoke to the managing director." in documents.content.decode()
    assert 'name="notes-TOTAL_FORMS"' in documents.content.decode()
    assert "<html" not in documents.content.decode()

    whole = adjuster_client.get(change_url(claim) + "?tabs=all").content.decode()
    assert "desk-lazy" not in whole
    for text in ("Spoke to the managing director.", 'id="audit-history"', "claim.transition",
                 'name="notes-TOTAL_FORMS"', 'name="information_requests-TOTAL_FORMS"',
                 'id="vendor_jobs-group"', "field-money_statement"):
        assert text in whole, text


def test_a_save_without_opening_a_tab_leaves_its_lists_alone(adjuster_client, reported_claim):
    data = form_data(adjuster_client.get(change_url(reported_claim)).content.decode())
    assert not any(key.startswith(("notes-", "documents-2-")) for key in data)
    data["claimant_name"] = "Pixel GmbH, Herr Kraus"

    response = adjuster_client.post(change_url(reported_claim), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Claim.objects.get(pk=reported_claim.pk).claimant_name == "Pixel GmbH, Herr Kraus"
    assert not ClaimNote.objects.filter(claim=reported_claim).exists()


def test_a_tab_is_shown_only_to_whom_the_page_is_shown(client, adjuster, holder_user,
                                                       reported_claim):
    from privacy.models import AccessLogEntry

    url = reverse("admin:claims_claim_tab", args=[reported_claim.pk, "history"])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(holder_user)
    assert client.get(url).status_code == 302  # not staff: the admin's sign-in page
    clerk = UserFactory(username="clerk-without-claims", is_staff=True)
    staff_login(client, clerk)
    assert client.get(url).status_code == 403
    staff_login(client, adjuster)
    assert client.get(url).status_code == 200
    assert AccessLogEntry.objects.filter(user=adjuster, claim_id=reported_claim.pk).count() == 1
    assert client.post(url).status_code == 405
    assert client.get(reverse("admin:claims_claim_tab",
                              args=[reported_claim.pk, "overview"])).status_code == 404
    assert client.get(reverse("admin:claims_claim_tab", args=[0, "money"])).status_code == 404


def test_the_claim_form_kept_per_process_is_the_one_django_builds_for_each_user(
    client, adjuster, team_lead, cyber_policy, holder_user, monkeypatch
):
    from django.contrib.auth.models import Permission

    from claims.admin.claim import ClaimAdminBase

    claim_in_liability_check = walk(report(cyber_policy, holder_user), adjuster,
                                    "start_liability_check")
    claim_denied = walk(report(cyber_policy, holder_user), adjuster, "start_liability_check",
                        "deny")
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename="view_claim"))
    cataloguer = UserFactory(username="cataloguer", is_staff=True)
    cataloguer.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_claim", "change_claim", "add_losstype", "change_losstype"]))
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    pages = {}

    def claim_page_without_token(client, url, **extra):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "",
                      claim_page(client, url, **extra))

    for _ in range(2):  # built, then the process's copy
        for user in (adjuster, team_lead, clerk, cataloguer, root):
            staff_login(client, user)
            for claim in (claim_in_liability_check, claim_denied):
                for language in ("en", "de"):
                    page = claim_page_without_token(client, change_url(claim),
                                                    HTTP_ACCEPT_LANGUAGE=language)
                    pages.setdefault((user.pk, claim.pk, language), set()).add(page)
    monkeypatch.setattr(ClaimAdminBase, "_form_key", lambda *args: None)
    for (user_pk, claim_pk, language), seen in pages.items():
        staff_login(client, UserFactory._meta.model.objects.get(pk=user_pk))
        url = reverse("admin:claims_claim_change", args=[claim_pk])
        assert seen == {claim_page_without_token(client, url, HTTP_ACCEPT_LANGUAGE=language)}
    assert 'name="loss_date"' in next(iter(pages[(adjuster.pk, claim_in_liability_check.pk,
                                                  "en")]))
    assert 'name="loss_date"' not in next(iter(pages[(adjuster.pk, claim_denied.pk, "en")]))
    assert 'name="claimant_name"' not in next(iter(pages[(clerk.pk, claim_denied.pk, "en")]))
