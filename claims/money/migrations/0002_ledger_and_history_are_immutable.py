"""Ledger entries, cost lines, reserve changes and interruption assessments are append-only:
PostgreSQL refuses UPDATE and DELETE on them, whoever asks (a correction is a new row)."""

from django.db import migrations

TABLES = [
    "money_ledgerentry",
    "money_costline",
    "money_reservechange",
    "money_interruptionassessment",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION money_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

SQL = FUNCTION + "".join(
    f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION money_refuse_change();\n"
    for table in TABLES
)

REVERSE = "".join(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS money_refuse_change();\n"
)


class Migration(migrations.Migration):
    dependencies = [("money", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
