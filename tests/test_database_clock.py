"""The database never supplies the time: SQL ``now()`` would not follow ``pytest --now`` (nor freezegun), and
SQLite's and PostgreSQL's clocks are not the application's. Times are computed in Python
(``timezone.now()``) and passed in as parameters."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "jiayuan"
DATABASE_CLOCK = re.compile(
    r"\bNow\(\)|db_default\s*=|\b(?:CURRENT|current)_(?:TIMESTAMP|DATE|TIME|timestamp|date|time)\b|"
    r"\bLOCALTIME(?:STAMP)?\b|\blocaltimestamp\b|(?:statement|transaction|clock)_timestamp\(|"
    r"['\"]now['\"]|(?i:\b(?:select|insert|update|values|set|where|default)\b)[^'\"\n]*(?<![.\w])(?i:now)\(\)"
)


def test_no_code_asks_the_database_for_the_time():
    found = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DATABASE_CLOCK.search(line)
    ]
    assert found == []


def test_the_pattern_catches_the_usual_spellings():
    for text in (
        "Bill.objects.update(paid_at=Now())",
        "created = models.DateTimeField(db_default=Now())",
        'cursor.execute("UPDATE t SET at = now() WHERE id = %s", [1])',
        "INSERT INTO t (at) VALUES (CURRENT_TIMESTAMP)",
        "SELECT date('now')",
        "SELECT statement_timestamp()",
    ):
        assert DATABASE_CLOCK.search(text), text
    assert not DATABASE_CLOCK.search("at = timezone.now()")
    assert not DATABASE_CLOCK.search("at = at or now()")
    assert not DATABASE_CLOCK.search('context = {"printed": timezone.now(), "local": timezone.localtime()}')
