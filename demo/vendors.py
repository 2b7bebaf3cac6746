"""Demo vendors: an organisation for every service with a login each, and jobs in several states
on the demo claims, all made through the services.

``load`` is idempotent: organisations are found by name, users by username, and a job by its
claim, organisation and service.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from claims.models import Claim, ClaimState
from claims.vendors import services
from claims.vendors.models import VendorJob, VendorMembership, VendorOrganisation, VendorService

ORGANISATIONS = [
    # name, services, regions, nationwide, 24/7, panel, contact, username, password
    ("ForensIT 24/7", ["forensics", "virus_removal"], [], True, True, True,
     ("Dr. Petra Lang", "einsatz@forensit.example", "+49 800 3676 247"),
     "vendor.forensics", "demo-vendor-1"),
    ("NightWatch Forensik", ["forensics"], [], True, True, False,
     ("Tobias Brandt", "alarm@nightwatch.example", "+49 30 555 0909"),
     "vendor.forensics2", "demo-vendor-2"),
    ("DataRescue GmbH", ["data_recovery"], ["8", "9"], False, False, True,
     ("Markus Huber", "auftrag@datarescue.example", "+49 821 555 0440"),
     "vendor.datarecovery", "demo-vendor-3"),
    ("CleanSystems Virenentfernung", ["virus_removal"], ["1", "2"], False, False, False,
     ("Aylin Demir", "service@cleansystems.example", "+49 40 555 0606"),
     "vendor.virus", "demo-vendor-4"),
    ("Kanzlei Weber IT-Recht", ["lawyers"], [], True, False, True,
     ("RA Sabine Weber", "kanzlei@weber-itrecht.example", "+49 89 555 0777"),
     "vendor.lawyers", "demo-vendor-5"),
    ("Krisenkommunikation Nord", ["pr_crisis"], ["1", "2"], False, True, True,
     ("Jan Petersen", "krise@kommunikation-nord.example", "+49 40 555 0808"),
     "vendor.pr", "demo-vendor-6"),
    ("CreditGuard Monitoring", ["credit_monitoring"], [], True, True, True,
     ("Laura Klein", "partner@creditguard.example", "+49 69 555 0111"),
     "vendor.credit", "demo-vendor-7"),
    ("Schlüsseldienst Fuggerstadt", ["locksmith"], ["86"], False, True, False,
     ("Anton Maier", "notdienst@schluessel-fugger.example", "+49 821 555 0222"),
     "vendor.locksmith", "demo-vendor-8"),
]


def _pdf(title: str) -> ContentFile:
    body = f"%PDF-1.4\n% {title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    return ContentFile(body.encode(), name=f"{title.lower().replace(' ', '-')}.pdf")


def _organisations() -> dict[str, tuple[VendorOrganisation, object]]:
    User = get_user_model()
    result = {}
    for (name, codes, regions, nationwide, always, panel, contact, username,
         password) in ORGANISATIONS:
        contact_name, email, phone = contact
        organisation, _ = VendorOrganisation.objects.get_or_create(name=name, defaults={
            "regions": regions, "nationwide": nationwide, "available_24_7": always,
            "panel_member": panel, "contact_name": contact_name, "contact_email": email,
            "contact_phone": phone,
        })
        organisation.services.add(*VendorService.objects.filter(code__in=codes))
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=password,
                                            email=f"{username}@vendors.example",
                                            first_name=contact_name)
        VendorMembership.objects.get_or_create(user=user, defaults={"organisation": organisation})
        result[username] = (organisation, user)
    return result


def _claim(loss_type: str, state: str) -> Claim | None:
    return Claim.objects.filter(loss_type__code=loss_type, state=state).order_by("pk").first()


def _job(claim, organisation, service_code, adjuster, scope) -> tuple[VendorJob, bool]:
    service = VendorService.objects.get(code=service_code)
    existing = VendorJob.objects.filter(claim=claim, organisation=organisation,
                                        service=service).first()
    if existing:
        return existing, False
    return services.vendor_job_request(claim=claim, organisation=organisation, service=service,
                                       scope=scope, by=adjuster), True


def _walk(job, vendor, adjuster, *, until: str, estimate="4800.00", invoice="5000.00") -> None:
    """Drive a fresh job through the vendor's and adjuster's actions up to ``until``."""
    steps = ["accepted", "quoted", "approved", "in_progress", "completed", "invoiced"]
    for step in steps[: steps.index(until) + 1]:
        if step == "accepted":
            services.vendor_job_accept(job=job, by=vendor)
        elif step == "quoted":
            services.vendor_job_quote(job=job, estimate=Decimal(estimate), by=vendor,
                                      scope=job.scope or "As discussed on the phone.")
        elif step == "approved":
            services.vendor_job_approve_quote(job=job, by=adjuster)
        elif step == "in_progress":
            services.vendor_job_progress_add(job=job, percent=20, by=vendor,
                                             text="On site; first assessment done.",
                                             visible_to_policyholder=True)
            services.vendor_job_progress_add(job=job, percent=60, by=vendor,
                                             text="Most of the work is done.")
        elif step == "completed":
            services.vendor_job_report_upload(job=job, upload=_pdf("Final report"), by=vendor)
            services.vendor_job_complete(job=job, by=vendor)
        elif step == "invoiced":
            services.vendor_job_invoice(job=job, amount=Decimal(invoice),
                                        upload=_pdf("Invoice"), by=vendor)


def load(stdout) -> list[tuple[str, str, str]]:
    adjuster = get_user_model().objects.filter(username="adjuster").first()
    orgs = _organisations()
    created = 0
    if adjuster is not None:
        created = _jobs(orgs, adjuster)
    stdout.write(f"Vendors: {len(ORGANISATIONS)} organisations, {created} demo jobs created.")
    return [(f"vendor ({row[0]})", row[-2], row[-1]) for row in ORGANISATIONS]


def _jobs(orgs, adjuster) -> int:
    created = 0
    plan = [
        # loss type, claim state, vendor login, service, scope, walk until
        ("ransomware", ClaimState.LIABILITY_CHECK, "vendor.forensics", "forensics",
         "Find the entry point, contain the ransomware, secure evidence.", None),
        ("data_breach_liability", ClaimState.LIABILITY_CHECK, "vendor.lawyers", "lawyers",
         "Assess the data subject's claim and answer the lawyer's letter.", "accepted"),
        ("pure_financial_loss", ClaimState.LIABILITY_CHECK, "vendor.lawyers", "lawyers",
         "Check the client's damages claim (Schuldfrage).", "quoted"),
        ("client_data_loss", ClaimState.MITIGATION, "vendor.datarecovery", "data_recovery",
         "Recover the RAID 5 array after the failed migration from 3 to 4 disks.",
         "in_progress"),
        ("hacking", ClaimState.MITIGATION, "vendor.forensics", "forensics",
         "Forensic analysis of the compromised mail server.", "invoiced"),
        ("hacking", ClaimState.MITIGATION, "vendor.pr", "pr_crisis",
         "Press statement and customer letter after the break-in.", "declined"),
    ]
    for loss_type, state, login, service_code, scope, until in plan:
        claim = _claim(loss_type, state)
        if claim is None:
            continue
        organisation, vendor = orgs[login]
        job, new = _job(claim, organisation, service_code, adjuster, scope)
        if not new:
            continue
        created += 1
        if until == "declined":
            services.vendor_job_decline(job=job, by=vendor,
                                        reason="No free team in the region this week.")
        elif until == "invoiced":
            _walk(job, vendor, adjuster, until="invoiced", estimate="8000.00",
                  invoice="9500.00")  # above the 10 % tolerance: needs the adjuster's approval
        elif until:
            _walk(job, vendor, adjuster, until=until)
    for claim in Claim.objects.filter(emergency=True, state__in=[ClaimState.REPORTED,
                                                                 ClaimState.LIABILITY_CHECK]):
        if services.emergency_job_propose(claim_id=claim.pk) is not None:
            created += 1
    return created
