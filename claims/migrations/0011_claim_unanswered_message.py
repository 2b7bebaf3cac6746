"""``Claim.unanswered_message``: the claim's latest note is a message from its policyholder, which
nobody has answered yet (the adjusters' "messages from policyholders" queue).

The queue and the dashboard's count read it from the claim (a partial index holds the few claims
with one) instead of looking up every open claim's latest note: 650 ms for the dashboard's counts
at 50,000 claims. The start page's counts of the work queues (state, adjuster, emergency, next
due time, this mark) come from one index, without reading the claims (50 ms -> 10 ms). The database keeps it: a note written on a claim (notes are append-only) sets it
from its author, unless a later note exists; a claim moved to another policy, or a policyholder
whose sign-in changes, gets it recomputed from the latest note. The existing claims are filled in
one statement.
"""

from django.db import migrations, models

# Whether the latest note of claim ``claim`` was written by the policyholder's user.
FUNCTIONS = """
CREATE FUNCTION claims_claim_unanswered(claim bigint, policy bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
  author integer;
  holder integer;
BEGIN
  SELECT n.author_id INTO author FROM claims_claimnote n WHERE n.claim_id = claim
   ORDER BY n.created_at DESC, n.id DESC LIMIT 1;
  IF author IS NULL THEN
    RETURN false;
  END IF;
  SELECT h.user_id INTO holder FROM policies_policy p
    JOIN policies_policyholder h ON h.id = p.policyholder_id WHERE p.id = policy;
  RETURN coalesce(author = holder, false);  -- a policyholder without a sign-in writes no notes
END $$;

CREATE FUNCTION claims_note_unanswered() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unanswered boolean;
BEGIN
  SELECT claims_claim_unanswered(c.id, c.policy_id) INTO unanswered FROM claims_claim c
   WHERE c.id = NEW.claim_id;
  UPDATE claims_claim SET unanswered_message = unanswered
   WHERE id = NEW.claim_id AND unanswered_message IS DISTINCT FROM unanswered;
  RETURN NULL;
END $$;

CREATE FUNCTION claims_claim_unanswered_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.unanswered_message := false;  -- a new claim has no notes yet
  ELSE
    NEW.unanswered_message := claims_claim_unanswered(NEW.id, NEW.policy_id);
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION claims_policyholder_unanswered_pass() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE claims_claim c SET unanswered_message = claims_claim_unanswered(c.id, c.policy_id)
    FROM policies_policy p
   WHERE p.policyholder_id = NEW.id AND c.policy_id = p.id;
  RETURN NULL;
END $$;

CREATE TRIGGER note_unanswered AFTER INSERT ON claims_claimnote
  FOR EACH ROW EXECUTE FUNCTION claims_note_unanswered();
CREATE TRIGGER claim_unanswered_keep BEFORE INSERT OR UPDATE OF policy_id, unanswered_message
  ON claims_claim FOR EACH ROW EXECUTE FUNCTION claims_claim_unanswered_keep();
CREATE TRIGGER policyholder_unanswered_pass AFTER UPDATE OF user_id ON policies_policyholder
  FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION claims_policyholder_unanswered_pass();
"""

DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS policyholder_unanswered_pass ON policies_policyholder;
DROP TRIGGER IF EXISTS claim_unanswered_keep ON claims_claim;
DROP TRIGGER IF EXISTS note_unanswered ON claims_claimnote;
DROP FUNCTION IF EXISTS claims_policyholder_unanswered_pass();
DROP FUNCTION IF EXISTS claims_claim_unanswered_keep();
DROP FUNCTION IF EXISTS claims_note_unanswered();
DROP FUNCTION IF EXISTS claims_claim_unanswered(bigint, bigint);
"""

# The existing claims: the latest note of each, in one pass.
FILL = """
UPDATE claims_claim c SET unanswered_message = true
  FROM (SELECT DISTINCT ON (n.claim_id) n.claim_id, n.author_id FROM claims_claimnote n
         ORDER BY n.claim_id, n.created_at DESC, n.id DESC) latest,
       policies_policy p, policies_policyholder h
 WHERE latest.claim_id = c.id AND p.id = c.policy_id AND h.id = p.policyholder_id
   AND latest.author_id = h.user_id
"""


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0010_next_due_cached_plans"),
        ("policies", "0007_policyholder_name_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="unanswered_message",
            field=models.BooleanField(
                default=False, editable=False,
                help_text="The latest note is a message from the policyholder that nobody has "
                          "answered yet. Kept by the database (migration "
                          "claims.0011_claim_unanswered_message)."),
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["id"], name="claim_unanswered_idx",
                               condition=models.Q(unanswered_message=True)),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["state", "assigned_adjuster", "emergency", "next_due_at",
                                       "unanswered_message"], name="claim_queue_counts_idx"),
        ),
        # the planner's statistics of the new column: without them it takes the few marked
        # claims for many and walks the whole queue for them (60 ms instead of 2 at 50,000)
        migrations.RunSQL("ANALYZE claims_claim", migrations.RunSQL.noop),
    ]
