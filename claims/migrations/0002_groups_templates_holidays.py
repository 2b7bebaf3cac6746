"""Data the claims department starts with: the groups "adjusters" and "team_leads" with their
model permissions, the default activity of each state, German nationwide public holidays, and
triggers that keep claim notes append-only."""

from datetime import date, timedelta

from django.db import migrations

VIEW_ONLY = {
    "policies": ["policyholder", "policy", "coveragesection", "insuranceyearaccount"],
    "catalogue": ["product", "module", "losstype", "costcategory", "modulecostcategory",
                  "suminsuredoption", "deductibleoption", "revenueband", "ratecell"],
    "infra": ["auditentry"],
    "claims": ["adjusterprofile", "activitytemplate", "holiday", "claimsection"],
}
ADJUSTER_CODENAMES = [
    "view_claim", "add_claim", "change_claim",
    "view_claimnote", "add_claimnote",
    "view_claimdocument", "add_claimdocument",
    "view_informationrequest", "add_informationrequest", "change_informationrequest",
    "view_activity", "change_activity",
    "view_claimseries", "add_claimseries", "change_claimseries",
]
TEAM_LEAD_CODENAMES = [
    "add_adjusterprofile", "change_adjusterprofile",
    "add_activitytemplate", "change_activitytemplate",
    "add_holiday", "change_holiday",
]

TEMPLATES = [
    # state, title, business days, emergency hours
    ("reported", "First contact with the policyholder", 1, 1),
    ("liability_check", "Liability and coverage decision", 10, None),
    ("mitigation", "Review vendor progress", 5, None),
    ("settlement", "Prepare settlement", 5, None),
    ("defending", "Review the defence against the third party's claim", 10, None),
    ("denied", "Close the file after the denial", 10, None),
    ("settled", "Execute the payment", 2, None),
    ("paid", "Close the file", 5, None),
    ("reopened", "Review the reopened claim", 2, None),
]


def easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def german_holidays(year: int) -> list[tuple[date, str]]:
    sunday = easter(year)
    return [
        (date(year, 1, 1), "New Year's Day"),
        (sunday - timedelta(days=2), "Good Friday"),
        (sunday + timedelta(days=1), "Easter Monday"),
        (date(year, 5, 1), "Labour Day"),
        (sunday + timedelta(days=39), "Ascension Day"),
        (sunday + timedelta(days=50), "Whit Monday"),
        (date(year, 10, 3), "German Unity Day"),
        (date(year, 12, 25), "Christmas Day"),
        (date(year, 12, 26), "Boxing Day"),
    ]


def load(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(app_label, codenames):
        return list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )

    common = permissions("claims", ADJUSTER_CODENAMES)
    for app_label, models in VIEW_ONLY.items():
        common += permissions(app_label, [f"view_{model}" for model in models])
    adjusters, _ = Group.objects.get_or_create(name="adjusters")
    adjusters.permissions.add(*common)
    team_leads, _ = Group.objects.get_or_create(name="team_leads")
    team_leads.permissions.add(*common, *permissions("claims", TEAM_LEAD_CODENAMES))

    ActivityTemplate = apps.get_model("claims", "ActivityTemplate")
    for state, title, days, hours in TEMPLATES:
        ActivityTemplate.objects.get_or_create(
            state=state, title=title, defaults={"business_days": days, "emergency_hours": hours}
        )
    Holiday = apps.get_model("claims", "Holiday")
    for year in range(2024, 2031):
        for day, name in german_holidays(year):
            Holiday.objects.get_or_create(date=day, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["adjusters", "team_leads"]).delete()
    apps.get_model("claims", "ActivityTemplate").objects.all().delete()
    apps.get_model("claims", "Holiday").objects.all().delete()


NOTES_SQL = """
CREATE OR REPLACE FUNCTION claims_refuse_note_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'claim notes are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER claims_claimnote_append_only
    BEFORE UPDATE OR DELETE ON claims_claimnote
    FOR EACH ROW EXECUTE FUNCTION claims_refuse_note_change();
"""
NOTES_REVERSE = """
DROP TRIGGER IF EXISTS claims_claimnote_append_only ON claims_claimnote;
DROP FUNCTION IF EXISTS claims_refuse_note_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("policies", "0001_initial"),
        ("catalogue", "0002_catalogue_data"),
        ("infra", "0002_audit_entries_are_immutable"),
    ]
    operations = [
        migrations.RunPython(load, unload),
        migrations.RunSQL(NOTES_SQL, NOTES_REVERSE),
    ]
