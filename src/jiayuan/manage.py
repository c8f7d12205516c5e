"""The `jiayuan` console entry point: Django's management commands under one name."""

import os
import sys

from jiayuan.env import EnvError


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiayuan.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except EnvError as exc:
        # A missing or malformed setting: one line naming it, not a traceback (docs/operators.md).
        sys.stderr.write(f"jiayuan: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
