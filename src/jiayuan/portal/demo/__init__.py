"""The reproducible demo estate behind ``jiayuan load_demo`` and ``jiayuan demo`` (``make demo``).

Lives in ``portal`` because it is the top layer: the demo spans org, estate and every later app.
"""

from jiayuan.portal.demo.context import DEFAULT_SEED, DemoContext
from jiayuan.portal.demo.generator import STEPS, demo_exists, load_demo, register_step
from jiayuan.portal.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DemoError
from jiayuan.portal.demo.reset import reset_demo

__all__ = [
    "DEFAULT_SEED",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "STEPS",
    "DemoContext",
    "DemoError",
    "demo_exists",
    "load_demo",
    "register_step",
    "reset_demo",
]
