"""PostgreSQL guards on the ledger: every entry balances at commit (a deferred constraint trigger), and
journal lines are never updated (the demo reset may still delete a whole project). SQLite relies on ``billing.ledger.post`` and the row check constraint."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION billing_entry_balanced() RETURNS trigger AS $$
DECLARE
    eid bigint;
    d numeric;
    c numeric;
BEGIN
    IF TG_OP = 'DELETE' THEN eid := OLD.entry_id; ELSE eid := NEW.entry_id; END IF;
    SELECT coalesce(sum(debit), 0), coalesce(sum(credit), 0) INTO d, c
      FROM billing_journalline WHERE entry_id = eid;
    IF d <> c THEN
        RAISE EXCEPTION 'journal entry % does not balance: debit %, credit %', eid, d, c
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER billing_journalline_balanced
    AFTER INSERT ON billing_journalline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION billing_entry_balanced();

CREATE OR REPLACE FUNCTION billing_journalline_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'journal lines are append-only: post a reversing entry instead'
        USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_journalline_no_change
    BEFORE UPDATE ON billing_journalline
    FOR EACH ROW EXECUTE FUNCTION billing_journalline_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS billing_journalline_no_change ON billing_journalline;
DROP FUNCTION IF EXISTS billing_journalline_append_only();
DROP TRIGGER IF EXISTS billing_journalline_balanced ON billing_journalline;
DROP FUNCTION IF EXISTS billing_entry_balanced();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
