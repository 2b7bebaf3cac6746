"""Cheaper writes of a claim and its activities (issue 17).

``Claim.next_due_at``'s triggers (migration 0007) read the claim's open activities through a SQL
function, which PostgreSQL plans again on every call, three calls per activity written (the
activity's trigger computed the value twice, the claim's trigger once more): 0.8 ms of an
approval's 1.7 ms statement. In PL/pgSQL the same query is planned once per connection and the
value computed once per trigger. Same values, same rules.

The claim search reads ``search_text`` (migration 0009) and nothing reads the trigram indexes on
the claim's number and claimant any more: every new claim and every change of its state or next
due time wrote each claimant and number trigram into them. The description's stays (the cyber
events' suggestions look for their terms in it).
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION claims_claim_next_due_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('claims.bulk_load', true) = 'on' THEN
    RETURN NEW;  -- a bulk load (bench/seed.py) fills the claims in one pass
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.next_due_at := NULL;  -- a new claim has no activities yet
  ELSE
    SELECT min(due_at) INTO NEW.next_due_at FROM claims_activity
     WHERE claim_id = NEW.id AND completed_at IS NULL;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION claims_activity_next_due() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  due timestamptz;
BEGIN
  IF current_setting('claims.bulk_load', true) = 'on' THEN
    RETURN NULL;  -- a bulk load (bench/seed.py) fills the claims in one pass afterwards
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT min(due_at) INTO due FROM claims_activity
     WHERE claim_id = OLD.claim_id AND completed_at IS NULL;
    UPDATE claims_claim SET next_due_at = due
     WHERE id = OLD.claim_id AND next_due_at IS DISTINCT FROM due;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.claim_id <> OLD.claim_id) THEN
    SELECT min(due_at) INTO due FROM claims_activity
     WHERE claim_id = NEW.claim_id AND completed_at IS NULL;
    UPDATE claims_claim SET next_due_at = due
     WHERE id = NEW.claim_id AND next_due_at IS DISTINCT FROM due;
  END IF;
  RETURN NULL;
END $$;
"""

# Migration 0007's versions, for a migration backwards.
OLD_FUNCTIONS = """
CREATE OR REPLACE FUNCTION claims_claim_next_due_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('claims.bulk_load', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.next_due_at := NULL;
  ELSE
    NEW.next_due_at := claims_claim_next_due(NEW.id);
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION claims_activity_next_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('claims.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE claims_claim SET next_due_at = claims_claim_next_due(OLD.claim_id)
     WHERE id = OLD.claim_id
       AND next_due_at IS DISTINCT FROM claims_claim_next_due(OLD.claim_id);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.claim_id <> OLD.claim_id) THEN
    UPDATE claims_claim SET next_due_at = claims_claim_next_due(NEW.claim_id)
     WHERE id = NEW.claim_id
       AND next_due_at IS DISTINCT FROM claims_claim_next_due(NEW.claim_id);
  END IF;
  RETURN NULL;
END $$;
"""

DROP_INDEXES = """
DROP INDEX IF EXISTS claim_number_trgm_idx;
DROP INDEX IF EXISTS claim_claimant_trgm_idx;
"""


def recreate_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE INDEX IF NOT EXISTS claim_number_trgm_idx ON claims_claim "
                       "USING gin (UPPER(number) gin_trgm_ops)")
        cursor.execute("CREATE INDEX IF NOT EXISTS claim_claimant_trgm_idx ON claims_claim "
                       "USING gin (UPPER(claimant_name) gin_trgm_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0009_claim_search_text"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, OLD_FUNCTIONS),
        migrations.RunSQL(DROP_INDEXES, migrations.RunSQL.noop),
        migrations.RunPython(migrations.RunPython.noop, recreate_indexes),
    ]
