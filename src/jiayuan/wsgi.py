"""The WSGI application for gunicorn (docs/operators.md)."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from jiayuan.env import EnvError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiayuan.settings")
try:
    application = get_wsgi_application()
except EnvError as exc:
    # A missing or malformed setting: one line naming it, and exit code 4, gunicorn's "App failed to load",
    # so that the master stops instead of booting workers that fail the same way for ever.
    sys.stderr.write(f"jiayuan: {exc}\n")
    sys.stderr.flush()
    raise SystemExit(4) from None
