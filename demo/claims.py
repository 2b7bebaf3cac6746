"""Demo claims in every state, on both products, driven through the services (so their audit
history, coverage checks and activities are real).

``load`` is idempotent: users are found by username, each scenario by its description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from claims import roles
from claims.models import Claim, ClaimNote
from claims.money.models import Payment
from claims.money.selectors import claim_section
from claims.money.services.lines import cost_line_add
from claims.money.services.payments import payment_execute
from claims.money.services.settlements import settlement_approve, settlement_propose
from claims.services import (
    claim_assign,
    claim_report,
    claim_series_link,
    claim_transition,
    document_add,
    information_request_create,
    note_add,
)
from claims.services.adjusters import adjuster_profile_set
from claims.vendors.models import VendorOrganisation, VendorService
from claims.vendors.services import vendor_job_request
from coverage.models import LossType, Product
from policies.models import Industry, Policy, Policyholder
from policies.services import policy_create

STAFF = [
    # role, username, password, groups, superuser
    ("claims team lead", "teamlead", "demo-teamlead", [roles.ADJUSTERS, roles.TEAM_LEADS], False),
    ("claims adjuster", "adjuster", "demo-adjuster", [roles.ADJUSTERS], False),
    ("administrator", "admin", "demo-admin", [roles.ADJUSTERS, roles.TEAM_LEADS], True),
]
DECISION_INPUT = {
    "deny": ("The client's claim is not the insured's fault: the deadline moved because the "
             "client changed the scope twice.", {"denial_reason": "no_liability"}),
    "withdraw": ("Not a hack after all: the password had simply been forgotten.", {}),
    "reopen": ("The visitor's health insurer sent a further invoice.", {}),
}
ROUTE = {
    "reported": [],
    "liability_check": ["start_liability_check"],
    "mitigation": ["start_liability_check", "start_mitigation"],
    "settlement": ["start_liability_check", "start_settlement"],
    "settled": ["start_liability_check", "start_settlement", "approve_settlement"],
    "paid": ["start_liability_check", "start_settlement", "approve_settlement", "mark_paid"],
    "closed": ["start_liability_check", "start_settlement", "approve_settlement", "mark_paid",
               "close"],
    "reopened": ["start_liability_check", "start_settlement", "approve_settlement",
                 "mark_paid", "close", "reopen"],
    "denied": ["start_liability_check", "deny"],
    "defending": ["start_liability_check", "defend"],
    "withdrawn": ["withdraw"],
}


@dataclass
class Scenario:
    product: str
    loss_type: str
    state: str
    description: str
    days_ago: int
    estimate: str = "5000.00"
    emergency: bool = False
    by_hotline: bool = False
    claimant: tuple[str, str, str] | None = None
    notes: list[str] = field(default_factory=list)
    documents: list[tuple[str, str, bytes]] = field(default_factory=list)
    question: str = ""
    assign: bool = True
    policy_index: int = 0
    vendor_service: str = ""


def _pdf(title: str) -> bytes:
    text = title.replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
            b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
            b"4 0 obj<</Length " + str(len(stream)).encode() + b">>stream\n" + stream +
            b"\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


SCENARIOS = [
    Scenario("cyber", "ransomware", "reported", emergency=True, by_hotline=True, days_ago=0,
             estimate="80000.00", policy_index=1,
             description="24/7 hotline: ransomware encrypted all servers and laptops overnight; "
                         "a ransom note is on every screen.",
             notes=["Hotline call at 06:10. Forensics partner on standby."]),
    Scenario("cyber", "ransomware", "reported", days_ago=0, assign=False, policy_index=1,
             description="Ransomware encrypted all our servers and laptops overnight, ransom "
                         "note on the screens."),
    Scenario("cyber", "hacking", "reported", days_ago=4, assign=False, policy_index=2,
             description="Phishing mail: an employee entered her credentials on a fake "
                         "Microsoft login page."),
    Scenario("it_liability", "pure_financial_loss", "liability_check", days_ago=6,
             estimate="9000.00",
             claimant=("Berger Maschinenbau GmbH", "recht@berger.example",
                       "Industriestr. 4, 86368 Gersthofen"),
             description="A faulty server update stopped the client's 15 staff for a whole day.",
             question="Please send the service contract and the client's claim letter.",
             documents=[("correspondence", "claim-letter.pdf", _pdf("Claim letter Berger"))]),
    Scenario("cyber", "ransomware", "liability_check", days_ago=3, estimate="15000.00",
             description="Ransomware on the office NAS; backups from last week are intact.",
             notes=["IT-security discount on the policy: proof requested automatically."]),
    Scenario("it_liability", "missed_deadline", "denied", days_ago=20, estimate="40000.00",
             claimant=("Kaiser Handels AG", "", "Bahnhofstr. 9, 80335 München"),
             description="The client claims lost revenue: the shop went live after 5 months "
                         "instead of 3."),
    Scenario("it_liability", "warning_letter", "defending", days_ago=15, estimate="3500.00",
             claimant=("Kanzlei Bildrecht & Partner", "post@bildrecht.example",
                       "Königsallee 1, 40212 Düsseldorf"),
             description="Warning letter for a stock photo on a client website; the licence "
                         "was bought.",
             documents=[("correspondence", "warning-letter.pdf", _pdf("Abmahnung"))]),
    Scenario("it_liability", "client_data_loss", "mitigation", days_ago=10, estimate="5000.00",
             claimant=("Praxis Dr. Roth", "praxis@roth.example", "Lindenweg 2, 86150 Augsburg"),
             description="A RAID migration from 3 to 4 disks failed; the client's data is lost.",
             notes=["Data-recovery firm commissioned instead of paying for the lost data."],
             vendor_service="lawyers",
             documents=[("vendor_report", "recovery-estimate.txt",
                         b"Recovery estimate: 5,000.00 EUR, 3 working days.\n")]),
    Scenario("cyber", "ddos", "settlement", days_ago=12, estimate="12000.00", policy_index=2,
             description="DDoS attack took the web shop down for two days.",
             documents=[("invoice", "mitigation-invoice.pdf", _pdf("Invoice DDoS mitigation"))]),
    Scenario("cyber", "data_carrier_theft", "settled", days_ago=25, estimate="7000.00",
             policy_index=1,
             description="Laptop with client data stolen from the car; clients informed."),
    Scenario("it_liability", "property_damage", "paid", days_ago=40, estimate="1400.00",
             claimant=("Hausverwaltung Sommer", "", "Ulmer Str. 3, 86154 Augsburg"),
             description="Lost a client's key; a new locking system was needed (1,400 EUR)."),
    Scenario("cyber", "hacking", "closed", days_ago=45, estimate="8000.00", policy_index=2,
             description="The web shop was hacked and customer passwords were leaked."),
    Scenario("cyber", "hacking", "withdrawn", days_ago=8, estimate="0.00",
             description="Suspected hacking of the mail account."),
    Scenario("it_liability", "bodily_injury", "reopened", days_ago=50, estimate="2500.00",
             claimant=("Peter Lang", "p.lang@example.com", "Gartenweg 5, 86150 Augsburg"),
             description="A visitor tripped over a cable in the office and broke his wrist."),
    Scenario("cyber", "hacking", "mitigation", days_ago=9, estimate="20000.00", policy_index=1,
             description="Attack of 3 March: the admin account was taken over.",
             vendor_service="virus_removal"),
    Scenario("cyber", "data_breach_liability", "liability_check", days_ago=9, policy_index=1,
             estimate="30000.00",
             claimant=("Verbraucherzentrale Musterstadt", "info@vz.example",
                       "Markt 1, Musterstadt"),
             description="Customers claim damages after the data leak of the attack of 3 March."),
]
SERIES = ("Attack of 3 March", [14, 15])


def _staff() -> dict[str, object]:
    users = {}
    groups = {name: Group.objects.get(name=name) for name in (roles.ADJUSTERS, roles.TEAM_LEADS)}
    for _role, username, password, group_names, superuser in STAFF:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@claims.example", "is_staff": True,
                      "is_superuser": superuser, "first_name": username.title()},
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(*[groups[name] for name in group_names])
        users[username] = user
    lead, admin = users["teamlead"], users["admin"]
    for username in ("teamlead", "adjuster"):
        if not hasattr(users[username], "adjuster_profile"):
            adjuster_profile_set(
                user=users[username], team_lead=lead if username == "adjuster" else None,
                approval_limit=Decimal("100000.00" if username == "teamlead" else "10000.00"),
                by=admin,
            )
    return users


def _policies(product: str, creator) -> list[Policy]:
    """The policies.demo policies of a product with a portal login; one made here if none."""
    found = list(
        Policy.objects.filter(product__code=product, status=Policy.Status.ACTIVE,
                              policyholder__user__isnull=False,
                              start_date__lte=timezone.localdate() - timedelta(days=60))
        .order_by("number")
    )
    if found:
        return found
    user, _ = get_user_model().objects.get_or_create(username=f"demo-{product}")
    holder, _ = Policyholder.objects.get_or_create(
        user=user, defaults={"company_name": f"Demo {product} GmbH", "email": "demo@example.com",
                             "industry": Industry.IT_SERVICES,
                             "annual_revenue": Decimal("90000.00")},
    )
    sections = ({"cyber_own_damage": "250000", "cyber_bi": "250000",
                 "cyber_liability": "250000"} if product == "cyber" else
                {"itl_base": "500000", "itl_dcd": "250000", "itl_rpc": "250000"})
    return [policy_create(
        policyholder=holder, product=Product.objects.get(code=product),
        start_date=timezone.localdate() - timedelta(days=120), term_years=1,
        deductible=Decimal("1000"), sections=sections, created_by=creator,
    )]


def _commission_vendor(claim: Claim, service_code: str, adjuster) -> None:
    """Mitigation needs a vendor job (the vendors' rule): commission one through the vendors'
    service, with an organisation of the vendors' demo (loaded first if missing)."""

    def organisation():
        return (VendorOrganisation.objects.filter(active=True, services__code=service_code)
                .order_by("pk").first())

    if organisation() is None:
        from demo import vendors as demo_vendors

        demo_vendors.load(_Quiet())
    vendor_job_request(claim=claim, organisation=organisation(),
                       service=VendorService.objects.get(code=service_code), by=adjuster,
                       scope="Commissioned with the start of mitigation.")


class _Quiet:
    def write(self, *args, **kwargs) -> None:
        """Swallow the nested loader's summary line."""


def _play(scenario: Scenario, policy: Policy, adjuster, lead) -> Claim:
    holder = policy.policyholder.user
    now = timezone.now() - timedelta(days=max(scenario.days_ago - 1, 0))
    name, email, address = scenario.claimant or ("", "", "")
    claim = claim_report(
        policy=policy, loss_type=LossType.objects.get(code=scenario.loss_type),
        loss_date=timezone.localdate() - timedelta(days=scenario.days_ago),
        description=scenario.description, reported_by=adjuster if scenario.by_hotline else holder,
        emergency=scenario.emergency, estimated_amount=Decimal(scenario.estimate),
        claimant_name=name, claimant_email=email, claimant_address=address, now=now,
    )
    if scenario.assign:
        claim_assign(claim=claim, adjuster=adjuster, by=lead)
    for text in scenario.notes:
        note_add(claim=claim, text=text, author=adjuster)
    note_add(claim=claim, text="Thank you, we are on it.", author=adjuster,
             visibility=ClaimNote.Visibility.POLICYHOLDER)
    for doc_type, filename, content in scenario.documents:
        document_add(claim=claim, upload=ContentFile(content, name=filename), doc_type=doc_type,
                     uploaded_by=holder)
    for transition in ROUTE[scenario.state]:
        if transition == "start_mitigation":
            _commission_vendor(claim, scenario.vendor_service, adjuster)
        if transition == "approve_settlement":
            _settle(claim, Decimal(scenario.estimate), adjuster)
            continue
        if transition == "mark_paid":
            _pay(claim)
            continue
        reason, payload = DECISION_INPUT.get(transition, ("", {}))
        actor = holder if transition == "withdraw" else adjuster
        claim_transition(claim=claim, transition=transition, by=actor, reason=reason,
                         payload=payload)
    if scenario.question:
        information_request_create(claim=claim, question=scenario.question,
                                   due_date=timezone.localdate() + timedelta(days=10),
                                   requested_by=adjuster)
    return claim


def load(stdout) -> list[tuple[str, str, str]]:
    """Create the staff and whatever demo claims are missing; return the staff logins."""
    users = _staff()
    adjuster, lead = users["adjuster"], users["teamlead"]
    policies = {code: _policies(code, lead) for code in ("cyber", "it_liability")}
    claims, created = [], 0
    for scenario in SCENARIOS:
        candidates = policies[scenario.product]
        policy = candidates[scenario.policy_index % len(candidates)]
        claim = Claim.objects.filter(description=scenario.description).first()
        if claim is None:
            claim = _play(scenario, policy, adjuster, lead)
            created += 1
        claims.append(claim)
    cause, indexes = SERIES
    members = [claims[index] for index in indexes]
    if all(member.series_id is None for member in members):
        claim_series_link(claims=members, cause=cause, by=adjuster)
    stdout.write(f"Claims: {created} demo claims created ({len(SCENARIOS)} in the demo).")
    return [(role, username, password) for role, username, password, _groups, _su in STAFF]


def _settle(claim: Claim, amount: Decimal, adjuster) -> None:
    """Settled the way an adjuster does it: a cost line, a proposal, an approval (the money
    services move the claim to settled). Its payments are tasks through the outbox like any
    other: where tasks run eagerly they are made at once (the claim is then paid)."""
    section = claim_section(claim=claim)
    link = (section.module.category_links.filter(category__deductible_exempt=False)
            .select_related("category").order_by("category__code").first())
    payee = "claimant" if claim.loss_type.third_party else "policyholder"
    cost_line_add(claim=claim, category=link.category, amount=amount, payee_kind=payee,
                  by=adjuster, reason="Demo: the documented loss.")
    settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=adjuster)
    claim.refresh_from_db()


def _pay(claim: Claim) -> None:
    """Paid the way the payment task does it (the last payment moves the claim to paid)."""
    for payment_id in Payment.objects.filter(
        settlement__claim=claim, status=Payment.Status.PENDING
    ).values_list("pk", flat=True):
        payment_execute(payment_id=payment_id)
    claim.refresh_from_db()

