"""Load the demo estate: a list of steps run in order, in one transaction, from one seed.

Each step is a plain function ``step(ctx: DemoContext) -> None`` that reads what earlier steps put on
the context and bulk-inserts its own rows. Each module (requests, billing…) extends the demo by adding
its step to ``STEPS`` here; steps draw all randomness from ``ctx.rng`` / ``ctx.fake`` so one seed keeps
giving the same data.

Rows are written in bulk. The estate registry (buildings, units, parties, occupancies) gets its creation
line in the audit history, marked "演示数据生成", so the first edit of a unit shows what changed; the other
tables start without history. Everything done in the running demo is audited as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction

from jiayuan.demo.billing_steps import create_billing
from jiayuan.demo.context import COMPANY_CODE, DEFAULT_SEED, DemoContext
from jiayuan.demo.desk_steps import create_desk_records
from jiayuan.demo.expense_steps import create_expenses
from jiayuan.demo.holding_steps import create_holdings
from jiayuan.demo.logins import DemoError, create_logins
from jiayuan.demo.org_steps import create_company_and_projects, create_departments, create_staff
from jiayuan.demo.parking import create_parking
from jiayuan.demo.qualifications import create_certificates, create_trainings
from jiayuan.demo.quality_steps import create_indicator_entries
from jiayuan.demo.residential import create_buildings, create_units
from jiayuan.demo.residents import create_residents
from jiayuan.demo.service_steps import create_requests
from jiayuan.demo.shops import create_podium_shops
from jiayuan.demo.special_steps import create_special_menu
from jiayuan.demo.station import create_station
from jiayuan.org.models import Company

Step = Callable[[DemoContext], None]
MAX_SCALE = 20.0

STEPS: list[Step] = [
    create_company_and_projects,
    create_departments,
    create_logins,
    create_staff,
    create_certificates,
    create_trainings,
    create_buildings,
    create_units,
    create_residents,
    create_podium_shops,
    create_station,
    create_parking,
    create_billing,  # a year of bills and payments (billing app)
    create_expenses,  # a year of expenses (disclosure report)
    create_holdings,  # meters, deposits, property in trust
    create_requests,  # four months of customer requests (service app)
    create_special_menu,  # the priced special-service menu (R8.1)
    create_desk_records,  # slips, home visits, defects (R3.9/11/12)
    create_indicator_entries,  # a year of indicator figures entered with evidence (R10.1), last
]


def demo_exists() -> bool:
    return Company.objects.filter(code=COMPANY_CODE).exists()


def load_demo(
    *, seed: int = DEFAULT_SEED, scale: float = 1.0, log: Callable[[str], None] = lambda m: None
) -> DemoContext:
    """Generate the whole demo, or nothing: a failure in any step rolls every step back."""
    if not 0 < scale <= MAX_SCALE:
        raise DemoError(f"--scale 必须在 0 与 {MAX_SCALE:g} 之间")
    ctx = DemoContext(seed=seed, scale=scale, log=log)
    with transaction.atomic():
        if demo_exists():
            raise DemoError("演示数据已存在（公司编码 jy）；如需重建请在 DEBUG 模式下使用 --reset")
        for step in STEPS:
            started = time.perf_counter()
            step(ctx)
            log(f"  {step.__name__:<28} {time.perf_counter() - started:6.2f} s")
    return ctx
