"""The vendor service catalogue (with the cost category each service's invoices are booked to),
the adjusters' model permissions on vendors, and a trigger that keeps progress updates
append-only."""

from django.db import migrations

SERVICES = [
    # code, name, cost category
    ("data_recovery", "Data recovery", "data_recovery"),
    ("forensics", "IT forensics", "forensics"),
    ("virus_removal", "Virus removal", "restoration"),
    ("lawyers", "Specialised lawyers", "legal_costs"),
    ("pr_crisis", "PR and crisis management", "crisis_pr"),
    ("credit_monitoring", "Credit monitoring", "credit_monitoring"),
    # A lost client key forces a new locking system: damages to the third party.
    ("locksmith", "Locksmith", "damages"),
]
ADJUSTER_CODENAMES = [
    "view_vendorservice", "view_vendororganisation", "add_vendororganisation",
    "change_vendororganisation", "view_vendormembership", "add_vendormembership",
    "change_vendormembership", "view_vendorjob", "change_vendorjob",
    "view_vendorprogressupdate",
]
TEAM_LEAD_CODENAMES = ["add_vendorservice", "change_vendorservice"]


def load(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    CostCategory = apps.get_model("catalogue", "CostCategory")
    VendorService = apps.get_model("vendors", "VendorService")
    for code, name, category in SERVICES:
        VendorService.objects.update_or_create(
            code=code, defaults={"name": name,
                                 "cost_category": CostCategory.objects.get(code=category)},
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    common = list(Permission.objects.filter(content_type__app_label="vendors",
                                            codename__in=ADJUSTER_CODENAMES))
    leads = list(Permission.objects.filter(content_type__app_label="vendors",
                                           codename__in=TEAM_LEAD_CODENAMES))
    adjusters, _ = Group.objects.get_or_create(name="adjusters")
    adjusters.permissions.add(*common)
    team_leads, _ = Group.objects.get_or_create(name="team_leads")
    team_leads.permissions.add(*common, *leads)


def unload(apps, schema_editor):
    apps.get_model("vendors", "VendorService").objects.all().delete()


PROGRESS_SQL = """
CREATE OR REPLACE FUNCTION vendors_refuse_progress_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'vendor progress updates are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER vendors_progress_append_only
    BEFORE UPDATE OR DELETE ON vendors_vendorprogressupdate
    FOR EACH ROW EXECUTE FUNCTION vendors_refuse_progress_change();
"""
PROGRESS_REVERSE = """
DROP TRIGGER IF EXISTS vendors_progress_append_only ON vendors_vendorprogressupdate;
DROP FUNCTION IF EXISTS vendors_refuse_progress_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0001_initial"),
        ("claims", "0002_groups_templates_holidays"),
        ("catalogue", "0002_catalogue_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(load, unload),
        migrations.RunSQL(PROGRESS_SQL, PROGRESS_REVERSE),
    ]
