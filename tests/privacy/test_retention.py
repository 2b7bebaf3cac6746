"""Retention and erasure: past its period a closed claim is pseudonymised by the beat task,
keeping amounts, dates and the ledger (``check_ledger`` still reconciles); a legal hold stops it;
an erasure request is answered with what was erased and what is kept and why."""

from __future__ import annotations

import json
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from claims.exceptions import TransitionConflict
from claims.models import ClaimDocument, ClaimNote
from claims.money.models import CostLine, LedgerEntry, Payment
from claims.vendors.models import VendorJob
from config.models import AuditEntry
from policies.models import InsuranceYearAccount, Policyholder
from privacy.models import ErasureRequest, Pseudonymisation, RetentionRule, SubjectKind
from privacy.selectors import claims_due
from privacy.services import (
    data_export_build,
    data_export_request,
    erasure_request_submit,
    legal_hold_place,
    legal_hold_release,
    retention_sweep,
)
from privacy.services.pseudonymise import REMOVED, pseudonymising
from privacy.services.retention import _claim_pseudonymise
from tests.factories import walk
from tests.privacy.conftest import years_later

pytestmark = pytest.mark.django_db


def money_of(claim) -> dict:
    return {
        "lines": list(CostLine.objects.filter(claim=claim).values_list("amount", "payee_kind")),
        "ledger": list(LedgerEntry.objects.filter(claim=claim).values_list("kind", "amount",
                                                                           "created_at")),
        "payments": list(Payment.objects.filter(claim=claim).values_list("amount", "status",
                                                                         "paid_at")),
        "accounts": list(InsuranceYearAccount.objects.values_list("pk", "committed")),
    }


def ledger_ok() -> str:
    out = StringIO()
    call_command("check_ledger", stdout=out)
    return out.getvalue()


def test_a_closed_claim_is_kept_ten_years_then_pseudonymised_with_the_ledger_intact(
    closed_claim, django_capture_on_commit_callbacks
):
    before = money_of(closed_claim)
    files = [d.file.name for d in ClaimDocument.objects.filter(claim=closed_claim)]
    assert retention_sweep(today=years_later(10, days=-1)) == {"claims": 0, "policyholders": 0}

    with django_capture_on_commit_callbacks(execute=True):
        done = retention_sweep(today=years_later(10))

    assert done["claims"] == 1
    closed_claim.refresh_from_db()
    assert closed_claim.description == REMOVED
    assert closed_claim.state == "closed" and closed_claim.number
    assert set(ClaimNote.objects.filter(claim=closed_claim).values_list("text", flat=True)) == {
        REMOVED}
    assert not any(default_storage.exists(name) for name in files)
    assert set(ClaimDocument.objects.filter(claim=closed_claim).values_list(
        "original_name", "file")) == {(REMOVED, "")}
    assert set(CostLine.objects.filter(claim=closed_claim).values_list(
        "payee_name", flat=True)) == {REMOVED}
    assert "Schmidt" not in str(list(AuditEntry.objects.filter(
        claim_id=closed_claim.pk).values("reason", "payload", "from_value", "to_value",
                                         "object_repr")))
    assert money_of(closed_claim) == before
    assert "Ledger OK" in ledger_ok()
    record = Pseudonymisation.objects.get(claim=closed_claim)
    assert record.rule.applies_to == "closed_claim" and record.summary["documents_deleted"] == 2
    assert AuditEntry.objects.filter(action="privacy.claim_pseudonymised").count() == 1
    assert retention_sweep(today=years_later(11)) == {"claims": 0, "policyholders": 0}


def test_an_export_after_pseudonymisation_still_reconciles_with_the_ledger(
    closed_claim, holder, privacy_admin
):
    retention_sweep(today=years_later(10))
    export = data_export_request(by=privacy_admin, subject_kind=SubjectKind.POLICYHOLDER,
                                 policyholder=holder)
    data_export_build(export_id=export.pk)
    export.refresh_from_db()
    data = json.loads(zipfile.ZipFile(export.file.open("rb")).read("data.json"))

    [claim] = data["claims"]
    paid = sum(Decimal(p["amount"]) for p in claim["payments_to_you"])
    booked = sum(LedgerEntry.objects.filter(claim=closed_claim, kind="payment").values_list(
        "amount", flat=True))
    assert paid == booked == Decimal("4000.00")
    assert claim["description"] == REMOVED and claim["documents"][0]["file_in_export"] == ""
    assert {p["payee_name"] for p in claim["payments_to_you"]} == {REMOVED}


def test_the_period_is_data_an_administrator_can_change(closed_claim):
    RetentionRule.objects.filter(applies_to="closed_claim").update(years=6)

    assert retention_sweep(today=years_later(6))["claims"] == 1


def test_a_report_that_never_became_a_claim_goes_after_three_years(policy, holder_user):
    from tests.factories import report

    withdrawn = walk(report(policy, holder_user), holder_user, "withdraw")

    assert retention_sweep(today=years_later(3, days=-1))["claims"] == 0
    assert retention_sweep(today=years_later(3))["claims"] == 1
    withdrawn.refresh_from_db()
    assert withdrawn.withdrawal_reason == REMOVED


def test_a_legal_hold_stops_pseudonymisation_until_it_is_released(closed_claim, adjuster):
    hold = legal_hold_place(claim=closed_claim, reason="Lawsuit LG Augsburg 2 O 123/26",
                            by=adjuster)
    with pytest.raises(TransitionConflict, match="already"):
        legal_hold_place(claim=closed_claim, reason="again", by=adjuster)

    assert retention_sweep(today=years_later(12))["claims"] == 0
    closed_claim.refresh_from_db()
    assert closed_claim.description != REMOVED

    legal_hold_release(hold=hold, reason="Judgment final", by=adjuster)
    assert retention_sweep(today=years_later(12))["claims"] == 1
    assert list(AuditEntry.objects.filter(object_type="privacy.legalhold").values_list(
        "action", flat=True)) == ["privacy.legal_hold_placed", "privacy.legal_hold_released"]


