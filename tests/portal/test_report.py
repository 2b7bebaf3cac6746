"""First notice of loss through the portal: the guided form, its validation in place, uploads,
and a double submit that creates one claim."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimDocument
from claims.portal import services
from claims.portal.services import portal_claim_report
from config.models import AuditEntry
from tests.factories import loss_type
from tests.portal.conftest import PDF, upload

pytestmark = pytest.mark.django_db
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _token(client) -> str:
    client.get(reverse("portal:report"))
    return client.session["portal_report_tokens"][-1]


def _data(client, policy, **changes):
    data = {
        "submission_token": _token(client),
        "policy": policy.pk,
        "loss_type": loss_type("ransomware").pk,
        "loss_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "description": "All our laptops show a ransom note; the file server is encrypted.",
        "estimated_amount": "25000.00",
        "emergency": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_report_creates_a_reported_claim_with_audit_and_shows_the_number(
        portal, cyber_policy, holder_user, django_capture_on_commit_callbacks):
    data = _data(portal, cyber_policy, documents=upload("ransom-note.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(reverse("portal:report"), data)
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:report_done", args=[claim.pk])
    assert claim.state == "reported"
    assert claim.emergency is True
    assert claim.estimated_amount == Decimal("25000.00")
    assert claim.reported_by == holder_user
    assert AuditEntry.objects.filter(claim_id=claim.pk, action="claim.reported").exists()
    assert AuditEntry.objects.filter(claim_id=claim.pk, action="portal.claim_submitted").exists()
    document = claim.documents.get()
    assert document.original_name == "ransom-note.pdf"
    assert document.content_type == "application/pdf"
    page = portal.get(response["Location"]).content.decode()
    assert claim.number in page
    assert "+49 800 247 2470" in page
    assert "call our 24/7 hotline now" in page


def test_several_files_can_be_uploaded_with_a_report(portal, cyber_policy):
    data = _data(portal, cyber_policy,
                 documents=[upload("one.pdf"), upload("two.txt", b"log line 1\nlog line 2\n")])
    portal.post(reverse("portal:report"), data)
    names = set(Claim.objects.get().documents.values_list("original_name", flat=True))
    assert names == {"one.pdf", "two.txt"}


def test_a_liability_report_names_the_claimant(portal, itl_policy):
    data = _data(portal, itl_policy, loss_type=loss_type("missed_deadline").pk, emergency=None,
                 claimant_name="Kaiser Handels AG", claimant_email="legal@kaiser.example")
    response = portal.post(reverse("portal:report"), data)
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.claimant_name == "Kaiser Handels AG"
    assert claim.emergency is False


def test_a_double_submit_creates_one_claim(portal, cyber_policy):
    data = _data(portal, cyber_policy)
    first = portal.post(reverse("portal:report"), data)
    second = portal.post(reverse("portal:report"), data)
    assert Claim.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_back_and_send_again_with_a_fresh_form_creates_no_second_claim_or_emergency_job(
        portal, cyber_policy):
    from claims.vendors.models import VendorJob

    data = _data(portal, cyber_policy)
    first = portal.post(reverse("portal:report"), data)
    jobs = VendorJob.objects.count()
    again = dict(data, submission_token=_token(portal))  # back: the form re-fetched, re-sent

    second = portal.post(reverse("portal:report"), again)

    assert Claim.objects.count() == 1
    assert VendorJob.objects.count() == jobs
    assert first["Location"] == second["Location"]


def test_a_fresh_form_reports_a_second_incident(portal, cyber_policy):
    portal.post(reverse("portal:report"), _data(portal, cyber_policy))
    portal.post(reverse("portal:report"), _data(portal, cyber_policy, description="Another one"))
    assert Claim.objects.count() == 2


def test_a_token_the_session_was_never_given_is_refused(portal, cyber_policy):
    data = _data(portal, cyber_policy, submission_token=str(uuid.uuid4()))
    response = portal.post(reverse("portal:report"), data)
    assert response.status_code == 400
    assert "This form has expired" in response.content.decode()
    assert not Claim.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_submits_of_one_form_create_one_claim(holder, holder_user,
                                                               cyber_policy):
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(portal_claim_report(
                holder=holder, user=holder_user, submission_token=token, policy=cyber_policy,
                loss_type=loss_type("ransomware"), loss_date=timezone.localdate(),
                description="Ransomware, clicked twice", emergency=True,
            ))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Claim.objects.count() == 1
    assert sorted(created for _claim, created in results) == [False, True]
    assert results[0][0].pk == results[1][0].pk


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"loss_date": "2999-01-01"}, "loss_date", "The date cannot be in the future."),
    ({"estimated_amount": "-5"}, "estimated_amount", "greater than or equal to 0"),
    ({"estimated_amount": "a lot"}, "estimated_amount", "is not an amount"),
    ({"estimated_amount": "12.345"}, "estimated_amount", "is ambiguous"),
    ({"estimated_amount": "12,3456"}, "estimated_amount", "at most 2 decimal places"),
    ({"estimated_amount": "\uff11\uff12\uff13"}, "estimated_amount", "with the digits 0-9 only"),
    ({"estimated_amount": "\u0661\u0662\u0663"}, "estimated_amount", "with the digits 0-9 only"),
    ({"estimated_amount": "1_000"}, "estimated_amount", "is not an amount"),
    ({"estimated_amount": "1e2"}, "estimated_amount", "is not an amount"),
    ({"estimated_amount": "100000000.01"}, "estimated_amount", "100000000"),
    ({"loss_date": "0001-01-01"}, "loss_date", "cannot be before 01.01.1990"),
    ({"description": ""}, "description", "This field is required."),
    ({"loss_type": None}, "loss_type", "This field is required."),
])
def test_invalid_entries_are_shown_next_to_their_field(portal, cyber_policy, changes, field,
                                                       message):
    response = portal.post(reverse("portal:report"), _data(portal, cyber_policy, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not Claim.objects.exists()


def test_a_liability_report_without_claimant_is_refused_in_place(portal, itl_policy):
    data = _data(portal, itl_policy, loss_type=loss_type("missed_deadline").pk)
    response = portal.post(reverse("portal:report"), data)
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert "Name the third party" in " ".join(errors["claimant_name"])
    assert "address or email" in " ".join(errors["claimant_address"])
    assert not Claim.objects.exists()


def test_a_loss_type_the_policy_does_not_cover_is_refused(portal, cyber_policy):
    data = _data(portal, cyber_policy, loss_type=loss_type("missed_deadline").pk)
    response = portal.post(reverse("portal:report"), data)
    assert response.status_code == 400
    assert "does not cover this" in " ".join(response.context["form"].errors["loss_type"])
    assert not Claim.objects.exists()


def test_the_corrected_form_gets_a_new_token_and_keeps_the_entries(portal, cyber_policy):
    data = _data(portal, cyber_policy, loss_date="2999-01-01")
    response = portal.post(reverse("portal:report"), data)
    page = response.content.decode()
    assert "All our laptops show a ransom note" in page
    new_token = portal.session["portal_report_tokens"][-1]
    assert new_token != data["submission_token"]
    assert f'value="{new_token}"' in page


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("invoice.pdf", EXE, "programs and scripts are not accepted"),
    ("page.html", HTML, "HTML, SVG and other markup files are not accepted"),
    ("empty.pdf", b"", "empty"),
])
def test_refused_uploads_are_named_and_nothing_is_written(portal, cyber_policy, settings, name,
                                                          content, problem):
    data = _data(portal, cyber_policy, documents=[upload("good.pdf"), upload(name, content)])
    response = portal.post(reverse("portal:report"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert name in page
    assert problem in page
    assert "please choose them again" in page
    assert not Claim.objects.exists()
    assert not ClaimDocument.objects.exists()
    assert _stored_files(settings) == []


def test_an_upload_above_the_size_limit_is_refused(portal, cyber_policy, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    data = _data(portal, cyber_policy, documents=upload("scan.pdf", PDF + b"0" * 2048))
    response = portal.post(reverse("portal:report"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "scan.pdf: the file is" in page and "the limit is 1.0" in page
    assert not Claim.objects.exists()


def test_too_many_files_are_refused(portal, cyber_policy, settings):
    settings.PORTAL_MAX_FILES = 2
    data = _data(portal, cyber_policy, documents=[upload(f"{n}.pdf") for n in range(3)])
    response = portal.post(reverse("portal:report"), data)
    assert "At most 2 files" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_failure_after_the_files_were_stored_leaves_no_claim_and_no_file(
        holder, holder_user, cyber_policy, settings, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        portal_claim_report(
            holder=holder, user=holder_user, submission_token=uuid.uuid4(), policy=cyber_policy,
            loss_type=loss_type("ransomware"), loss_date=timezone.localdate(),
            description="Ransomware", emergency=False, documents=[upload("note.pdf")],
        )
    assert not Claim.objects.exists()
    assert not ClaimDocument.objects.exists()
    assert _stored_files(settings) == []


def test_the_claimant_fields_are_not_marked_optional_but_say_what_is_needed(portal, itl_policy):
    page = portal.get(reverse("portal:report")).content.decode()
    claimant = page[page.index('id="claimant"'):]
    claimant = claimant[:claimant.index("</fieldset>")]

    assert "(optional)" not in claimant
    assert "Needed when someone claims against you." in claimant
    assert "at least one of the two" in claimant
