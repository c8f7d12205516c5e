"""The reproducible demo estate behind ``jiayuan load_demo`` and ``jiayuan demo`` (``make demo``).

Its own app, the top layer above all others: the demo writes rows of org, estate and every later app.
The package is also the Django app, so it imports nothing at load time (models are not ready then);
its public names are read from their modules on first use.
"""

from importlib import import_module

_PUBLIC = {
    "DEFAULT_SEED": "context",
    "DemoContext": "context",
    "DEMO_LOGINS": "logins",
    "DEMO_PASSWORD": "logins",
    "DemoError": "logins",
    "STEPS": "generator",
    "demo_exists": "generator",
    "load_demo": "generator",
    "reset_demo": "reset",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
