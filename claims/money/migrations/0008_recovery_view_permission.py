from django.db import migrations


def grant(apps, schema_editor):
    """Every authority level sees the recoveries list (and the exports page on it)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="money",
                                     codename__in=["view_recovery"])
    for group in Group.objects.filter(name__in=["adjusters", "team_leads", "claims_managers",
                                                "heads_of_claims"]):
        group.permissions.add(*view)


class Migration(migrations.Migration):

    dependencies = [
        ("money", "0007_financials_recoveries_voids"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
