"""The catalogue in German and English: ``name`` becomes ``name_en`` and a German name is added
(filled here for the seeded catalogue; editable in the admin). Loss types also get their plain
portal wording in German."""

from django.db import migrations, models

PRODUCTS = {
    "it_liability": "IT-Haftpflicht",
    "cyber": "Cyber-Versicherung",
}
MODULES = {
    "itl_base": "IT-Haftpflicht Grunddeckung",
    "itl_dcd": "Datenschutz- und Eigenschaden-Cyberdeckung",
    "itl_rpc": "Rücktritt des Auftraggebers vom Projektvertrag",
    "cyber_own_damage": "Cyber- und Daten-Eigenschaden",
    "cyber_bi": "Cyber-Betriebsunterbrechung",
    "cyber_liability": "Cyber-Haftpflicht",
}
CATEGORIES = {
    "emergency_assistance": "Soforthilfe (24/7-Hotline)",
    "forensics": "IT-Forensik",
    "restoration": "Wiederherstellung eigener IT-Systeme und Daten",
    "data_recovery": "Datenrettung",
    "security_analysis": "Sicherheitsanalyse und Sicherheitsverbesserungen",
    "legal_costs": "Fachanwälte (inklusive Strafverteidigung)",
    "crisis_pr": "Krisenmanagement und PR",
    "data_owner_notification": "Berater zur Benachrichtigung Betroffener",
    "credit_monitoring": "Bonitätsschutz und -überwachung",
    "third_party_it": "Mehrkosten für die Nutzung fremder IT",
    "bi_avoidance": "Kosten zur Abwendung einer drohenden Betriebsunterbrechung",
    "ransom": "Lösegeld (nach Absprache, wenn nichts anderes hilft)",
    "interruption_loss": "Betriebsunterbrechungsschaden",
    "additional_tax": "Steuerliche Mehraufwendungen",
    "cloud_advance": "Vorauszahlungen für Cloud- und Hosting-Dienste",
    "damages": "Schadenersatz an Dritte",
    "defence_costs": "Abwehrkosten (Anwälte, Sachverständige, Zeugen, Gericht, Reisen)",
    "project_costs": "Eigene aufgewendete Projektkosten (z. B. Subunternehmer)",
    "liability_check": "Prüfung der Haftung (Schuldfrage)",
    "warning_letter_check": "Prüfung einer Abmahnung",
}
LOSS_TYPES = {
    "pure_financial_loss": (
        "Reiner Vermögensschaden eines Kunden",
        "ein Kunde hat durch meine Arbeit Geld verloren (z. B. ein fehlerhaftes Update legte "
        "seine Mitarbeiter lahm)"),
    "missed_deadline": ("Versäumte Frist",
                        "ein Kunde verlangt Schadenersatz für einen versäumten Termin"),
    "third_party_cyber": (
        "Cyber-Drittschaden",
        "ein Kunde wurde gehackt und macht meine Arbeit verantwortlich (z. B. Updates, die ich "
        "nicht aktiviert habe)"),
    "bodily_injury": (
        "Personenschaden",
        "jemand wurde durch meine Arbeit verletzt (z. B. über ein von mir verlegtes Kabel "
        "gestolpert)"),
    "property_damage": (
        "Sachschaden oder -verlust",
        "ich habe Eigentum eines Kunden beschädigt oder verloren (z. B. einen Kundenschlüssel)"),
    "client_data_loss": (
        "Datenverlust beim Kunden",
        "Daten eines Kunden gingen verloren, während ich an seinen Systemen gearbeitet habe"),
    "warning_letter": (
        "Abmahnung (Marke oder Urheberrecht)",
        "ich habe eine Abmahnung wegen einer Marken- oder Urheberrechtsverletzung erhalten"),
    "data_breach_liability": (
        "Drittanspruch nach einer Datenpanne",
        "jemand verlangt Schadenersatz, weil Daten, die ich verwahre, abgeflossen sind"),
    "ransomware": ("Ransomware", "meine Systeme wurden durch Ransomware verschlüsselt"),
    "hacking": ("Hackerangriff oder Computermissbrauch",
                "jemand ist in meine Systeme oder Konten eingedrungen"),
    "ddos": ("DDoS-Angriff",
             "meine Website oder Dienste wurden mit Anfragen überflutet und fielen aus"),
    "data_carrier_theft": (
        "Diebstahl von Datenträgern",
        "ein Laptop, Telefon oder Datenträger mit Daten darauf wurde gestohlen"),
    "insider_breach": ("Vertrauensbruch durch einen Mitarbeiter",
                       "ein Mitarbeiter hat unsere Daten missbraucht oder weitergegeben"),
    "contract_withdrawal": (
        "Kunde ist vom Projektvertrag zurückgetreten",
        "ein Kunde ist nach versäumten Terminen und Nacharbeiten von einem Projekt "
        "zurückgetreten"),
}


