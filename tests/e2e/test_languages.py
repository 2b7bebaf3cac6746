"""The four pages people work on, walked in a real browser in German and in English: the
policyholder's report form and claim page, the vendor's job page and the adjuster's claim page.
A German page shows no English words and an English page no German ones (names and codes aside);
screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from claims.services import claim_report, claim_transition
from claims.vendors.models import VendorMembership
from claims.vendors.services import vendor_job_request
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 - same browser set-up
from tests.factories import (
    PASSWORD,
    PolicyholderFactory,
    UserFactory,
    loss_type,
    make_adjuster,
    make_org,
    make_policy,
    make_team_lead,
    service,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Words that only appear in a page of the other language (ambiguous ones such as "was", "will",
# "an", "in", "so", "also", "Status", "Details" are left out).
ENGLISH = {"the", "and", "your", "you", "with", "what", "when", "this", "that", "has", "have",
           "been", "not", "for", "from", "please", "send", "claim", "claims", "policy", "report",
           "upload", "job", "state", "progress", "history", "save", "delete", "add", "documents",
           "document", "emergency", "covered", "deductible", "reported", "sign", "out", "my",
           "our", "who", "where", "loss", "due", "next", "happened", "how", "help", "yes", "no",
           "view", "change", "site", "there", "are", "here", "estimate", "question", "answer",
           "description", "audit", "action", "reason", "time", "times", "all"}
GERMAN = {"und", "der", "die", "das", "sie", "ihr", "ihre", "ihren", "nicht", "mit", "für",
          "schaden", "schäden", "vertrag", "verträge", "wir", "bitte", "noch", "oder", "melden",
          "meldung", "auftrag", "aufträge", "notfall", "selbstbehalt", "abmelden", "verlauf",
          "dokumente", "hochladen", "senden", "status:", "zum", "zur", "von", "bis", "ist",
          "sind", "wird", "werden", "gemeldet", "fortschritt", "änderungsprotokoll", "speichern",
          "löschen", "alle", "zeiten"}
# Names and codes a page may show in either language.
NAMES = {"pixel", "gmbh", "jonas", "weber", "forensit", "24/7", "ransomware", "laptops", "nas",
         "it", "pdf", "api", "django", "id", "e-mail", "png", "jpeg", "gif", "csv", "word",
         "excel", "text", "zip", "json", "hotline", "europe/berlin", "holder", "adjuster",
         "vendor.forensics", "lead"}


@pytest.fixture
def scene():
    lead = make_team_lead("lead")
    adjuster = make_adjuster("adjuster", team_lead=lead)
    holder_user = UserFactory(username="holder")
    holder = PolicyholderFactory(user=holder_user, company_name="Pixel GmbH",
                                 contact_name="Jonas Weber", postcode="86150")
    policy = make_policy(holder=holder, created_by=lead)
    claim = claim_report(policy=policy, loss_type=loss_type("ransomware"),
                         loss_date=timezone.localdate(), reported_by=holder_user,
                         description="Ransomware: NAS, 3 Laptops", emergency=True)
    claim_transition(claim=claim, transition="start_liability_check", by=adjuster)
    organisation = make_org("ForensIT 24/7", "forensics", panel=True, available_24_7=True)
    vendor = UserFactory(username="vendor.forensics")
    VendorMembership.objects.create(user=vendor, organisation=organisation)
    job = vendor_job_request(claim=claim, organisation=organisation, service=service("forensics"),
                             by=adjuster, scope="NAS, 3 Laptops")
    return {"claim": claim, "job": job}


def _words(text: str) -> set[str]:
    return {word.lower().strip(".,:;!?()\"'“”„«»·-–") for word in re.split(r"\s+", text)} - {""}


def _foreign(text: str, language: str) -> set[str]:
    words = _words(text) - NAMES
    return words & (ENGLISH if language == "de" else GERMAN)


def _sign_in(tab, url: str, username: str) -> None:
    tab.goto(url)
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.press("#id_password", "Enter")


def _admin_sign_in(request, tab, base: str, username: str, next_url: str) -> None:
    """Staff sign in as the e2e conftest provides it (it may add a second factor); else the
    admin's login form."""
    for name in ("admin_sign_in", "admin_login", "staff_sign_in"):
        try:
            sign_in = request.getfixturevalue(name)
        except pytest.FixtureLookupError:
            continue
        sign_in(tab, base, username, next_url)
        return
    tab.goto(f"{base}/admin/login/?next={next_url}")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    if tab.locator("#id_otp_token").count():  # staff sign in with their second factor
        from django.contrib.auth import get_user_model

        from tests.otp import current_code, totp_device

        user = get_user_model().objects.get(username=username)
        tab.fill("#id_otp_token", current_code(totp_device(user)))
    tab.press("#id_password", "Enter")


def _check(tab, language: str, artifacts, name: str) -> None:
    assert tab.locator("html").get_attribute("lang") == language
    tab.screenshot(path=str(artifacts / f"lang-{language}-{name}.png"), full_page=True)
    # Records keep the words they were written in: the audit trail's reasons, an activity's
    # completion note (codes there, such as states and actions, are codes anyway).
    tab.evaluate("""() => document.querySelectorAll(
        '#audit-history, .field-completion_note, td.field-completion_note')
        .forEach((element) => element.remove())""")
    text = tab.inner_text("body")
    foreign = _foreign(text, language)
    assert not foreign, f"{name} ({language}) shows words of the other language: {sorted(foreign)}"


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_four_pages_in_one_language(request, browser, live_server, artifacts, scene,
                                        language):
    claim, job = scene["claim"], scene["job"]
    base = live_server.url
    locale = {"de": "de-DE", "en": "en-GB"}[language]

    def tab():
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
        context.set_default_timeout(15_000)
        return context.new_page()

    holder = tab()
    _sign_in(holder, f"{base}/accounts/login/?next=/portal/report/", "holder")
    holder.wait_for_url(f"{base}/portal/report/")
    _check(holder, language, artifacts, "portal-report")
    holder.goto(f"{base}/portal/claims/{claim.pk}/")
    _check(holder, language, artifacts, "portal-claim")

    vendor = tab()
    _sign_in(vendor, f"{base}/accounts/login/?next=/vendor/jobs/{job.pk}/", "vendor.forensics")
    vendor.wait_for_url(f"{base}/vendor/jobs/{job.pk}/")
    _check(vendor, language, artifacts, "vendor-job")

    adjuster = tab()
    claim_path = f"/admin/claims/claim/{claim.pk}/change/"
    _admin_sign_in(request, adjuster, base, "adjuster", claim_path)
    adjuster.wait_for_url(f"{base}{claim_path}")
    _check(adjuster, language, artifacts, "admin-claim")
    for page in (holder, vendor, adjuster):
        page.context.close()


def test_the_switcher_changes_the_language_of_the_page(browser, live_server, scene):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    _sign_in(page, f"{live_server.url}/accounts/login/?next=/portal/", "holder")
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Meine offenen Schäden" in page.inner_text("main")
    page.locator("form.language-switcher button[value=en]").first.click()
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "My open claims" in page.inner_text("main")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()
