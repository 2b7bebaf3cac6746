"""Trigram indexes for the claim search (``claims.selectors.claims_search``), where the server
offers ``pg_trgm``: a ``LIKE '%word%'`` on each searched column is then an index scan, not a scan
of the table. On a server without the extension (the embedded default) nothing is created and
the search still works, by scanning."""

from django.db import migrations, transaction

INDEXES = [
    ("claim_number_trgm_idx", "claims_claim", "UPPER(number)"),
    ("claim_description_trgm_idx", "claims_claim", "UPPER(description)"),
    ("claim_claimant_trgm_idx", "claims_claim", "UPPER(claimant_name)"),
    ("policy_number_trgm_idx", "policies_policy", "UPPER(number)"),
    ("policyholder_company_trgm_idx", "policies_policyholder", "UPPER(company_name)"),
    ("policyholder_contact_trgm_idx", "policies_policyholder", "UPPER(contact_name)"),
]


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # no right to create it: search works without the indexes
            return
        for name, table, expression in INDEXES:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                           f"USING gin ({expression} gin_trgm_ops)")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _expression in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0003_list_indexes"),
        ("policies", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
