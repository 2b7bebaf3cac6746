"""What an export holds about each kind of person, as plain JSON-ready dicts, plus the documents
to put next to it. Internal notes are left out (they are the insurer's working notes, not
addressed to the person); notes visible to the policyholder are included."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q

from claims.models import Claim, ClaimDocument, ClaimNote
from claims.money.models import PayeeKind, Payment, Settlement
from claims.vendors.models import VendorJob, VendorProgressUpdate
from config.models import AuditEntry

from .models import AccessLogEntry, SubjectKind
from .selectors import subject_claims


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _row(obj, names: list[str]) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


@dataclass
class Collected:
    data: dict
    documents: list[tuple[str, ClaimDocument]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {key: len(value) for key, value in self.data.items() if isinstance(value, list)}
        counts["claims"] = len(self.data.get("claims", []))
        counts["documents"] = len(self.documents)
        return counts


def _user_row(user) -> dict | None:
    if user is None:
        return None
    return _row(user, ["username", "first_name", "last_name", "email", "date_joined",
                       "last_login", "is_active"])


def _documents(claim: Claim, documents, collected: Collected) -> list[dict]:
    rows = []
    for document in documents:
        path = ""
        if document.file:
            safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in document.original_name)
            path = f"documents/{claim.number}/{document.pk}_{safe}"
            collected.documents.append((path, document))
        rows.append({**_row(document, ["doc_type", "original_name", "content_type", "size",
                                       "sha256", "uploaded_at"]), "file_in_export": path})
    return rows


def _payments(payments) -> list[dict]:
    return [_row(p, ["payee_kind", "payee_name", "amount", "status", "external_reference",
                     "created_at", "paid_at"]) for p in payments]


def _audit(entries) -> list[dict]:
    return [{**_row(e, ["created_at", "action", "object_type", "object_repr", "from_value",
                        "to_value", "reason", "payload"]),
             "claim_id": e.claim_id} for e in entries.order_by("created_at", "id")]


def _access_log(entries) -> list[dict]:
    return [{"at": _plain(e.at), "who": str(e.user), "what": e.get_what_display(),
             "where": e.get_channel_display(),
             "claim": e.claim.number if e.claim_id else "",
             "document": e.document.original_name if e.document_id else ""}
            for e in entries.select_related("user", "claim", "document").order_by("at", "id")]


CLAIM_FIELDS = ["number", "loss_date", "reported_at", "description", "emergency",
                "estimated_amount", "claimant_name", "claimant_email", "claimant_address",
                "state", "denial_reason", "denial_text", "withdrawal_reason", "created_at"]


def _policyholder(subject) -> Collected:
    holder = subject.policyholder
    collected = Collected(data={})
    claims = list(subject_claims(subject))
    claim_ids = [c.pk for c in claims]
    policies = holder.policies.select_related("product").prefetch_related("sections__module")
    collected.data.update({
        "policyholder": _row(holder, ["company_name", "contact_name", "email", "phone",
                                      "industry", "annual_revenue", "street", "postcode",
                                      "city", "country"]),
        "login": _user_row(holder.user),
        "policies": [{
            **_row(p, ["number", "status", "start_date", "expiry_date", "cancelled_from",
                       "deductible", "it_security_discount", "created_at"]),
            "product": p.product.name,
            "sections": [{"module": s.module.name, "sum_insured": _plain(s.sum_insured),
                          "deductible": _plain(s.deductible)} for s in p.sections.all()],
        } for p in policies],
    })
    rows = []
    for claim in claims:
        notes = ClaimNote.objects.filter(claim=claim,
                                         visibility=ClaimNote.Visibility.POLICYHOLDER)
        updates = VendorProgressUpdate.objects.filter(job__claim=claim,
                                                      visible_to_policyholder=True)
        rows.append({
            **_row(claim, CLAIM_FIELDS), "loss_type": claim.loss_type.name,
            "policy": claim.policy.number,
            "notes_to_you": [_row(n, ["created_at", "text"]) for n in notes],
            "questions_and_answers": [
                _row(r, ["requested_at", "question", "due_date", "status", "answer"])
                for r in claim.information_requests.all()],
            "vendor_progress": [_row(u, ["created_at", "percent", "text"]) for u in updates],
            "documents": _documents(claim, claim.documents.all(), collected),
            "settlements": [_row(s, ["state", "approved_amount", "deductible_taken",
                                     "decided_at"]) for s in Settlement.objects.filter(
                claim=claim, state__in=["approved", "paid"])],
            "payments_to_you": _payments(Payment.objects.filter(
                claim=claim, payee_kind=PayeeKind.POLICYHOLDER)),
        })
    collected.data["claims"] = rows
    about_you = Q(object_type="policies.policyholder", object_id=str(holder.pk)) | Q(
        object_type="policies.policy",
        object_id__in=[str(pk) for pk in holder.policies.values_list("pk", flat=True)]) | Q(
        claim_id__in=claim_ids, object_type="claims.claim")
    if holder.user_id:
        about_you |= Q(actor_id=holder.user_id)
    collected.data["audit_entries"] = _audit(AuditEntry.objects.filter(about_you))
    collected.data["access_log"] = _access_log(
        AccessLogEntry.objects.filter(policyholder=holder))
    return collected


def _claimant(subject) -> Collected:
    collected = Collected(data={"claimant_email": subject.claimant_email})
    claims = list(subject_claims(subject))
    collected.data["claims"] = [{
        **_row(claim, ["number", "loss_date", "reported_at", "claimant_name", "claimant_email",
                       "claimant_address", "state", "description"]),
        "loss_type": claim.loss_type.name,
        "insured": claim.policy.policyholder.company_name,
        "documents": _documents(claim, claim.documents.filter(
            doc_type=ClaimDocument.Type.CORRESPONDENCE), collected),
        "payments_to_you": _payments(Payment.objects.filter(
            claim=claim, payee_kind=PayeeKind.CLAIMANT)),
    } for claim in claims]
    collected.data["audit_entries"] = _audit(AuditEntry.objects.filter(
        claim_id__in=[c.pk for c in claims], object_type="claims.claim"))
    collected.data["access_log"] = _access_log(AccessLogEntry.objects.filter(
        claim__in=claims))
    return collected


def _vendor_contact(subject) -> Collected:
    organisation = subject.vendor_organisation
    users = list(get_user_model().objects.filter(vendor_membership__organisation=organisation))
    collected = Collected(data={
        "organisation": _row(organisation, ["name", "contact_name", "contact_email",
                                            "contact_phone", "active", "created_at"]),
        "logins": [_user_row(user) for user in users],
    })
    jobs = VendorJob.objects.filter(organisation=organisation).select_related(
        "claim", "service").order_by("pk")
    rows = []
    for job in jobs:
        mine = ClaimDocument.objects.filter(claim=job.claim, uploaded_by__in=users)
        rows.append({
            "job": job.pk, "claim": job.claim.number, "service": job.service.name,
            **_row(job, ["state", "requested_at", "accepted_at", "decline_reason", "estimate",
                         "approved_estimate", "completed_at", "invoice_amount", "invoiced_at"]),
            "progress_updates": [_row(u, ["created_at", "percent", "text"])
                                 for u in job.progress_updates.filter(author__in=users)],
            "documents": _documents(job.claim, mine, collected),
        })
    collected.data["jobs"] = rows
    collected.data["claims"] = []
    collected.data["payments_to_you"] = _payments(Payment.objects.filter(
        vendor=organisation, payee_kind=PayeeKind.VENDOR))
    collected.data["audit_entries"] = _audit(AuditEntry.objects.filter(
        Q(actor__in=users) | Q(object_type="vendors.vendororganisation",
                               object_id=str(organisation.pk))))
    collected.data["access_log_by_you"] = _access_log(AccessLogEntry.objects.filter(
        user__in=users))
    return collected


def collect(subject) -> Collected:
    """Everything held about the request's subject."""
    builder = {SubjectKind.POLICYHOLDER: _policyholder, SubjectKind.CLAIMANT: _claimant,
               SubjectKind.VENDOR_CONTACT: _vendor_contact}[subject.subject_kind]
    return builder(subject)
