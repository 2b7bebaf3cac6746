"""Demo: a ransomware campaign through a flaw in "FileBridge MFT" hits the demo policyholders.
Two claims are linked (one reported under the event in the portal's short form, one suggestion
confirmed), two are suggested for an adjuster to confirm, the policies record their IT providers
and software, and the vendor panel has a daily capacity.

``load`` is idempotent: the event is found by its name; nothing is added once it exists.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.events.models import CyberEvent, EventSuggestion
from claims.events.services import (
    event_bulk_note,
    event_declare,
    event_report_register,
    event_report_submit,
    suggestion_confirm,
    vendor_capacity_set,
)
from claims.services import claim_report
from claims.vendors.models import VendorOrganisation
from coverage.models import LossType
from policies.dependencies import policy_dependencies_set
from policies.models import Policy

EVENT_NAME = "FileBridge MFT ransomware campaign"
DEPENDENCIES = {
    "CY-DEMO-0001": [("software", "FileBridge MFT"), ("provider", "Hetzner Cloud")],
    "CY-DEMO-0002": [("software", "FileBridge MFT"), ("provider", "DATEV")],
    "CY-DEMO-0003": [("software", "FileBridge MFT"), ("provider", "CloudHost")],
    "IT-DEMO-0001": [("provider", "CloudHost")],
}
# policy, loss type, days ago, description; reported before the event is declared
EARLIER_REPORTS = [
    ("CY-DEMO-0001", "ransomware", 2,
     "All files on our file server were encrypted overnight; a ransom note asks for Bitcoin."),
    ("CY-DEMO-0002", "hacking", 1,
     "Our FileBridge MFT server shows unknown admin accounts and large uploads at night."),
    ("IT-DEMO-0001", "ransomware", 1,
     "A client's shop, which we host, was encrypted; the client blames our setup."),
]


def load(stdout) -> list[tuple[str, str, str]]:
    if CyberEvent.objects.filter(name=EVENT_NAME).exists():
        stdout.write("Cyber events: the demo event exists already.")
        return []
    User = get_user_model()
    adjuster = User.objects.get(username="adjuster")
    policies = {policy.number: policy for policy in
                Policy.objects.filter(number__in=DEPENDENCIES).select_related(
                    "policyholder__user")}
    for number, entries in DEPENDENCIES.items():
        policy = policies[number]
        policy_dependencies_set(policy=policy, by=policy.policyholder.user, dependencies=[
            {"kind": kind, "name": name} for kind, name in entries])
    now = timezone.now()
    for number, code, days_ago, description in EARLIER_REPORTS:
        policy = policies[number]
        claim_report(policy=policy, loss_type=LossType.objects.get(code=code),
                     loss_date=timezone.localdate() - timedelta(days=days_ago),
                     description=description, reported_by=policy.policyholder.user,
                     estimated_amount=Decimal("18000.00"), now=now)
    panel = list(VendorOrganisation.objects.filter(services__code="forensics", active=True)
                 .order_by("name"))
    event = event_declare(
        by=adjuster, name=EVENT_NAME, kind="malware_campaign",
        description=("Criminals exploit a flaw in the file-transfer software FileBridge MFT "
                     "(CVE-2026-31337) and encrypt the servers behind it with the "
                     "LockBridge ransomware. If you use FileBridge MFT: disconnect it, "
                     "do not pay, report here."),
        starts_at=now - timedelta(days=3), software=["FileBridge MFT"],
        indicators=["LockBridge", "lockbridge-readme.txt"], cve_id="CVE-2026-31337",
        loss_types=list(LossType.objects.filter(code="ransomware")),
        vendor_panel=panel,
    )
    if panel:
        vendor_capacity_set(organisation=panel[0], jobs_per_day=5, by=adjuster)
    first = EventSuggestion.objects.filter(
        event=event, claim__policy__number="CY-DEMO-0001").first()
    if first is not None:
        suggestion_confirm(suggestion=first, by=adjuster)
    yilmaz = policies["CY-DEMO-0003"]
    received, _created = event_report_submit(
        event=event, user=yilmaz.policyholder.user, policy=yilmaz,
        loss_type=LossType.objects.get(code="ransomware"), loss_date=timezone.localdate(),
        description=("Hit by the FileBridge campaign: the warehouse PCs show "
                     "lockbridge-readme.txt and nothing opens."),
        emergency=False, estimated_amount=Decimal("25000.00"),
    )
    event_report_register(report_id=received.pk)  # the worker's half, at once for the demo
    event_bulk_note(event=event, by=adjuster,
                    text="Part of the FileBridge MFT campaign: check the FileBridge "
                         "version and the patch date first.")
    stdout.write(f"Cyber events: {EVENT_NAME} with {event.links.count()} linked and "
                 f"{event.suggestions.filter(status='open').count()} suggested claims.")
    return []
