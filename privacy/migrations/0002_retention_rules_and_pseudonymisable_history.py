"""The default retention rules (data an administrator can change), and the append-only tables'
triggers taught one exception: inside a transaction that set ``privacy.pseudonymising`` to ``on``
(``privacy.services.pseudonymise.pseudonymising``) an UPDATE may overwrite the listed text
columns, and nothing else. DELETE stays refused; amounts, keys and dates stay refused."""

from django.db import migrations

RULES = [
    ("closed_claim", 10, "§ 257 HGB, § 147 AO: commercial and tax records, 10 years"),
    ("withdrawn_report", 3, "§ 195 BGB: regular limitation period, 3 years"),
    ("ended_policy", 10, "§ 257 HGB, § 147 AO: contract records, 10 years"),
]

# table, trigger, message, columns that pseudonymisation may overwrite, original function
TABLES = [
    ("claims_claimnote", "claims_claimnote_append_only", "claim notes are append-only", "text",
     "claims_refuse_note_change"),
    ("vendors_vendorprogressupdate", "vendors_progress_append_only",
     "vendor progress updates are append-only", "text", "vendors_refuse_progress_change"),
    ("infra_auditentry", "infra_auditentry_immutable", "audit entries are immutable",
     "object_repr,from_value,to_value,reason,payload", "infra_refuse_audit_change"),
    ("money_costline", "money_costline_immutable", "money_costline rows are immutable",
     "payee_name,reason", "money_refuse_change"),
    ("money_reservechange", "money_reservechange_immutable",
     "money_reservechange rows are immutable", "reason", "money_refuse_change"),
    ("money_interruptionassessment", "money_interruptionassessment_immutable",
     "money_interruptionassessment rows are immutable", "reason", "money_refuse_change"),
    ("money_ledgerentry", "money_ledgerentry_immutable", "money_ledgerentry rows are immutable",
     "reason", "money_refuse_change"),
]

FUNCTION = """
CREATE OR REPLACE FUNCTION privacy_refuse_change_but_pseudonymise() RETURNS trigger AS $$
DECLARE
    allowed text[] := string_to_array(TG_ARGV[1], ',');
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('privacy.pseudonymising', true) = 'on'
       AND (to_jsonb(NEW) - allowed) = (to_jsonb(OLD) - allowed) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% (% refused)', TG_ARGV[0], TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

SQL = FUNCTION + "".join(
    f"DROP TRIGGER IF EXISTS {trigger} ON {table};\n"
    f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION "
    f"privacy_refuse_change_but_pseudonymise('{message}', '{columns}');\n"
    for table, trigger, message, columns, _original in TABLES
)
REVERSE = "".join(
    f"DROP TRIGGER IF EXISTS {trigger} ON {table};\n"
    f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION "
    f"{original}();\n"
    for table, trigger, _message, _columns, original in TABLES
) + "DROP FUNCTION IF EXISTS privacy_refuse_change_but_pseudonymise();\n"


def load_rules(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for applies_to, years, basis in RULES:
        RetentionRule.objects.get_or_create(
            applies_to=applies_to, defaults={"years": years, "legal_basis": basis})


def unload_rules(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_access_requests_retention_and_access_log"),
        ("infra", "0002_audit_entries_are_immutable"),
        ("money", "0002_ledger_and_history_are_immutable"),
    ]
    operations = [
        migrations.RunPython(load_rules, unload_rules),
        migrations.RunSQL(SQL, REVERSE),
    ]
