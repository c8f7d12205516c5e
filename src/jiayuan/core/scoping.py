"""Project scoping: who may see which rows. Fails closed — no membership, no rows.

Core sits below ``org`` in the layering, so memberships and projects are looked up through the app
registry rather than imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models.lookups import In

from jiayuan.core.roles import COMPANY_ROLES, ROLE_PERMS

_CACHE_ATTR = "_jiayuan_scope"


@dataclass(frozen=True)
class Scope:
    """What one user's memberships grant: project ids per role, and companies seen whole."""

    superuser: bool = False
    company_ids: frozenset[int] = frozenset()
    # project id -> roles held there (company roles are expanded onto every project of the company)
    roles_by_project: dict[int, frozenset[str]] = field(default_factory=dict)
    company_roles: frozenset[str] = frozenset()
    # project id -> the departments the user works in there (a technician's crew)
    departments_by_project: dict[int | None, frozenset[int]] = field(default_factory=dict)

    @property
    def project_ids(self) -> frozenset[int]:
        return frozenset(self.roles_by_project)

    @property
    def is_staff_member(self) -> bool:
        return self.superuser or bool(self.roles_by_project) or bool(self.company_roles)

    def roles_in(self, project_id: int | None) -> frozenset[str]:
        if project_id is None:
            return self.company_roles
        return self.roles_by_project.get(project_id, frozenset())

    def departments_in(self, project_id: int | None) -> frozenset[int]:
        return self.departments_by_project.get(project_id, frozenset())

    @property
    def department_ids(self) -> frozenset[int]:
        return frozenset().union(*self.departments_by_project.values())

    def perms_in(self, project_id: int | None) -> frozenset[str]:
        perms: set[str] = set()
        for role in self.roles_in(project_id):
            perms |= ROLE_PERMS.get(role, frozenset())
        return frozenset(perms)


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    Membership = apps.get_model("org", "Membership")
    Project = apps.get_model("org", "Project")
    roles: dict[int, set[str]] = {}
    company_roles: set[str] = set()
    company_ids: set[int] = set()
    departments: dict[int | None, set[int]] = {}
    memberships = Membership.objects.filter(user=user, active=True)
    for m in memberships.values("project_id", "company_id", "role", "department_id"):
        if m["department_id"] is not None:
            departments.setdefault(m["project_id"], set()).add(m["department_id"])
        if m["project_id"] is None and m["role"] in COMPANY_ROLES:
            company_roles.add(m["role"])
            company_ids.add(m["company_id"])
        elif m["project_id"] is not None:
            roles.setdefault(m["project_id"], set()).add(m["role"])
    if user.is_superuser:
        company_roles.add("company_admin")
        company_ids |= set(apps.get_model("org", "Company").objects.values_list("id", flat=True))
    if company_ids:
        for pid in Project.objects.filter(company_id__in=company_ids).values_list("id", flat=True):
            roles.setdefault(pid, set()).update(company_roles)
    scope = Scope(
        superuser=user.is_superuser,
        company_ids=frozenset(company_ids),
        roles_by_project={pid: frozenset(r) for pid, r in roles.items()},
        company_roles=frozenset(company_roles),
        departments_by_project={pid: frozenset(d) for pid, d in departments.items()},
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after memberships change within one request or test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_perm(user, perm: str, project_id: int | None) -> bool:
    return perm in scope_of(user).perms_in(project_id)


class AnyOf(In):
    """``lhs IN (subquery)`` that PostgreSQL can answer through an index even inside an OR: written there
    ``lhs = ANY(ARRAY(subquery))``, the subquery runs once (an InitPlan) and its few ids are looked up in the
    column's index, side by side with the other arms of the OR (a BitmapOr). A plain ``IN (subquery)``
    under an OR is a hashed SubPlan probed for every row of a sequential scan. Other databases get ``IN``.

    ``Q(AnyOf(F("unit"), Occupancy.objects.filter(…).values("unit_id")))``; the subquery selects one column."""

    def get_prep_lookup(self):
        if isinstance(self.rhs, models.QuerySet):
            # a set of ids: the model's default ordering would only cost a sort
            self.rhs = self.rhs.order_by()
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        if self.rhs_is_direct_value():  # a list of values: the usual IN (…)
            return self.as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)


def _joins_many(query) -> bool:
    """Whether a query joins a to-many relation (a unit's occupancies), so that one row may come out twice."""
    return any(
        join.join_field.one_to_many or join.join_field.many_to_many
        for join in query.alias_map.values()
        if getattr(join, "join_field", None) is not None
    )


def owner_condition(model, user) -> models.Q | None:
    """The rows of ``model`` that ``user`` may read as an owner (``model.owner_q``), or None (the model has
    no owner rows, nobody is logged in).

    An ``owner_q`` that joins only to-one relations (``unit``, ``bill__unit``; the owner's units and spaces
    as ``AnyOf`` subqueries) is used as it is: ORed with the staff projects it stays index-friendly, and a
    staff member who is no owner pays two empty index lookups. One that joins a to-many relation (a unit's
    occupancies) becomes ``pk IN (…)``, so that no row is repeated."""
    owner_q = getattr(model, "owner_q", None)
    if owner_q is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    condition = owner_q(user)
    owned = model._base_manager.filter(condition)
    if _joins_many(owned.query):
        return models.Q(pk__in=owned.values("pk"))
    return condition


class ScopedQuerySet(models.QuerySet):
    """``Model.objects.visible_to(user)`` is the only way pages, API and exports read business rows."""

    def visible_to(self, user) -> ScopedQuerySet:
        scope = scope_of(user)
        condition = models.Q(pk__in=[])
        if scope.project_ids:
            condition |= models.Q(project_id__in=scope.project_ids)
        owned = owner_condition(self.model, user)
        if owned is not None:
            condition |= owned
        return self.filter(condition)

    def in_project(self, project_id: int) -> ScopedQuerySet:
        return self.filter(project_id=project_id)