def german_names(apps, schema_editor):
    for model, names in (("Product", PRODUCTS), ("Module", MODULES),
                         ("CostCategory", CATEGORIES)):
        Model = apps.get_model("catalogue", model)
        for code, name in names.items():
            Model.objects.filter(code=code, name_de="").update(name_de=name)
    LossType = apps.get_model("catalogue", "LossType")
    for code, (name, plain) in LOSS_TYPES.items():
        LossType.objects.filter(code=code, name_de="").update(
            name_de=name, plain_description_de=plain)


RENAMED = {"name": "name_en", "plain_description": "plain_description_en"}


class _RenamingManager:
    def __init__(self, manager):
        self._manager = manager

    def create(self, **fields):
        return self._manager.create(**{RENAMED.get(key, key): value
                                       for key, value in fields.items()})

    def get_or_create(self, defaults=None, **lookup):
        defaults = {RENAMED.get(key, key): value for key, value in (defaults or {}).items()}
        return self._manager.get_or_create(defaults=defaults, **lookup)

    def __getattr__(self, name):
        return getattr(self._manager, name)


class _RenamingModel:
    def __init__(self, model):
        self._model = model
        self.objects = _RenamingManager(model.objects)

    def __getattr__(self, name):
        return getattr(self._model, name)


class _RenamingApps:
    """Migration 0002's loader (which says ``name=``) run against today's catalogue tables."""

    def __init__(self, apps):
        self._apps = apps

    def get_model(self, app_label, model_name=None):
        return _RenamingModel(self._apps.get_model(app_label, model_name))


def reload_after_flush(apps, schema_editor):
    """config.reseed: the seeded catalogue again after a flush, in both languages."""
    from importlib import import_module

    import_module("coverage.migrations.0002_catalogue_data").load(_RenamingApps(apps),
                                                                  schema_editor)
    import_module("coverage.migrations.0003_product_policy_number_prefix").set_prefixes(
        apps, schema_editor)
    import_module("coverage.migrations.0004_category_flags_and_security_relevant_loss_types").load(
        _RenamingApps(apps), schema_editor)
    import_module("coverage.migrations.0005_minimum_premium").load(apps, schema_editor)
    german_names(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0005_minimum_premium"),
    ]

    operations = [
        migrations.AlterModelOptions(name="costcategory", options={
            "ordering": ["name_en"], "verbose_name_plural": "cost categories"}),
        migrations.AlterModelOptions(name="losstype", options={"ordering": ["name_en"]}),
        migrations.AlterModelOptions(name="module",
                                     options={"ordering": ["product", "kind", "name_en"]}),
        migrations.AlterModelOptions(name="product", options={"ordering": ["name_en"]}),
        migrations.RenameField(model_name="product", old_name="name", new_name="name_en"),
        migrations.RenameField(model_name="module", old_name="name", new_name="name_en"),
        migrations.RenameField(model_name="costcategory", old_name="name", new_name="name_en"),
        migrations.RenameField(model_name="losstype", old_name="name", new_name="name_en"),
        migrations.RenameField(model_name="losstype", old_name="plain_description",
                               new_name="plain_description_en"),
        migrations.AlterField(model_name="product", name="name_en",
                              field=models.CharField(max_length=100, verbose_name="name (English)")),
        migrations.AlterField(model_name="module", name="name_en",
                              field=models.CharField(max_length=120, verbose_name="name (English)")),
        migrations.AlterField(model_name="costcategory", name="name_en",
                              field=models.CharField(max_length=120, verbose_name="name (English)")),
        migrations.AlterField(model_name="losstype", name="name_en",
                              field=models.CharField(max_length=120, verbose_name="name (English)")),
        migrations.AlterField(
            model_name="losstype", name="plain_description_en",
            field=models.CharField(
                help_text="How a policyholder would say it, shown in the portal.",
                max_length=200, verbose_name="plain description (English)")),
        migrations.AddField(model_name="product", name="name_de", field=models.CharField(
            blank=True, max_length=100, verbose_name="name (German)")),
        migrations.AddField(model_name="module", name="name_de", field=models.CharField(
            blank=True, max_length=120, verbose_name="name (German)")),
        migrations.AddField(model_name="costcategory", name="name_de", field=models.CharField(
            blank=True, max_length=120, verbose_name="name (German)")),
        migrations.AddField(model_name="losstype", name="name_de", field=models.CharField(
            blank=True, max_length=120, verbose_name="name (German)")),
        migrations.AddField(model_name="losstype", name="plain_description_de",
                            field=models.CharField(blank=True, max_length=200,
                                                   verbose_name="plain description (German)")),
        migrations.RunPython(german_names, migrations.RunPython.noop),
    ]
