"""The reproducible demo estate behind ``jiayuan load_demo`` and ``jiayuan demo`` (``make demo``).

Lives in ``portal`` because it is the top layer: the demo spans org, estate and every later app.
"""

from jiayuan.portal.demo.billing_steps import create_billing
from jiayuan.portal.demo.context import DEFAULT_SEED, DemoContext
from jiayuan.portal.demo.desk_steps import create_desk_records
from jiayuan.portal.demo.expense_steps import create_expenses
from jiayuan.portal.demo.generator import STEPS, demo_exists, load_demo, register_step
from jiayuan.portal.demo.holding_steps import create_holdings
from jiayuan.portal.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DemoError
from jiayuan.portal.demo.quality_steps import create_indicator_entries
from jiayuan.portal.demo.reset import reset_demo
from jiayuan.portal.demo.service_steps import create_requests
from jiayuan.portal.demo.special_steps import create_special_menu

register_step(create_requests, after="create_parking")  # four months of customer requests (service app)
register_step(create_billing, after="create_parking")  # a year of bills and payments (billing app)
register_step(create_holdings, after="create_billing")  # meters, deposits, property in trust
register_step(create_expenses, after="create_billing")  # a year of expenses (disclosure report)
register_step(create_special_menu, after="create_requests")  # the priced special-service menu (R8.1)
register_step(create_desk_records, after="create_special_menu")  # slips, home visits, defects (R3.9/11/12)
register_step(create_indicator_entries)  # a year of indicator figures entered with evidence (R10.1), last

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
