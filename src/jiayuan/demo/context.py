"""The state shared by the demo steps: seeded randomness, the scale, and what earlier steps made."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from faker import Faker

from jiayuan.demo.people import People

DEFAULT_SEED = 20261129
COMPANY_CODE = "jy"
COMPANY_NAME = "家园物业服务有限公司"
RESIDENTIAL_CODE = "CUIHU"
STATION_CODE = "CHENGDONG"


@dataclass
class DemoContext:
    """Passed to every step. Steps read what earlier steps stored here and add their own results.

    ``rng`` and ``fake`` are the only sources of randomness: a step that draws from anything else
    (``random.random()``, ``uuid4``, the wall clock other than ``now`` and ``today``) breaks reproducibility.

    ``now`` is the instant the demo is built and ``today`` its day in Asia/Shanghai (read once, here). The
    demo is built around them: whatever a step records as done (received, paid, read, entered…) is dated
    at or before ``now``, even at 00:05 on New Year's Day; only due dates, appointments and validities may
    lie ahead (tests/demo/test_demo_time.py checks every date column).
    """

    seed: int = DEFAULT_SEED
    scale: float = 1.0
    now: datetime = field(default_factory=timezone.now)
    today: date = None  # type: ignore[assignment]  # the day of ``now`` unless given
    log: Callable[[str], None] = lambda message: None
    rng: random.Random = field(init=False)
    fake: Faker = field(init=False)
    people: People = field(init=False)
    company: Any = None
    projects: dict[str, Any] = field(default_factory=dict)  # code -> Project
    departments: dict[tuple[str, str], Any] = field(default_factory=dict)  # (project code, kind) -> Dept
    users: dict[str, Any] = field(default_factory=dict)  # username -> User
    staff: list[Any] = field(default_factory=list)
    units: dict[str, list[Any]] = field(default_factory=dict)  # project code -> units
    unit_owner: dict[int, Any] = field(default_factory=dict)  # unit id -> owner Party
    counts: Counter = field(default_factory=Counter)
    extra: dict[str, Any] = field(default_factory=dict)  # for steps added by later modules

    def __post_init__(self) -> None:
        if self.today is None:
            self.today = timezone.localdate(self.now)
        self.rng = random.Random(self.seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(self.seed)
        self.people = People(self.rng, self.fake)

    def scaled(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def project(self, code: str):
        return self.projects[code]

    def department(self, project_code: str, kind: str):
        return self.departments[(project_code, kind)]


# The audit history of the estate the demo creates says where its rows came from.
DEMO_REASON = "演示数据生成"
