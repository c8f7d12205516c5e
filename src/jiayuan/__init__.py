"""Jiayuan (家园): a property-service management system."""

# `celery -A jiayuan worker` finds the app here (Celery's Django layout).
from jiayuan.celery import app as celery_app

__all__ = ["celery_app"]
