"""Fill the English catalogue from translation lists, then report what is still untranslated.

Engineers working in parallel do not edit ``django.po`` (``make messages`` rewrites it whole); each keeps
``i18n-<app>.tsv`` at the repository root: ``msgid<TAB>English`` per line, ``context|msgid`` for a
``pgettext`` string, ``\\n`` for a newline. After ``make messages`` run

    .venv/bin/python tools/fill_po.py i18n-*.tsv && make messages

which fills every empty (or fuzzy) entry it has a translation for, clears the fuzzy flag on those, and
lists what remains. The second ``make messages`` compiles the .mo.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "src/jiayuan/locale/en/LC_MESSAGES/django.po"


def read_tsv(paths: list[str]) -> dict[tuple[str | None, str], str]:
    found: dict[tuple[str | None, str], str] = {}
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            if "\t" not in line:
                raise SystemExit(f"{path}:{n}: no tab in {line!r}")
            key, english = line.split("\t", 1)
            context, sep, msgid = key.partition("|")
            if not sep:
                context, msgid = None, key
            unescape = lambda s: s.replace("\\n", "\n")  # noqa: E731
            found[(context, unescape(msgid))] = unescape(english)
    return found


def main(paths: list[str]) -> int:
    translations = read_tsv(paths)
    po = polib.pofile(str(PO), wrapwidth=79)
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        english = translations.get((entry.msgctxt, entry.msgid))
        empty = not entry.msgstr and not any(entry.msgstr_plural.values())
        if english and (empty or "fuzzy" in entry.flags):
            if entry.msgid_plural:
                entry.msgstr_plural = {0: english, 1: english}
            else:
                entry.msgstr = english
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            filled += 1
    po.save()
    missing = [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    print(f"filled {filled}; still untranslated or fuzzy: {len(missing)}")
    for e in missing:
        print(f"  {e.msgctxt + '|' if e.msgctxt else ''}{e.msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
