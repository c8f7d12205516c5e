"""The production WSGI application with its URLs imported before gunicorn forks its workers (``--preload``):
each worker starts warm, as a long-running one is, so that a short bench run measures requests, not imports."""

from django.urls import get_resolver

from jiayuan.wsgi import application

get_resolver().url_patterns  # noqa: B018  (imports every app's urls, views and API schemas)

__all__ = ["application"]
