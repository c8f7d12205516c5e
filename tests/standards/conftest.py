"""Helpers for the standards tests: a clock that moves, and the catalogue's versions by code."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from jiayuan.standards.models import Standard


@pytest.fixture
def clock():
    """A frozen clock the test moves with ``clock.tick(minutes=…)``: versions are ordered by time."""
    with freeze_time(timezone.now().replace(microsecond=0)) as frozen:

        class Clock:
            def tick(self, **kw):
                frozen.tick(timedelta(**kw))
                return timezone.now()

            @property
            def now(self):
                return timezone.now()

        yield Clock()


@pytest.fixture
def std():
    """``std("service.dispatch")`` → the Standard row."""
    return lambda code: Standard.objects.get(code=code)
