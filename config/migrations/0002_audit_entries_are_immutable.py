from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION infra_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are immutable (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER infra_auditentry_immutable
    BEFORE UPDATE OR DELETE ON infra_auditentry
    FOR EACH ROW EXECUTE FUNCTION infra_refuse_audit_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS infra_auditentry_immutable ON infra_auditentry;
DROP FUNCTION IF EXISTS infra_refuse_audit_change();
"""


class Migration(migrations.Migration):
    dependencies = [("infra", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
