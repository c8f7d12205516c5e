"""Overrides, resets and company defaults (R3.4 and ARCHITECTURE.md "The central idea"): versions are
never edited, a change closes the version in force and opens the next one."""

from datetime import timedelta
from decimal import Decimal

import pytest

from jiayuan.core.errors import Forbidden, NotFound, ValidationFailed
from jiayuan.core.models import TimelineEntry
from jiayuan.standards.catalogue import DEFAULT_VALID_FROM
from jiayuan.standards.models import StandardVersion
from jiayuan.standards.selectors import effective_map, effective_version, version_history
from jiayuan.standards.services import standard_override, standard_reset, standard_set_default

pytestmark = pytest.mark.django_db


def override(world, std, code="service.dispatch", *, actor=None, project=None, **kw):
    kw.setdefault("amount", 5)
    kw.setdefault("enabled", True)
    kw.setdefault("reason", "项目面积大，三分钟到不了")
    return standard_override(std(code), actor=actor or world.manager, project=project or world.p1, **kw)


def test_effective_value_falls_back_to_company_default(world):
    """R3.4: a project without its own value runs the company default (3 minutes)."""
    v = effective_version("service.dispatch", world.p1.pk)
    assert v.project_id is None and v.amount == 3 and v.unit == "minutes"


def test_unknown_code_or_before_any_version_is_none(world):
    assert effective_version("no.such", world.p1.pk) is None
    # The catalogue's versions start at 2000-01-01 00:00 in Shanghai: an instant before it, not a year
    # replaced on a UTC time (which is 2000-01-01 in Shanghai when the suite runs on New Year's Day).
    before = DEFAULT_VALID_FROM - timedelta(minutes=1)
    assert effective_version("service.dispatch", world.p1.pk, at=before) is None
    assert effective_version("service.dispatch", world.p1.pk, at=DEFAULT_VALID_FROM) is not None


def test_override_applies_to_its_project_only(world, std, clock):
    clock.tick(minutes=1)
    override(world, std)
    assert effective_version("service.dispatch", world.p1.pk).amount == 5
    assert effective_version("service.dispatch", world.p2.pk).amount == 3


def test_override_keeps_history_and_never_edits_the_old_row(world, std, clock):
    clock.tick(minutes=1)
    first = override(world, std, amount=5)
    before = StandardVersion.objects.filter(pk=first.pk).values().get()
    clock.tick(minutes=5)
    second = override(world, std, amount=8, reason="再放宽")
    after = StandardVersion.objects.filter(pk=first.pk).values().get()
    assert after.pop("valid_to") == second.valid_from
    assert before.pop("valid_to") is None
    assert after == before
    assert second.version == first.version + 1 and second.created_by == world.manager
    assert first.history.count() == 2  # created, then closed — audited by simple-history


def test_second_override_closes_the_first(world, std, clock):
    clock.tick(minutes=1)
    first = override(world, std, amount=5)
    clock.tick(minutes=1)
    second = override(world, std, amount=8)
    first.refresh_from_db()
    assert first.valid_to == second.valid_from and second.valid_to is None
    assert (
        StandardVersion.objects.filter(
            standard__code="service.dispatch", project=world.p1, valid_to=None
        ).count()
        == 1
    )
    history = version_history(std("service.dispatch"), world.p1.pk)
    assert [(e.previous.amount if e.previous else None, e.version.amount) for e in history] == [
        (None, 3),
        (3, 5),
        (5, 8),
    ]


def test_timer_holding_an_old_version_still_sees_its_old_amount(world, std, clock):
    """A timer started before a change is measured against the version it started with."""
    started = clock.tick(minutes=1)
    timer_version = effective_version("service.dispatch", world.p1.pk)
    clock.tick(minutes=1)
    override(world, std, amount=10)
    timer_version.refresh_from_db()
    assert timer_version.amount == 3
    assert effective_version("service.dispatch", world.p1.pk, at=started) == timer_version
    assert effective_version("service.dispatch", world.p1.pk).amount == 10


def test_reset_brings_back_the_company_default(world, std, clock):
    clock.tick(minutes=1)
    first = override(world, std, amount=5)
    clock.tick(minutes=1)
    closed = standard_reset(
        std("service.dispatch"), actor=world.manager, project=world.p1, reason="已增派人手"
    )
    assert closed.pk == first.pk and closed.valid_to == clock.now
    assert effective_version("service.dispatch", world.p1.pk).project_id is None
    line = TimelineEntry.objects.filter(action="standard_reset").get()
    assert (line.project_id, line.note, line.from_state, line.to_state) == (
        world.p1.pk,
        "已增派人手",
        "5 分钟",
        "3 分钟",
    )


def test_reset_without_override_is_refused(world, std):
    with pytest.raises(ValidationFailed, match="未调整"):
        standard_reset(std("service.dispatch"), actor=world.manager, project=world.p1, reason="x")


def test_three_minute_promise_can_be_switched_off_per_project(world, std, clock):
    """R3.4: "per-project, off where it can't apply"."""
    clock.tick(minutes=1)
    override(world, std, amount=3, enabled=False, reason="车站项目不适用")
    assert effective_version("service.dispatch", world.p1.pk).enabled is False
    assert effective_version("service.dispatch", world.p2.pk).enabled is True


