"""Load the demo estate: a list of steps run in order, in one transaction, from one seed.

Each step is a plain function ``step(ctx: DemoContext) -> None`` that reads what earlier steps put on
the context and bulk-inserts its own rows. Later modules (requests, billing…) extend the demo by adding
their step to ``STEPS`` here, or with ``register_step(step, after="create_parking")``; they draw all
randomness from ``ctx.rng`` / ``ctx.fake`` so one seed keeps giving the same data.

Rows are written in bulk. The estate registry (buildings, units, parties, occupancies) gets its creation
line in the audit history, marked "演示数据生成", so the first edit of a unit shows what changed; the other
tables start without history. Everything done in the running demo is audited as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction

from jiayuan.org.models import Company
from jiayuan.portal.demo.context import COMPANY_CODE, DEFAULT_SEED, DemoContext
from jiayuan.portal.demo.logins import DemoError, create_logins
from jiayuan.portal.demo.org_steps import create_company_and_projects, create_departments, create_staff
from jiayuan.portal.demo.parking import create_parking
from jiayuan.portal.demo.qualifications import create_certificates, create_trainings
from jiayuan.portal.demo.residential import create_buildings, create_units
from jiayuan.portal.demo.residents import create_residents
from jiayuan.portal.demo.shops import create_podium_shops
from jiayuan.portal.demo.station import create_station

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
]


def register_step(step: Step, *, after: str | None = None) -> None:
    """Add a step (once), at the end or right after the step named ``after``."""
    if step in STEPS:
        return
    if after is None:
        STEPS.append(step)
        return
    names = [s.__name__ for s in STEPS]
    if after not in names:
        raise ValueError(f"unknown demo step {after!r}")
    STEPS.insert(names.index(after) + 1, step)


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
