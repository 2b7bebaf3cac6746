"""The catalogue from the seeds (DOMAIN.md). Numbers marked *assumed* have no seed behind them and
are data an adjuster can change in the admin."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

D = Decimal

PRODUCTS = [
    # code, name, IT-security discount, hotline
    ("it_liability", "IT liability", D("0.00"), ""),
    ("cyber", "Cyber insurance", D("0.10"), "+49 800 247 2470"),
]

MODULES = [
    # product, code, name, short name, kind, requires, deductible rule, third party, description
    ("it_liability", "itl_base", "IT liability base cover", "", "base", None, "standard", True,
     "Third-party claims against the insured, errors of employees included: pure financial loss, "
     "third-party cyber loss, bodily injury and property damage (office and business liability), "
     "data loss, warning letters, passive legal protection."),
    ("it_liability", "itl_dcd", "Data-protection and first-party cyber cover", "DCD/FPC", "addon",
     "itl_base", "standard", False,
     "Own damage from hacking, ransomware, DDoS, computer misuse, theft of data carriers, breach "
     "of trust by employees."),
    ("it_liability", "itl_rpc", "Client's withdrawal from the project contract", "RPC", "addon",
     "itl_base", "standard", False,
     "After missed dates and rework the client rightfully withdraws: the insured's own spent costs "
     "(e.g. subcontractors)."),
    ("cyber", "cyber_own_damage", "Cyber and data own damage", "", "base", None, "standard", False,
     "Own damage from cyber attacks and data loss, with the 24/7 emergency hotline."),
    ("cyber", "cyber_bi", "Cyber business interruption", "BI", "addon", "cyber_own_damage",
     "first_8_hours", False,
     "Loss of business from a cyber incident; deductible: the loss of the first 8 hours, at least "
     "the chosen deductible."),
    ("cyber", "cyber_liability", "Cyber liability", "", "addon", "cyber_own_damage", "standard",
     True, "Third-party claims after a cyber incident, with passive legal protection."),
]

CATEGORIES = [
    # code, name, deductible exempt
    ("emergency_assistance", "Emergency assistance (24/7 hotline)", True),
    ("forensics", "IT forensics", False),
    ("restoration", "Restoration of own IT systems and data", False),
    ("data_recovery", "Data recovery", False),
    ("security_analysis", "Security analysis and security improvements", False),
    ("legal_costs", "Specialised lawyers (criminal defence included)", False),
    ("crisis_pr", "Crisis management and PR", False),
    ("data_owner_notification", "Consultants informing data owners", False),
    ("credit_monitoring", "Credit protection and monitoring", False),
    ("third_party_it", "Extra cost of using third-party IT", False),
    ("bi_avoidance", "Costs to avoid an imminent business interruption", False),
    ("ransom", "Ransom (after agreement, where nothing else helps)", False),
    ("interruption_loss", "Business-interruption loss", False),
    ("additional_tax", "Additional tax expenses", False),
    ("cloud_advance", "Advance payments for cloud and hosting services", False),
    ("damages", "Damages to third parties", False),
    ("defence_costs", "Defence costs (lawyers, experts, witnesses, court, travel)", False),
    ("project_costs", "Own spent project costs (e.g. subcontractors)", False),
]

MODULE_CATEGORIES = {
    # module: {category: sublimit or None}
    "itl_base": {"damages": None, "defence_costs": None, "data_recovery": None,
                 "legal_costs": None},
    "itl_dcd": {"emergency_assistance": None, "forensics": None, "restoration": None,
                "data_recovery": None, "legal_costs": None, "crisis_pr": None,
                "data_owner_notification": None, "credit_monitoring": None,
                "third_party_it": None, "bi_avoidance": None, "ransom": None},
    "itl_rpc": {"project_costs": None},
    "cyber_own_damage": {"emergency_assistance": None, "forensics": None, "restoration": None,
                         "data_recovery": None, "security_analysis": D("2500.00"),
                         "legal_costs": None, "crisis_pr": None, "data_owner_notification": None,
                         "credit_monitoring": None, "third_party_it": None, "ransom": None},
    "cyber_bi": {"interruption_loss": None, "additional_tax": D("100000.00"),
                 "cloud_advance": D("500000.00"), "bi_avoidance": None},
    "cyber_liability": {"damages": None, "defence_costs": None},
}

LOSS_TYPES = [
    # code, name, plain words, third party, modules
    ("pure_financial_loss", "Pure financial loss of a client",
     "a client lost money because of my work (e.g. a faulty update stopped their staff)", True,
     ["itl_base"]),
    ("missed_deadline", "Missed deadline",
     "a client claims damages for a missed deadline", True, ["itl_base"]),
    ("third_party_cyber", "Third-party cyber loss",
     "a client was hacked and blames my work (e.g. updates I did not enable)", True,
     ["itl_base", "cyber_liability"]),
    ("bodily_injury", "Bodily injury",
     "someone was injured because of my work (e.g. tripped over a cable I laid)", True,
     ["itl_base"]),
    ("property_damage", "Property damage or loss",
     "I damaged or lost a client's property (e.g. I lost a client's key)", True, ["itl_base"]),
    ("client_data_loss", "Client's data lost",
     "a client's data was lost while I worked on their systems", True, ["itl_base"]),
    ("warning_letter", "Warning letter (trademark or copyright)",
     "I received a warning letter for a trademark or copyright infringement", True,
     ["itl_base"]),
    ("data_breach_liability", "Third-party claim after a data breach",
     "someone claims damages because data I hold was leaked", True, ["cyber_liability"]),
    ("ransomware", "Ransomware",
     "my systems were encrypted by ransomware", False, ["itl_dcd", "cyber_own_damage", "cyber_bi"]),
    ("hacking", "Hacking or computer misuse",
     "someone broke into my systems or accounts", False,
     ["itl_dcd", "cyber_own_damage", "cyber_bi"]),
    ("ddos", "DDoS attack",
     "my website or services were flooded with traffic and went down", False,
     ["itl_dcd", "cyber_own_damage", "cyber_bi"]),
    ("data_carrier_theft", "Theft of data carriers",
     "a laptop, phone or disk with data on it was stolen", False, ["itl_dcd", "cyber_own_damage"]),
    ("insider_breach", "Breach of trust by an employee",
     "an employee misused or leaked our data", False, ["itl_dcd", "cyber_own_damage"]),
    ("contract_withdrawal", "Client withdrew from the project contract",
     "a client withdrew from a project after missed dates and rework", False, ["itl_rpc"]),
]

SUMS = {
    "cyber": ["100000", "250000", "500000", "750000", "1000000"],
    "it_liability": ["250000", "500000", "1000000", "2000000", "3000000"],  # assumed
}
DEDUCTIBLES = [("500", "1.05", False), ("1000", "1.00", True), ("2500", "0.90", False),
               ("5000", "0.85", False)]  # cyber from the seed; IT liability assumed the same
BANDS = [("0", "100000"), ("100000.01", "250000"), ("250000.01", "500000"),
         ("500000.01", "1000000"), ("1000000.01", None)]
BAND_FACTORS = ["1.00", "1.35", "1.80", "2.50", "3.40"]  # assumed
SUM_FACTORS = {  # assumed, except the cyber 100,000 cell (1.00 x 180.00 from the seed)
    "cyber": ["1.00", "1.45", "1.90", "2.30", "2.65"],
    "it_liability": ["1.00", "1.40", "1.95", "2.90", "3.70"],
}
BASE_PREMIUM = {"cyber": D("180.00"), "it_liability": D("300.00")}  # cyber: seed; ITL: assumed
ADDON_SHARE = {"itl_dcd": D("0.40"), "itl_rpc": D("0.25"), "cyber_bi": D("0.35"),
               "cyber_liability": D("0.30")}  # assumed


def load(apps, schema_editor):
    Product = apps.get_model("catalogue", "Product")
    Module = apps.get_model("catalogue", "Module")
    CostCategory = apps.get_model("catalogue", "CostCategory")
    ModuleCostCategory = apps.get_model("catalogue", "ModuleCostCategory")
    LossType = apps.get_model("catalogue", "LossType")
    SumInsuredOption = apps.get_model("catalogue", "SumInsuredOption")
    DeductibleOption = apps.get_model("catalogue", "DeductibleOption")
    RevenueBand = apps.get_model("catalogue", "RevenueBand")
    RateCell = apps.get_model("catalogue", "RateCell")

    products = {}
    for code, name, discount, hotline in PRODUCTS:
        products[code] = Product.objects.create(
            code=code, name=name, aggregate_factor=2, it_security_discount=discount,
            it_security_discount_years=2, multi_year_term=3, multi_year_discount=D("0.10"),
            emergency_hotline=hotline,
        )
    modules = {}
    for product, code, name, short, kind, requires, rule, third_party, text in MODULES:
        modules[code] = Module.objects.create(
            product=products[product], code=code, name=name, short_name=short, kind=kind,
            requires=modules.get(requires), deductible_rule=rule, third_party=third_party,
            description=text,
        )
    categories = {
        code: CostCategory.objects.create(code=code, name=name, deductible_exempt=exempt)
        for code, name, exempt in CATEGORIES
    }
    for module, links in MODULE_CATEGORIES.items():
        for category, sublimit in links.items():
            ModuleCostCategory.objects.create(
                module=modules[module], category=categories[category], sublimit=sublimit
            )
    for code, name, plain, third_party, covering in LOSS_TYPES:
        loss_type = LossType.objects.create(
            code=code, name=name, plain_description=plain, third_party=third_party
        )
        loss_type.modules.set([modules[m] for m in covering])
    for product_code, product in products.items():
        for amount in SUMS[product_code]:
            SumInsuredOption.objects.create(product=product, amount=D(amount))
        for amount, factor, default in DEDUCTIBLES:
            DeductibleOption.objects.create(
                product=product, amount=D(amount), premium_factor=D(factor), is_default=default
            )
        bands = [
            RevenueBand.objects.create(
                product=product, lower=D(lower), upper=D(upper) if upper else None
            )
            for lower, upper in BANDS
        ]
        for module in [m for m in modules.values() if m.product_id == product.pk]:
            share = ADDON_SHARE.get(module.code, D("1"))
            for band, band_factor in zip(bands, BAND_FACTORS, strict=True):
                for amount, sum_factor in zip(SUMS[product_code], SUM_FACTORS[product_code],
                                              strict=True):
                    premium = BASE_PREMIUM[product_code] * D(band_factor) * D(sum_factor) * share
                    RateCell.objects.create(
                        module=module, revenue_band=band, sum_insured=D(amount),
                        annual_premium=premium.quantize(D("0.01"), rounding=ROUND_HALF_UP),
                    )


def unload(apps, schema_editor):
    for name in ["RateCell", "RevenueBand", "DeductibleOption", "SumInsuredOption", "LossType",
                 "ModuleCostCategory", "CostCategory"]:
        apps.get_model("catalogue", name).objects.all().delete()
    Module = apps.get_model("catalogue", "Module")
    Module.objects.filter(kind="addon").delete()
    Module.objects.all().delete()
    apps.get_model("catalogue", "Product").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