def test_override_writes_a_timeline_line_for_the_project(world, std, clock):
    clock.tick(minutes=1)
    override(world, std, amount=5, reason="面积大")
    line = TimelineEntry.objects.get(action="standard_override")
    assert (line.project_id, line.actor, line.note) == (world.p1.pk, world.manager, "面积大")
    assert (line.from_state, line.to_state) == ("3 分钟", "5 分钟")


def test_reason_is_required(world, std):
    with pytest.raises(ValidationFailed) as exc:
        override(world, std, reason="  ")
    assert exc.value.field == "reason"


@pytest.mark.parametrize(
    "code, kw, field",
    [
        ("service.dispatch", {"amount": -1}, "amount"),
        ("service.dispatch", {"amount": 1_000_001}, "amount"),
        ("service.dispatch", {"amount": "abc"}, "amount"),
        ("service.dispatch", {"amount": "NaN"}, "amount"),
        ("service.dispatch", {"amount": 3, "unit": "weeks"}, "unit"),
        ("indicator.04_fee_collection", {"amount": 101}, "amount"),
        ("security.patrol_night", {"amount": Decimal("2.5")}, "amount"),
        ("security.patrol_night", {"amount": 4, "people": 500}, "people"),
        ("indicator.04_fee_collection", {"amount": 95, "comparator": "gt"}, "comparator"),
    ],
)
def test_bad_values_are_refused_with_the_field(world, std, code, kw, field):
    with pytest.raises(ValidationFailed) as exc:
        override(world, std, code, **kw)
    assert exc.value.field == field
    assert not StandardVersion.objects.filter(project=world.p1).exists()


def test_unchanged_value_is_refused(world, std):
    with pytest.raises(ValidationFailed, match="相同"):
        override(world, std, amount=3)


def test_backdating_is_refused(world, std, clock):
    with pytest.raises(ValidationFailed) as exc:
        override(world, std, valid_from=clock.now.replace(year=clock.now.year - 1))
    assert exc.value.field == "valid_from"


def test_scheduled_override_starts_later(world, std, clock):
    now = clock.now
    override(world, std, amount=6, valid_from=now + timedelta(days=1))
    assert effective_version("service.dispatch", world.p1.pk).amount == 3
    clock.tick(days=2)
    assert effective_version("service.dispatch", world.p1.pk).amount == 6
    assert effective_version("service.dispatch", world.p1.pk, at=now).amount == 3


def test_unset_fields_inherit_and_people_zero_clears(world, std, clock):
    clock.tick(minutes=1)
    v = override(world, std, "security.patrol_night", amount=6)
    assert (v.period, v.window, v.people) == ("day", "夜间", 2)
    clock.tick(minutes=1)
    v = override(world, std, "security.patrol_night", amount=6, people=0)
    assert v.people is None


def test_effective_map_prefers_project_values_in_few_queries(
    world, std, clock, django_assert_max_num_queries
):
    clock.tick(minutes=1)
    override(world, std, amount=5)
    with django_assert_max_num_queries(3):
        values = effective_map(world.p1.pk)
    assert values["service.dispatch"].amount == 5
    assert values["service.complaint_feedback"].unit == "working_days"
    assert effective_map(world.p2.pk)["service.dispatch"].amount == 3


def test_company_default_change_reaches_projects_without_their_own_value(world, std, clock):
    clock.tick(minutes=1)
    override(world, std, amount=5)
    clock.tick(minutes=1)
    new = standard_set_default(
        std("service.dispatch"), actor=world.admin, amount=4, enabled=True, reason="全公司统一"
    )
    assert new.project_id is None and new.version == 3
    assert effective_version("service.dispatch", world.p1.pk).amount == 5
    assert effective_version("service.dispatch", world.p2.pk).amount == 4
    old_default = StandardVersion.objects.get(standard__code="service.dispatch", project=None, version=1)
    assert old_default.valid_to == new.valid_from and old_default.amount == 3


@pytest.mark.parametrize("who", ["manager", "clerk", "inspector", "outsider"])
def test_only_company_admins_change_the_company_default(world, std, who):
    with pytest.raises(Forbidden):
        standard_set_default(
            std("service.dispatch"), actor=getattr(world, who), amount=4, enabled=True, reason="x"
        )


@pytest.mark.parametrize(
    "who, project, error",
    [
        ("clerk", "p1", Forbidden),
        ("tech", "p1", Forbidden),
        ("inspector", "p1", Forbidden),
        ("outsider", "p1", NotFound),
        ("manager", "p2", NotFound),
        ("owner", "p1", NotFound),
    ],
)
def test_override_refusals(world, std, who, project, error):
    """Permission matrix: a project the actor cannot see is a 404, one they see but may not change a 403."""
    with pytest.raises(error):
        override(world, std, actor=getattr(world, who), project=getattr(world, project))
    assert not StandardVersion.objects.exclude(project=None).exists()


def test_admin_may_override_any_project(world, std, clock):
    clock.tick(minutes=1)
    v = override(world, std, actor=world.admin, project=world.p2)
    assert v.project_id == world.p2.pk
