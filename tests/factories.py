"""factory_boy factories and helpers shared by every test suite (one module).

Policies are sold through ``policy_create`` (sections and aggregate accounts included), on the
catalogue loaded by the migrations. Claims are made either through the services (``report``,
``walk``, ``claim_in_settlement``: a realistic history) or, with ``ClaimFactory``, directly in any
state (the protected FSM field is set through the constructor); vendor jobs likewise with
``make_job``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from claims import roles
from claims.models import AdjusterProfile, Claim, ClaimDocument
from claims.services import claim_report, claim_transition
from claims.services.transitions import MONEY_DRIVEN
from claims.vendors.models import VendorJob, VendorMembership, VendorOrganisation, VendorService
from coverage.models import CostCategory, LossType, Module, Product
from policies.models import Industry, Policy, Policyholder
from policies.services import policy_create

D = Decimal
PASSWORD = "test-password-1"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
CYBER_SECTIONS = {"cyber_own_damage": "250000", "cyber_bi": "100000",
                  "cyber_liability": "250000"}
ITL_SECTIONS = {"itl_base": "500000", "itl_dcd": "250000", "itl_rpc": "250000"}


# --- people -----------------------------------------------------------------------------------

class UserFactory(DjangoModelFactory):
    """A user, optionally in groups: ``UserFactory(groups=["adjusters"])``."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class PolicyholderFactory(DjangoModelFactory):
    class Meta:
        model = Policyholder

    user = factory.SubFactory(UserFactory)
    company_name = factory.Sequence(lambda n: f"Example IT Services {n}")
    contact_name = "Alex Example"
    email = factory.Sequence(lambda n: f"holder{n}@example.com")
    industry = Industry.IT_SERVICES
    annual_revenue = Decimal("80000.00")
    city = "Augsburg"


def _base_sections(policy) -> dict[str, Decimal]:
    base = Module.objects.get(product=policy.product, kind=Module.Kind.BASE)
    smallest = policy.product.sum_options.order_by("amount").first().amount
    return {base.code: smallest}


class PolicyFactory(factory.Factory):
    """A policy sold with ``policy_create``; ``product_code`` picks the product, ``sections`` maps
    module codes to sums insured (default: the base module at the smallest sum insured)."""

    class Meta:
        model = Policy

    class Params:
        product_code = "cyber"

    policyholder = factory.SubFactory(PolicyholderFactory)
    product = factory.LazyAttribute(lambda policy: Product.objects.get(code=policy.product_code))
    start_date = date(2026, 1, 1)
    term_years = 1
    deductible = Decimal("1000")
    sections = factory.LazyAttribute(_base_sections)
    it_security_discount = False
    it_security_criterion = ""
    expiry_date = None
    number = None
    created_by = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return policy_create(**kwargs)


# --- policies and claims ----------------------------------------------------------------------

def make_adjuster(username: str, *, team_lead: User | None = None) -> User:
    user = UserFactory(username=username, is_staff=True, groups=[roles.ADJUSTERS])
    AdjusterProfile.objects.create(user=user, team_lead=team_lead)
    return user


def make_team_lead(username: str) -> User:
    user = UserFactory(username=username, is_staff=True,
                       groups=[roles.ADJUSTERS, roles.TEAM_LEADS])
    AdjusterProfile.objects.create(user=user, approval_limit=Decimal("100000.00"))
    return user


def make_policy(
    *, holder: Policyholder, product: str = "cyber", sections: dict | None = None,
    start_date: date | None = None, term_years: int = 1, it_security_discount: bool = False,
    created_by: User, expiry_date: date | None = None,
):
    return policy_create(
        policyholder=holder,
        product=Product.objects.get(code=product),
        start_date=start_date or timezone.localdate() - timedelta(days=100),
        term_years=term_years,
        deductible=Decimal("1000.00"),
        sections=sections or (CYBER_SECTIONS if product == "cyber" else ITL_SECTIONS),
        it_security_discount=it_security_discount,
        it_security_criterion="iso27001" if it_security_discount else "",
        expiry_date=expiry_date,
        created_by=created_by,
    )


