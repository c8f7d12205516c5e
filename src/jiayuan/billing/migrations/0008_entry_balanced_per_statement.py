"""The PostgreSQL balance guard checks each INSERT statement once instead of each journal line at commit.

0002 made it a deferred constraint trigger FOR EACH ROW: at commit, one ``SELECT sum(…)`` per journal line
(three per bill of a billing run) — the largest part of a run's commit. Now an AFTER INSERT trigger FOR
EACH STATEMENT reads the statement's new lines (a transition table) and refuses the statement when the lines
it adds to any entry do not balance among themselves. Entries balanced before and lines never updated
(``billing_journalline_no_change``), every entry stays balanced, checked with one grouped query per
statement and no index lookups. Stricter than before: an entry's lines must balance within each INSERT
(``ledger.post*`` write all the lines of their entries in one statement: one COPY on PostgreSQL).
"""

from django.db import migrations

FORWARD = """
DROP TRIGGER IF EXISTS billing_journalline_balanced ON billing_journalline;
DROP FUNCTION IF EXISTS billing_entry_balanced();

CREATE OR REPLACE FUNCTION billing_entries_balanced() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT entry_id, sum(debit) AS debit, sum(credit) AS credit INTO bad
      FROM new_lines GROUP BY entry_id HAVING sum(debit) <> sum(credit) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: debit %, credit %', bad.entry_id, bad.debit, bad.credit
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_journalline_balanced
    AFTER INSERT ON billing_journalline
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION billing_entries_balanced();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS billing_journalline_balanced ON billing_journalline;
DROP FUNCTION IF EXISTS billing_entries_balanced();

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
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0007_ledger_close")]

    operations = [migrations.RunPython(forward, backward)]
