"""Settings for the test suite: the production settings with test-only conveniences."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("JIAYUAN_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("JIAYUAN_MANIFEST_STATIC", "0")
# The suite never reads the demo's var/demo.env (its DEBUG and database are the demo's, not the tests').
os.environ.setdefault("JIAYUAN_DEMO_ENV", "0")

from jiayuan.settings import *  # noqa: E402,F403
from jiayuan.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="jiayuan-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="jiayuan-static-")
# `jiayuan demo` writes its settings file; a test run must never touch the checkout's var/demo.env.
DEMO_ENV_FILE = Path(tempfile.mkdtemp(prefix="jiayuan-var-")) / "demo.env"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False  # the test client and live_server speak plain HTTP
CELERY_TASK_ALWAYS_EAGER = True
DATABASES["default"]["CONN_MAX_AGE"] = 0
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