def loss_type(code: str) -> LossType:
    return LossType.objects.get(code=code)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim in any ``state`` without history (for screens and queries, not for workflow)."""

    class Meta:
        model = Claim

    number = factory.Sequence(lambda n: f"1999-{n:05d}")
    loss_type = factory.LazyFunction(lambda: loss_type("ransomware"))
    loss_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=2))
    reported_at = factory.LazyFunction(timezone.now)
    description = factory.Sequence(lambda n: f"Incident number {n} with a unique story {n * 7}")
    reported_by = factory.SubFactory(UserFactory)
    state = "reported"


def category(code: str) -> CostCategory:
    return CostCategory.objects.get(code=code)


def set_limit(user, amount: str) -> None:
    AdjusterProfile.objects.filter(user=user).update(approval_limit=D(amount))


def make_head_of_claims(username: str):
    lead = make_team_lead(username)
    lead.groups.add(Group.objects.get(name="heads_of_claims"))
    AdjusterProfile.objects.filter(user=lead).update(approval_limit=None)
    return lead


def make_claims_manager(username: str):
    lead = make_team_lead(username)
    lead.groups.add(Group.objects.get(name="claims_managers"))
    AdjusterProfile.objects.filter(user=lead).update(approval_limit=None)
    return lead


# --- the claim's life through the services --------------------------------------------------

def report(policy, by, *, code="ransomware", days_ago=2, **extra):
    data = {
        "policy": policy,
        "loss_type": loss_type(code),
        "loss_date": timezone.localdate() - timedelta(days=days_ago),
        "description": extra.pop("description", f"{code}: systems down since the morning"),
        "reported_by": by,
        "estimated_amount": Decimal("12000.00"),
    }
    if loss_type(code).third_party:
        data.update(claimant_name="Client AG", claimant_address="Hauptstr. 1, 86150 Augsburg")
    data.update(extra)
    return claim_report(**data)


def commission_vendor(claim):
    """Mitigation needs a vendor job (the vendors' rule); a finished one lets the claim leave
    mitigation again."""
    organisation = make_org(f"Forensik {claim.number}", "forensics")
    return make_job(claim, organisation, state="completed", completed_at=timezone.now())


def walk(claim, by, *transitions):
    for name in transitions:
        if name == "start_mitigation" and not claim.vendor_jobs.exists():
            commission_vendor(claim)
        reason = "Because the file says so." if name in {"deny", "withdraw", "reopen"} else ""
        payload = {"denial_reason": "excluded_risk"} if name == "deny" else None
        # the state machine itself (money=True: as the money services); they are tested apart
        claim_transition(claim=claim, transition=name, by=by, reason=reason, payload=payload,
                         money=name in MONEY_DRIVEN)
    return claim


def claim_in_settlement(policy, *, reporter, adjuster, **extra):
    """A claim on ``policy`` reported and walked to the settlement state through the services."""
    claim = report(policy, reporter, **extra)
    return walk(claim, adjuster, "start_liability_check", "start_settlement")


# --- vendors --------------------------------------------------------------------------------

def service(code: str) -> VendorService:
    return VendorService.objects.get(code=code)


def make_org(name: str, *services: str, regions=(), nationwide: bool = True,
             available_24_7: bool = False, panel: bool = False,
             active: bool = True) -> VendorOrganisation:
    organisation = VendorOrganisation.objects.create(
        name=name, regions=list(regions), nationwide=nationwide, available_24_7=available_24_7,
        panel_member=panel, active=active, contact_email=f"{name.split()[0].lower()}@v.example",
    )
    organisation.services.add(*VendorService.objects.filter(code__in=services or ["forensics"]))
    return organisation


def make_vendor_user(username: str, organisation: VendorOrganisation):
    user = UserFactory(username=username)
    VendorMembership.objects.create(user=user, organisation=organisation)
    return user


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_document(claim, user, doc_type=ClaimDocument.Type.VENDOR_REPORT) -> ClaimDocument:
    document = ClaimDocument(claim=claim, doc_type=doc_type, original_name="r.pdf",
                             size=len(PDF), content_type="application/pdf", sha256="0" * 64,
                             uploaded_by=user)
    document.file.save("r.pdf", pdf(), save=False)
    document.save()
    return document


def make_job(claim, organisation, *, state: str = "requested", service_code="forensics",
             **fields) -> VendorJob:
    """A job in ``state`` without history (for permission and state checks)."""
    defaults = {"scope": "Contain the incident.", "requested_at": timezone.now()}
    if state not in ("requested", "accepted", "declined", "escalated", "cancelled"):
        defaults["estimate"] = Decimal("4000.00")
    if state not in ("requested", "accepted", "declined", "escalated", "cancelled", "quoted"):
        defaults["approved_estimate"] = Decimal("4000.00")
    if state == "declined":
        defaults["decline_reason"] = "No capacity."
    defaults.update(fields)
    return VendorJob.objects.create(claim=claim, organisation=organisation,
                                    service=service(service_code), state=state, **defaults)