def test_pseudonymising_may_change_texts_of_append_only_rows_but_never_amounts(closed_claim):
    line = CostLine.objects.filter(claim=closed_claim).first()
    entry = LedgerEntry.objects.filter(claim=closed_claim).first()
    for statement in (f"UPDATE money_costline SET amount = 1 WHERE id = {line.pk}",
                      f"UPDATE money_ledgerentry SET amount = 1, reason = 'x' "
                      f"WHERE id = {entry.pk}",
                      f"DELETE FROM money_ledgerentry WHERE id = {entry.pk}"):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), \
                pseudonymising(), connection.cursor() as cursor:
            cursor.execute(statement)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claimnote SET text = 'x'")  # outside pseudonymising
    assert "Ledger OK" in ledger_ok()


def test_the_policyholder_record_goes_when_no_policy_and_no_claim_is_kept(
    closed_claim, holder, holder_user
):
    policy = closed_claim.policy
    type(policy).objects.filter(pk=policy.pk).update(status="expired")
    export = data_export_request(by=holder_user, subject_kind=SubjectKind.POLICYHOLDER,
                                 policyholder=holder)
    data_export_build(export_id=export.pk)

    retention_sweep(today=years_later(12))

    holder.refresh_from_db()
    holder_user.refresh_from_db()
    assert holder.company_name.startswith(REMOVED) and holder.street == "" and holder.phone == ""
    assert not holder_user.is_active and not holder_user.has_usable_password()
    assert Pseudonymisation.objects.filter(policyholder=holder).exists()
    export.refresh_from_db()
    assert export.status == "expired" and not export.file  # the copy went with the data


def test_an_erasure_request_erases_what_is_due_and_keeps_the_rest_with_reasons(
    closed_claim, claimant_claim, holder, holder_user, adjuster
):
    answer = erasure_request_submit(by=holder_user, subject_kind=SubjectKind.POLICYHOLDER,
                                    policyholder=holder, note="Please erase everything.",
                                    today=years_later(10, days=5))

    assert answer.status == ErasureRequest.Status.ANSWERED
    assert [row["what"] for row in answer.erased] == [f"Claim {closed_claim.number}"]
    kept = {row["what"]: row["why"] for row in answer.kept}
    assert "still being handled" in kept[f"Claim {claimant_claim.number}"]
    assert "10 years" in kept["Your policyholder record, login and policies"]
    closed_claim.refresh_from_db()
    assert closed_claim.description == REMOVED
    assert Pseudonymisation.objects.get(claim=closed_claim).erasure_request == answer
    assert {"privacy.erasure_requested", "privacy.erasure_answered"} <= set(
        AuditEntry.objects.values_list("action", flat=True))


def test_an_erasure_request_keeps_a_held_claim_and_says_why(closed_claim, adjuster,
                                                            privacy_admin):
    legal_hold_place(claim=closed_claim, reason="Lawsuit by the client", by=adjuster)

    answer = erasure_request_submit(by=privacy_admin, subject_kind=SubjectKind.POLICYHOLDER,
                                    policyholder=closed_claim.policy.policyholder,
                                    today=years_later(11))

    assert answer.erased == []
    assert "Legal hold" in answer.kept[0]["why"] and "Lawsuit" in answer.kept[0]["why"]
    assert Policyholder.objects.filter(pseudonymisation__isnull=False).count() == 0


def test_a_vendor_contact_erasure_keeps_an_active_vendors_contact(organisation, privacy_admin):
    answer = erasure_request_submit(by=privacy_admin, subject_kind=SubjectKind.VENDOR_CONTACT,
                                    vendor_organisation=organisation)
    assert "active vendor" in answer.kept[0]["why"]

    type(organisation).objects.filter(pk=organisation.pk).update(active=False,
                                                                 contact_name="Ole Nord")
    answer = erasure_request_submit(by=privacy_admin, subject_kind=SubjectKind.VENDOR_CONTACT,
                                    vendor_organisation=organisation)
    organisation.refresh_from_db()
    assert organisation.contact_name == "" and answer.erased
    assert VendorJob.objects.count() == 0


def test_the_command_lists_then_pseudonymises_and_refuses_a_bad_date(closed_claim):
    later = years_later(10).isoformat()
    out = StringIO()
    call_command("retention_sweep", "--dry-run", "--today", later, stdout=out)
    assert f"{closed_claim.number}: closed_claim" in out.getvalue()
    assert "1 claim(s) due" in out.getvalue() and not Pseudonymisation.objects.exists()

    out = StringIO()
    call_command("retention_sweep", "--today", later, stdout=out)
    assert "Pseudonymised 1 claim(s)" in out.getvalue()
    with pytest.raises(CommandError, match="not a date"):
        call_command("retention_sweep", "--today", "soon")


def test_a_claim_reopened_after_it_was_found_due_is_not_pseudonymised(closed_claim, adjuster):
    later = years_later(10)
    [found] = claims_due(today=later)
    walk(closed_claim, adjuster, "reopen")

    with pytest.raises(TransitionConflict, match="not past its retention period"):
        _claim_pseudonymise(retention=found, today=later, by=None)
    closed_claim.refresh_from_db()
    assert closed_claim.description != REMOVED
