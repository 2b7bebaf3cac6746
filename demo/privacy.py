"""Demo data of the privacy app (called by ``manage.py demo_data``), idempotent:

- a legacy file: a cyber claim of 2014 at "Altbestand Datentechnik" (policy 2013/14), paid and
  closed in the previous claims system (migrated), now past its 10-year retention period: the
  retention task pseudonymises it (and the policyholder, whose last policy ended in 2014), while
  its settlement, payment and ledger stay and ``check_ledger`` still reconciles;
- an export Anna Schmidt requested in the portal, ready to download;
- a legal hold on a closed demo claim (a lawsuit), and an access log entry of an adjuster.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from claims.models import Claim, ClaimDocument, ClaimNote, ClaimState
from claims.money.models import Payment
from claims.money.services import (
    cost_line_add,
    payment_execute,
    settlement_approve,
    settlement_propose,
)
from claims.services import claim_report, claim_transition, document_add, note_add
from coverage.models import CostCategory, LossType, Product
from policies.models import Industry, Policy, Policyholder
from policies.services import policies_expire_due, policy_create, policyholder_create
from privacy.models import AccessLogEntry, DataExport, LegalHold, SubjectKind
from privacy.services import (
    access_record,
    data_export_build,
    data_export_request,
    legal_hold_place,
    retention_sweep,
)

LEGACY_NUMBER = "CY-2013-900001"
LEGACY_DESCRIPTION = ("Legacy file (migrated): ransomware encrypted the file server of "
                      "Altbestand Datentechnik; Klaus Berger, +49 89 765432, restored backups.")
LEGACY_CLOSED_AT = datetime(2015, 2, 16, 10, 30)


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _legacy_claim(adjuster, lead) -> Claim:
    claim = Claim.objects.filter(policy__number=LEGACY_NUMBER).first()
    if claim is not None:
        return claim
    holder = Policyholder.objects.filter(company_name="Altbestand Datentechnik GmbH").first()
    if holder is None:
        holder = policyholder_create(
            company_name="Altbestand Datentechnik GmbH", contact_name="Klaus Berger",
            email="k.berger@altbestand.example", phone="+49 89 765432",
            street="Isartalstr. 12", postcode="80469", city="München",
            industry=Industry.IT_SERVICES, annual_revenue=Decimal("90000.00"),
            username="klaus.berger", password="demo-legacy-unused", created_by=None)
    policy = Policy.objects.filter(number=LEGACY_NUMBER).first() or policy_create(
        policyholder=holder, product=Product.objects.get(code="cyber"),
        start_date=date(2013, 3, 1), term_years=1, deductible=Decimal("1000.00"),
        sections={"cyber_own_damage": Decimal("100000")}, number=LEGACY_NUMBER,
        created_by=None)
    claim = claim_report(
        policy=policy, loss_type=LossType.objects.get(code="ransomware"),
        loss_date=date(2014, 1, 20), description=LEGACY_DESCRIPTION, reported_by=adjuster,
        estimated_amount=Decimal("6000.00"), now=timezone.make_aware(datetime(2014, 1, 21, 9)))
    note_add(claim=claim, text="Mr Berger sent the invoice of the backup restore.",
             author=adjuster, visibility=ClaimNote.Visibility.POLICYHOLDER)
    document_add(claim=claim, upload=_file("berger-invoice-2014.txt"),
                 doc_type=ClaimDocument.Type.INVOICE, uploaded_by=adjuster)
    for transition in ("start_liability_check", "start_settlement"):
        claim_transition(claim=claim, transition=transition, by=adjuster)
    cost_line_add(claim=claim, category=CostCategory.objects.get(code="restoration"),
                  amount=Decimal("5400.00"), payee_kind="policyholder", by=adjuster)
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=lead)
    for payment in Payment.objects.filter(settlement=settlement).order_by("pk"):
        payment_execute(payment_id=payment.pk)
    _closed_in_the_old_system(claim)
    return claim


def _file(name: str):
    from django.core.files.base import ContentFile

    return ContentFile(b"Invoice 2014-017: backup restore for Klaus Berger, 5,400.00 EUR\n",
                       name=name)


def _closed_in_the_old_system(claim: Claim) -> None:
    """The file was closed in 2015 in the system we migrated from: the state and the closing
    audit row (with its original date) are taken over as they were."""
    Claim.objects.filter(pk=claim.pk).update(state=ClaimState.CLOSED)
    closed_at = timezone.make_aware(LEGACY_CLOSED_AT)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO infra_auditentry (created_at, action, object_type, object_id, "
            "object_repr, claim_id, from_value, to_value, reason, payload) "
            "VALUES (%s, 'claim.transition', 'claims.claim', %s, %s, %s, 'paid', 'closed', "
            "%s, %s::jsonb)",
            [closed_at, str(claim.pk), claim.number, claim.pk,
             "Closed in the previous claims system (migrated).",
             '{"transition": "close", "migrated": true}'],
        )


def _export_of(username: str) -> DataExport | None:
    user = _user(username)
    holder = getattr(user, "policyholder", None) if user else None
    if holder is None:
        return None
    export = DataExport.objects.filter(policyholder=holder).first()
    if export is None:
        export = data_export_request(by=user, subject_kind=SubjectKind.POLICYHOLDER,
                                     policyholder=holder)
    if export.status in (DataExport.Status.QUEUED, DataExport.Status.RUNNING):
        data_export_build(export_id=export.pk)  # the worker may not run during the demo load
        export.refresh_from_db()
    return export


def _hold_and_log(adjuster) -> None:
    claim = (Claim.objects.filter(state=ClaimState.CLOSED).exclude(policy__number=LEGACY_NUMBER)
             .select_related("policy__policyholder").order_by("pk").first())
    if claim is None:
        return
    if not LegalHold.objects.filter(claim=claim).exists():
        legal_hold_place(claim=claim, by=adjuster, reason=(
            "The client sued the insured (LG Augsburg, 2 O 117/26): keep the whole file until "
            "the judgment is final."))
    if not AccessLogEntry.objects.filter(claim=claim).exists():
        access_record(user=adjuster, what=AccessLogEntry.What.CLAIM,
                      channel=AccessLogEntry.Channel.ADMIN, claim=claim)
        document = claim.documents.exclude(file="").first()
        if document is not None:
            access_record(user=adjuster, what=AccessLogEntry.What.DOCUMENT,
                          channel=AccessLogEntry.Channel.ADMIN, document=document)


def load(stdout) -> list[tuple[str, str, str]]:
    adjuster, lead = _user("adjuster"), _user("teamlead")
    if adjuster is None or lead is None:
        stdout.write("Privacy: the claims demo is missing; nothing loaded.")
        return []
    legacy = _legacy_claim(adjuster, lead)
    policies_expire_due()  # the daily task: the 2013/14 policy has long expired
    swept = retention_sweep()
    export = _export_of("anna.schmidt")
    _hold_and_log(adjuster)
    legacy.refresh_from_db()
    state = "pseudonymised" if hasattr(legacy, "pseudonymisation") else "kept"
    ready = f"ready until {timezone.localtime(export.expires_at):%d.%m.%Y}" if (
        export and export.expires_at) else "none"
    stdout.write(f"Privacy: legacy claim {legacy.number} (closed {LEGACY_CLOSED_AT:%d.%m.%Y}) "
                 f"{state}; this run pseudonymised {swept['claims']} claim(s) and "
                 f"{swept['policyholders']} policyholder(s); Anna Schmidt's export: {ready}.")
    return []
