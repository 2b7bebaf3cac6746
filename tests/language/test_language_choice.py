"""German first, English complete: Accept-Language, the switcher, the user's stored language at
sign-in and in their emails; the API answers errors in the request's language and keeps machine
formats; dates typed the German way are accepted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from claims.admin.forms import InformationRequestInlineForm
from claims.services import information_request_create
from language.models import LanguagePreference
from language.services import language_set
from tests.claims.desk_tabs import claim_page
from tests.factories import report

pytestmark = pytest.mark.django_db


def login(user, **headers) -> Client:
    """Signed in (staff with their second factor, as the admin's login form leaves it)."""
    client = Client(**headers)
    client.force_login(user)
    return client


def test_german_is_the_default_and_accept_language_is_followed(settings, portal):
    settings.LANGUAGE_CODE = "de"
    german = portal.get("/portal/").content.decode()
    assert '<html lang="de">' in german and "Meine Schäden und Verträge" in german
    english = portal.get("/portal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "My claims and policies" in english


def test_the_switcher_is_a_form_posting_to_set_language_without_script(portal):
    page = portal.get("/portal/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language" value="de"' in page
    switcher = page.split('class="language-switcher"', 1)[1].split("</form>", 1)[0]
    assert "<script" not in switcher and "onclick" not in switcher


def test_the_choice_is_stored_on_the_user_and_applied_at_the_next_sign_in(holder_user, portal):
    response = portal.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert LanguagePreference.objects.get(user=holder_user).language == "en"
    # A new browser that asks for German: the stored choice wins after signing in.
    browser = login(holder_user, HTTP_ACCEPT_LANGUAGE="de")
    page = browser.get("/portal/").content.decode()
    assert "My claims and policies" in page and "Meine Schäden" not in page
    browser.post("/i18n/setlang/", {"language": "de", "next": "/portal/"})
    assert LanguagePreference.objects.get(user=holder_user).language == "de"
    assert "Meine Schäden und Verträge" in browser.get("/portal/").content.decode()


def test_the_admin_and_the_vendor_portal_have_the_switcher(adjuster, claim, org_a, vendor_a):
    admin_page = login(adjuster).get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Schadenverwaltung" in admin_page and 'action="/i18n/setlang/"' in admin_page
    vendor_page = login(vendor_a).get("/vendor/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Meine Aufträge" in vendor_page and 'action="/i18n/setlang/"' in vendor_page


def test_emails_go_out_in_each_recipients_language(
        settings, cyber_policy, holder_user, adjuster, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "de"
    language_set(user=holder_user, language="en")
    language_set(user=adjuster, language="de")
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        claim = report(cyber_policy, holder_user, emergency=True)
    to_holder = [m for m in mail.outbox if cyber_policy.policyholder.email in m.to]
    to_adjuster = [m for m in mail.outbox if adjuster.email in m.to]
    assert to_holder[0].subject == f"Your claim {claim.number} has been received"
    assert "we have received your claim" in to_holder[0].body
    assert to_adjuster[0].subject == (f"NOTFALL-Schaden {claim.number}: Erstkontakt innerhalb "
                                      "einer Stunde")
    # The German date format in a German email; a question to an English reader in English.
    mail.outbox.clear()
    language_set(user=holder_user, language="de")
    due = timezone.localdate() + timedelta(days=10)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        information_request_create(claim=claim, question="Welche Rechner sind betroffen?",
                                   due_date=due, requested_by=adjuster)
    assert mail.outbox[0].subject == f"Schaden {claim.number}: Wir brauchen Angaben von Ihnen"
    assert f"bis zum {due:%d.%m.%Y} im Portal" in mail.outbox[0].body


def test_an_email_to_someone_without_a_choice_is_german(
        settings, cyber_policy, holder_user, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "de"
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        claim = report(cyber_policy, holder_user)
    assert mail.outbox[0].subject == f"Ihre Schadenmeldung {claim.number} ist eingegangen"


def test_the_api_answers_errors_in_the_requests_language_with_english_codes(adjuster):
    client = login(adjuster)
    german = client.get("/api/claims/999999/", HTTP_ACCEPT_LANGUAGE="de").json()
    english = client.get("/api/claims/999999/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert german["error"]["code"] == english["error"]["code"] == "not_found"
    assert german["error"]["message"] != english["error"]["message"]
    assert "Nicht gefunden" in german["error"]["message"]


def test_the_api_keeps_machine_formats_in_german(adjuster, cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user)
    data = login(adjuster).get(f"/api/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="de").json()
    assert data["estimated_amount"] == "12000.00"
    assert data["loss_date"] == claim.loss_date.isoformat()


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_german_date_is_accepted_in_the_admin_forms(language):
    with translation.override(language):
        form = InformationRequestInlineForm({"question": "Welche Rechner?",
                                             "due_date": "10.12.2099"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["due_date"].isoformat() == "2099-12-10"
        from policies.admin import CancelForm

        assert CancelForm({"cancelled_from": "10.12.2026", "reason": "x"}).is_valid()


def test_the_admin_shows_german_formats(adjuster, claim):
    page = claim_page(login(adjuster), f"/admin/claims/claim/{claim.pk}/change/",
                      HTTP_ACCEPT_LANGUAGE="de")
    assert f"{claim.loss_date:%d.%m.%Y}" in page
    assert "Änderungsprotokoll" in page and "Schaden weiterführen" in page


def test_vendor_job_emails_are_written_in_each_recipients_language(
        settings, claim, org_a, vendor_a, holder_user, django_capture_on_commit_callbacks):
    from claims.vendors.services import vendor_job_progress_add
    from tests.factories import make_job

    settings.LANGUAGE_CODE = "de"  # adjusters without a choice read German
    language_set(user=holder_user, language="de")
    job = make_job(claim, org_a, state="accepted")
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        vendor_job_progress_add(job=job, percent=40, text="NAS isoliert", by=vendor_a,
                                visible_to_policyholder=True)
    holder_mail = [m for m in mail.outbox if claim.policy.policyholder.email in m.to]
    assert holder_mail[0].subject == (f"Ihr Schaden {claim.number}: Fortschritt der "
                                      "Spezialisten")
    adjuster_mail = [m for m in mail.outbox if claim.policy.policyholder.email not in m.to]
    assert adjuster_mail and all(m.subject.startswith("Schaden ") for m in adjuster_mail)


def test_the_api_reads_and_sets_the_callers_language_for_their_emails(
        settings, cyber_policy, holder_user, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "de"
    client = login(holder_user)
    assert client.get("/api/me/language/").json() == {"language": "de"}
    bad = client.put("/api/me/language/", {"language": "fr"}, content_type="application/json")
    assert bad.status_code == 400 and "language" in bad.json()["error"]["fields"]
    ok = client.put("/api/me/language/", {"language": "en"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"language": "en"}
    assert client.get("/api/me/language/").json() == {"language": "en"}
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        claim = report(cyber_policy, holder_user)
    assert mail.outbox[0].subject == f"Your claim {claim.number} has been received"
