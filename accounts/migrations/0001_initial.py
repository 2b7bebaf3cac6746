"""One login name per normalised spelling (a unique index on lower(NFKC(username))), and the
segregation of duties: vendor memberships and approval limits are no longer changed by the
adjusters' and team leads' groups (administrators only, through the audited admin)."""

from django.db import migrations

INDEX_SQL = (
    "CREATE UNIQUE INDEX IF NOT EXISTS accounts_username_normalised "
    "ON auth_user (lower(normalize(username, NFKC)))"
)
INDEX_REVERSE = "DROP INDEX IF EXISTS accounts_username_normalised"

REVOKED = {
    "adjusters": [("vendors", "add_vendormembership"), ("vendors", "change_vendormembership"),
                  ("vendors", "delete_vendormembership")],
    "team_leads": [("vendors", "add_vendormembership"), ("vendors", "change_vendormembership"),
                   ("vendors", "delete_vendormembership"),
                   ("claims", "add_adjusterprofile"), ("claims", "change_adjusterprofile")],
}


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codes in REVOKED.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, codename in codes:
            group.permissions.remove(*Permission.objects.filter(
                content_type__app_label=app_label, codename=codename))


def restore(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codes in REVOKED.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, codename in codes:
            if codename.startswith("delete_"):
                continue
            group.permissions.add(*Permission.objects.filter(
                content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("claims", "0002_groups_templates_holidays"),
        ("vendors", "0002_services_and_permissions"),
    ]

    operations = [
        migrations.RunSQL(INDEX_SQL, INDEX_REVERSE),
        migrations.RunPython(revoke, restore),
    ]
