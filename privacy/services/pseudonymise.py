"""Pseudonymisation: personal data out, figures in.

Names, addresses, e-mail addresses, phone numbers and free text are replaced; documents are
deleted from storage (their row stays, so the vendor jobs and requests that point to them stay
whole). Amounts, dates, states, numbers and the ledger are untouched, so ``check_ledger`` and the
bordereaux still reconcile.

Append-only tables (notes, progress updates, cost lines, reserves, ledger, audit) accept an UPDATE
of their text columns only inside ``pseudonymising()`` (a transaction-local setting the
triggers of migration ``privacy.0002`` look for); their amounts and keys stay refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q

from claims.models import (
    Activity,
    Claim,
    ClaimDocument,
    ClaimNote,
    InformationRequest,
)
from claims.money.models import (
    CostLine,
    InterruptionAssessment,
    LedgerEntry,
    PayeeKind,
    Payment,
    ReserveChange,
    Settlement,
)
from claims.vendors.models import VendorJob, VendorProgressUpdate
from config.models import AuditEntry
from policies.models import Policyholder
from privacy.models import DataExport

REMOVED = "[pseudonymised]"
# Values kept in audit rows and payloads: amounts, numbers, dates, codes (states, types).
SAFE_VALUE = re.compile(
    r"^(-?\d+(\.\d+)?|\d{4}-\d{2}-\d{2}([T ][\d:.+\-Z]*)?|[a-z0-9_.\-]*|\d{4}-\d{5,})$"
)
# Audit rows whose object label is not personal (claim numbers, money objects, jobs).
SAFE_REPR_TYPES = {"claims.claim", "money.settlement", "money.ledgerentry",
                   "money.reservechange", "policies.policy", "vendors.vendorjob",
                   "claims.activity", "claims.informationrequest"}


@contextmanager
def pseudonymising() -> Iterator[None]:
    """Allow the text columns of append-only rows to be overwritten in this transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("pseudonymising() needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('privacy.pseudonymising', 'on', true)")
    yield
    # On an error the transaction (or savepoint) rolls back, and the setting with it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('privacy.pseudonymising', 'off', true)")


# Payload keys whose values are personal whatever they look like.
PERSONAL_KEYS = {"username", "name", "email", "phone", "claimant_name", "claimant_email",
                 "claimant_address", "payee_name", "contact_name", "company_name"}


def scrub(value):
    """A JSON value with every string that may be personal replaced."""
    if isinstance(value, dict):
        return {key: REMOVED if key in PERSONAL_KEYS and item else scrub(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if isinstance(value, str) and value and not SAFE_VALUE.match(value):
        return REMOVED
    return value


def _text(value: str) -> str:
    return REMOVED if value else value


def _rewrite(queryset, fields: list[str]) -> int:
    """Overwrite the non-empty ``fields`` of every row with the marker (one UPDATE per field)."""
    count = 0
    for name in fields:
        count += queryset.exclude(**{name: ""}).exclude(**{name: REMOVED}).update(
            **{name: REMOVED})
    return count


def audit_scrub(entries) -> int:
    """Pseudonymise audit rows: reasons, personal from/to values, labels and payload texts."""
    changed = 0
    for entry in entries.order_by("pk"):
        values = {
            "reason": _text(entry.reason),
            "from_value": entry.from_value if SAFE_VALUE.match(entry.from_value) else REMOVED,
            "to_value": entry.to_value if SAFE_VALUE.match(entry.to_value) else REMOVED,
            "object_repr": entry.object_repr if entry.object_type in SAFE_REPR_TYPES
            else f"{entry.object_type} {entry.object_id}",
            "payload": scrub(entry.payload),
        }
        if any(getattr(entry, key) != value for key, value in values.items()):
            AuditEntry.objects.filter(pk=entry.pk).update(**values)
            changed += 1
    return changed


def documents_delete(documents, *, name_field: str | None = "original_name") -> int:
    """Delete the files (after commit, so a rollback keeps them) and blank their names."""
    deleted = 0
    for document in documents.exclude(file=""):
        storage, name = document.file.storage, document.file.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        deleted += 1
    documents.update(file="", **({name_field: REMOVED} if name_field else {}))
    return deleted


def claim_scrub(claim: Claim) -> dict[str, int]:
    """Pseudonymise one claim and everything on it; returns how many rows of each kind changed.
    Runs inside the caller's transaction and ``pseudonymising()`` block."""
    claimant = {"claimant_name": REMOVED if claim.claimant_name else "",
                "claimant_email": "", "claimant_address": REMOVED if claim.claimant_address
                else ""}
    Claim.objects.filter(pk=claim.pk).update(
        description=REMOVED, denial_text=_text(claim.denial_text),
        withdrawal_reason=_text(claim.withdrawal_reason), **claimant)
    jobs = VendorJob.objects.filter(claim=claim)
    summary = {
        "claim": 1,
        "notes": _rewrite(ClaimNote.objects.filter(claim=claim), ["text"]),
        "information_requests": _rewrite(InformationRequest.objects.filter(claim=claim),
                                         ["question", "answer"]),
        "activities": _rewrite(Activity.objects.filter(claim=claim), ["completion_note"]),
        "vendor_jobs": _rewrite(jobs, ["scope", "decline_reason", "cancel_reason",
                                       "overrun_reason"]),
        "progress_updates": _rewrite(VendorProgressUpdate.objects.filter(job__claim=claim),
                                     ["text"]),
        "cost_lines": _rewrite(CostLine.objects.filter(claim=claim), ["reason"])
        + _rewrite(CostLine.objects.filter(claim=claim).exclude(payee_kind=PayeeKind.VENDOR),
                   ["payee_name"]),
        "payments": _rewrite(Payment.objects.filter(claim=claim).exclude(
            payee_kind=PayeeKind.VENDOR), ["payee_name"]),
        "reserves": _rewrite(ReserveChange.objects.filter(claim=claim), ["reason"]),
        "interruption_assessments": _rewrite(
            InterruptionAssessment.objects.filter(claim=claim), ["reason"]),
        "settlements": _rewrite(Settlement.objects.filter(claim=claim), ["refusal_reason"]),
        "ledger_entries": _rewrite(LedgerEntry.objects.filter(claim=claim), ["reason"]),
        "documents_deleted": documents_delete(ClaimDocument.objects.filter(claim=claim)),
        "audit_entries": audit_scrub(AuditEntry.objects.filter(claim_id=claim.pk)),
    }
    return {key: value for key, value in summary.items() if value}


def policyholder_scrub(holder: Policyholder) -> dict[str, int]:
    """Pseudonymise a policyholder's own record and login (policies keep their figures)."""
    Policyholder.objects.filter(pk=holder.pk).update(
        company_name=f"{REMOVED} {holder.pk}", contact_name="", phone="", street="",
        postcode="", city="", email=f"pseudonymised-{holder.pk}@invalid.example",
    )
    summary = {"policyholder": 1}
    if holder.user_id:
        user = holder.user
        user.username = f"erased-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["username", "first_name", "last_name", "email", "is_active",
                                 "password"])
        summary["login"] = 1
    exports = DataExport.objects.filter(
        pk__in=list(DataExport.objects.filter(policyholder=holder).exclude(file="")
                    .values_list("pk", flat=True)))
    summary["exports_deleted"] = documents_delete(exports, name_field=None)
    exports.update(status=DataExport.Status.EXPIRED, step="Deleted with the person's data")
    summary["audit_entries"] = audit_scrub(AuditEntry.objects.filter(
        Q(object_type="policies.policyholder", object_id=str(holder.pk))))
    return summary
