"""Demo policyholders and policies, sold through the services, in force today.

``load`` is idempotent: policyholders are found by username and policies by number.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from coverage.models import Product

from .models import Industry, ITSecurityCriterion, Policy, Policyholder
from .services import policy_create, policyholder_create

D = Decimal

POLICYHOLDERS = [
    {
        "username": "anna.schmidt",
        "password": "demo-policyholder-1",
        "company_name": "Schmidt IT-Beratung",
        "contact_name": "Anna Schmidt",
        "email": "anna.schmidt@example.com",
        "phone": "+49 821 555 0101",
        "industry": Industry.IT_SERVICES,
        "annual_revenue": D("80000.00"),
        "street": "Maximilianstraße 12",
        "postcode": "86150",
        "city": "Augsburg",
        "region": "DE-BY",
    },
    {
        "username": "jonas.weber",
        "password": "demo-policyholder-2",
        "company_name": "Weber Webdesign & Media",
        "contact_name": "Jonas Weber",
        "email": "jonas.weber@example.com",
        "phone": "+49 89 555 0202",
        "industry": Industry.MEDIA,
        "annual_revenue": D("180000.00"),
        "street": "Leopoldstraße 40",
        "postcode": "80802",
        "city": "München",
        "region": "DE-BY",
    },
    {
        "username": "lena.fischer",
        "password": "demo-policyholder-3",
        "company_name": "Fischer Steuerberatung",
        "contact_name": "Lena Fischer",
        "email": "lena.fischer@example.com",
        "phone": "+49 30 555 0303",
        "industry": Industry.LIBERAL_PROFESSIONS,
        "annual_revenue": D("420000.00"),
        "street": "Friedrichstraße 101",
        "postcode": "10117",
        "city": "Berlin",
        "region": "DE-BE",
    },
    {
        "username": "mehmet.yilmaz",
        "password": "demo-policyholder-4",
        "company_name": "Yilmaz Logistik GmbH",
        "contact_name": "Mehmet Yilmaz",
        "email": "mehmet.yilmaz@example.com",
        "phone": "+49 40 555 0404",
        "industry": Industry.TRADE_LOGISTICS,
        "annual_revenue": D("950000.00"),
        "street": "Am Sandtorkai 7",
        "postcode": "20457",
        "city": "Hamburg",
        "region": "DE-HH",
    },
]


def _policies(today: date) -> list[dict]:
    lena_start = today - timedelta(days=90)
    return [
        {   # the seed's minimum premium: 3 years, IT-security discount, in its second year
            "number": "CY-DEMO-0001",
            "username": "anna.schmidt",
            "product": "cyber",
            "start_date": today - timedelta(days=400),
            "term_years": 3,
            "deductible": D("1000"),
            "sections": {"cyber_own_damage": D("100000")},
            "it_security_discount": True,
            "it_security_criterion": ITSecurityCriterion.PENTEST,
        },
        {
            "number": "IT-DEMO-0001",
            "username": "jonas.weber",
            "product": "it_liability",
            "start_date": today - timedelta(days=100),
            "term_years": 3,
            "deductible": D("1000"),
            "sections": {"itl_base": D("500000"), "itl_dcd": D("250000"),
                         "itl_rpc": D("250000")},
        },
        {   # expiry moved to 1 January: a short first insurance year
            "number": "CY-DEMO-0002",
            "username": "lena.fischer",
            "product": "cyber",
            "start_date": lena_start,
            "expiry_date": date(lena_start.year + 3, 1, 1),
            "term_years": 3,
            "deductible": D("2500"),
            "sections": {"cyber_own_damage": D("500000"), "cyber_bi": D("500000"),
                         "cyber_liability": D("500000")},
        },
        {
            "number": "CY-DEMO-0003",
            "username": "mehmet.yilmaz",
            "product": "cyber",
            "start_date": today - timedelta(days=60),
            "term_years": 1,
            "deductible": D("500"),
            "sections": {"cyber_own_damage": D("250000"), "cyber_bi": D("250000")},
        },
    ]


def _policyholder(data: dict) -> Policyholder:
    user = get_user_model().objects.filter(username=data["username"]).first()
    if user is not None and hasattr(user, "policyholder"):
        return user.policyholder
    fields = {key: value for key, value in data.items() if key not in ("username", "password")}
    if user is None:
        return policyholder_create(
            **fields, username=data["username"], password=data["password"], created_by=None
        )
    policyholder = policyholder_create(**fields, created_by=None)
    policyholder.user = user
    policyholder.save(update_fields=["user"])
    return policyholder


def load(stdout) -> list[tuple[str, str, str]]:
    """Create what is missing; return the policyholders' logins."""
    holders = {data["username"]: _policyholder(data) for data in POLICYHOLDERS}
    products = {product.code: product for product in Product.objects.all()}
    created = 0
    for data in _policies(timezone.localdate()):
        if Policy.objects.filter(number=data["number"]).exists():
            continue
        policy_create(
            policyholder=holders[data["username"]],
            product=products[data["product"]],
            start_date=data["start_date"],
            term_years=data["term_years"],
            deductible=data["deductible"],
            sections=data["sections"],
            it_security_discount=data.get("it_security_discount", False),
            it_security_criterion=data.get("it_security_criterion", ""),
            expiry_date=data.get("expiry_date"),
            number=data["number"],
            created_by=None,
        )
        created += 1
    stdout.write(f"Policies: {len(holders)} policyholders, {created} policies created.")
    return [("policyholder", data["username"], data["password"]) for data in POLICYHOLDERS]
