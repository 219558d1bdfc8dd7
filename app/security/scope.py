"""The one row-scope mechanism (R-ORG-4).

Every read of a scoped model in the UI and the API goes through `ScopedInterface`, a
Flask-AppBuilder data interface that adds the model's `scope_clause` to every query it
builds: list, show, edit, delete, actions (which FAB loads by primary key with no filter),
related-field choices in forms and in the API's `_info`, and exports. Foreign keys posted
through a form or the API are checked by `check_related_in_scope` before anything is
written. Nothing else in the product filters by department or estate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from flask import current_app, g, has_request_context
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import literal, select, union, union_all
from sqlalchemy.orm import Query, aliased, joinedload, selectinload
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE
from sqlalchemy.sql.elements import BinaryExpression
from werkzeug.exceptions import BadRequest

from app.models import Department, Estate, Office, StaffProfile
from app.models.staff import (
    profile_branches,
    profile_departments,
    profile_estates,
    profile_offices,
)
from app.security import access_cache
from app.security import permissions as P


@dataclass(frozen=True)
class Scope:
    """What one user may see. `unrestricted` bypasses every clause (GM, deputy GM, admin,
    and the system itself in CLI commands and background jobs)."""

    unrestricted: bool = False
    estate_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    office_ids: frozenset[int] = field(default_factory=frozenset)
    managed_office_ids: frozenset[int] = field(default_factory=frozenset)
    visible_user_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None  # the person acting; None for the system itself

    @property
    def me(self) -> tuple[int, ...]:
        return (self.user_id,) if self.user_id is not None else ()


SYSTEM_SCOPE = Scope(unrestricted=True)
EMPTY_SCOPE = Scope()


class UnscopedModelError(RuntimeError):
    """A model reached the scoped interface without declaring its scope."""


class ScopeViolation(BadRequest):
    """A posted reference points outside the user's departments or estates (HTTP 400)."""


def scope_for_user(user: Any) -> Scope:
    """Compute a user's scope from roles (see-all) and the staff profile (where).

    Read without autoflush: it is often first asked while a posted record is half built.
    """
    with current_app.appbuilder.session.no_autoflush:
        return _scope_for_user(user)


def _scope_for_user(user: Any) -> Scope:

    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY_SCOPE
    session = current_app.appbuilder.session
    roles = list(user.roles)
    if any(r.name == current_app.config["AUTH_ROLE_ADMIN"] for r in roles) or (
            roles and current_app.appbuilder.sm.exist_permission_on_roles(
                P.SEE_ALL_SCOPE[1], P.SEE_ALL_SCOPE[0], [r.id for r in roles])):
        # One query, not a walk over every permission of every role (hundreds for admin).
        return Scope(unrestricted=True, user_id=user.id)
    # Where the staff profile says, ids only, in one statement (no profile: nowhere).
    links = union_all(*(
        select(literal(kind).label("kind"), getattr(table.c, f"{kind}_id").label("id"))
        .join(StaffProfile, StaffProfile.id == table.c.profile_id)
        .where(StaffProfile.user_id == user.id)
        for kind, table in (("office", profile_offices), ("branch", profile_branches),
                            ("estate", profile_estates), ("department", profile_departments))))
    where: dict[str, set[int]] = {"office": set(), "branch": set(), "estate": set(),
                                  "department": set()}
    for kind, id_ in session.execute(links):
        where[kind].add(id_)
    managed, estates, departments = where["office"], where["estate"], where["department"]
    if where["branch"]:
        managed |= set(session.scalars(
            select(Office.id).where(Office.branch_id.in_(where["branch"]))))
    if managed:
        for kind, id_ in session.execute(union_all(
                select(literal("estate"), Estate.id).where(Estate.office_id.in_(managed)),
                select(literal("department"), Department.id)
                .where(Department.office_id.in_(managed)))):
            where[kind].add(id_)
    offices = set(managed)
    if estates or departments:
        offices |= set(session.scalars(union(
            select(Estate.office_id).where(Estate.id.in_(estates)),
            select(Department.office_id).where(Department.id.in_(departments)))))

    users = {user.id}
    if departments or managed:
        users |= set(session.scalars(union(
            select(StaffProfile.user_id).join(
                profile_departments, profile_departments.c.profile_id == StaffProfile.id
            ).where(profile_departments.c.department_id.in_(departments)),
            select(StaffProfile.user_id).join(
                profile_offices, profile_offices.c.profile_id == StaffProfile.id
            ).where(profile_offices.c.office_id.in_(managed)))))
    return Scope(
        estate_ids=frozenset(estates), department_ids=frozenset(departments),
        office_ids=frozenset(offices), managed_office_ids=frozenset(managed),
        visible_user_ids=frozenset(users), user_id=user.id,
    )


def current_scope() -> Scope:
    """The scope of whoever is acting now, computed once per request."""
    if not has_request_context():
        return SYSTEM_SCOPE  # CLI commands and background jobs act as the system
    cached = g.get("_row_scope")
    if cached is None:
        # FAB's notion of the current user covers the session cookie, JWT and API keys.
        user = current_app.appbuilder.sm.current_user
        cached = access_cache.remembered(
            current_app.appbuilder.session, ("scope", getattr(user, "id", None)),
            lambda: scope_for_user(user))
        g._row_scope = cached
    return cached


def _colleagues_clause(user_model: type, scope: Scope):

    in_departments = (select(StaffProfile.user_id)
                      .join(profile_departments,
                            profile_departments.c.profile_id == StaffProfile.id)
                      .join(Department, Department.id == profile_departments.c.department_id)
                      .where(Department.office_id.in_(scope.office_ids)))
    directing = (select(StaffProfile.user_id)
                 .join(profile_offices, profile_offices.c.profile_id == StaffProfile.id)
                 .where(profile_offices.c.office_id.in_(scope.office_ids)))
    return (user_model.id.in_(in_departments) | user_model.id.in_(directing)
            | user_model.id.in_(scope.visible_user_ids | frozenset(scope.me)))


def _is_user_model(model: type) -> bool:

    return isinstance(model, type) and issubclass(model, User)


def is_global_model(model: type) -> bool:
    return bool(getattr(model, "scope_global", False)) or model.__module__.startswith(
        "flask_appbuilder.")


def scope_clause_for(model: type, scope: Scope) -> Optional[Any]:
    """The SQL condition for `model` under `scope`, or None when nothing is filtered."""
    if hasattr(model, "scope_clause"):
        if getattr(model, "scope_personal", False) and scope.user_id is not None:
            return model.scope_clause(scope)  # own rows only, whatever the role
        return None if scope.unrestricted else model.scope_clause(scope)
    if _is_user_model(model):
        # People offered in filters and related choices (technician, handler…): the staff
        # of the person's own management offices, never another office's.
        return None if scope.unrestricted else _colleagues_clause(model, scope)
    if is_global_model(model):
        return None
    raise UnscopedModelError(f"{model.__name__} declares neither scope_clause nor scope_global")


def apply_scope(query: Query, model: type, scope: Scope | None = None) -> Query:
    clause = scope_clause_for(model, scope or current_scope())
    return query if clause is None else query.filter(clause)


def is_in_scope(obj: Any, scope: Scope | None = None) -> bool:
    """True when a persisted row is visible under `scope` (asked of the database, so the
    Python and SQL definitions of scope cannot drift apart)."""
    model = type(obj)
    clause = scope_clause_for(model, scope or current_scope())
    if clause is None:
        return True
    pk = sa_inspect(obj).identity
    if pk is None:
        return True  # not persisted yet: its own references are checked instead
    session = current_app.appbuilder.session
    pk_col = sa_inspect(model).primary_key[0]
    with session.no_autoflush:  # the item being checked is not complete yet
        return session.scalar(select(pk_col).where(pk_col == pk[0], clause)) is not None


def check_related_in_scope(item: Any, scope: Scope | None = None) -> None:
    """Refuse a write whose newly set references point outside the user's scope.

    Reads through relationships and changed foreign-key columns: on add, FK ids are not
    populated before flush (STACK.md), so the related objects themselves are checked.
    """
    scope = scope or current_scope()
    if scope.unrestricted:
        return
    state = sa_inspect(item)
    session = current_app.appbuilder.session
    for rel in state.mapper.relationships:
        if rel.direction not in (MANYTOONE, MANYTOMANY) or rel.viewonly:
            continue
        target = rel.mapper.class_
        if not hasattr(target, "scope_clause"):
            continue
        added = list(state.attrs[rel.key].history.added or [])
        if rel.direction is MANYTOONE:
            for column in rel.local_columns:
                hist = state.attrs[column.key].history if column.key in state.attrs else None
                for value in (hist.added if hist else None) or []:
                    if value is not None:
                        with session.no_autoflush:
                            added.append(session.get(target, value))
        for related in added:
            if related is not None and not is_in_scope(related, scope):
                raise ScopeViolation(
                    description=_("You cannot link this record to %(what)s: it is outside "
                                  "your departments and estates.", what=str(related)))


DEFAULT_COUNT_CAP = 1_000  # counting 10,001 rows cost 12 ms of a 45 ms REST list at scale


class CappedCount(int):
    """A list's row count, counted no further than the cap: past it the lists say
    "1,000+" and the API says `count_capped`. Counting every row of a million-row scope
    on each page would cost more than the page itself."""

    capped = False

    def __new__(cls, value: int, cap: int) -> "CappedCount":
        count = super().__new__(cls, min(value, cap + 1))
        count.capped = value > cap
        count.cap = cap
        return count

    def __str__(self) -> str:
        return f"{self.cap:,}+" if self.capped else f"{int(self):,}"

    def __html__(self) -> str:
        return str(self)


def related_load(model: type, name: str, depth: int = 3) -> Any:
    """Load a many-to-one relation with its rows, and what its display needs: a unit reads
    "翠湖花园 7栋 1203", so it brings its building and the building its estate (a model
    says so in `display_loads`)."""
    attribute = getattr(model, name)
    if attribute.property.uselist:  # a collection: one more query for the whole page
        return selectinload(attribute)
    option = joinedload(attribute)
    related = attribute.property.mapper.class_
    for nested in getattr(related, "display_loads", ()) if depth > 1 else ():
        option = option.options(related_load(related, nested, depth - 1))
    return option


# (model, relation, related model) -> (alias, join condition), see _query_join_relation.
_JOIN_ALIASES: dict[tuple[type, str, Any], tuple[Any, Any]] = {}


class ScopedInterface(SQLAInterface):
    """FAB data interface that never returns a row outside the current user's scope.

    FAB builds related interfaces with `self.__class__`, so form dropdowns and the API's
    `_info` choices come through here too.
    """
    #: Relations a list page shows, read with its rows instead of one query per row and
    #: relation; the view sets them from its list columns (ScopedModelView).
    list_loads: tuple[str, ...] = ()

    def _apply_inner_all(self, query: Query, *args: Any, **kwargs: Any) -> Query:
        return super()._apply_inner_all(apply_scope(query, self.obj), *args, **kwargs)

    def apply_all(self, query: Query, filters: Any = None, order_column: str = "",
                  order_direction: str = "", page: int | None = None,
                  page_size: int | None = None, select_columns: list[str] | None = None,
                  outer_default_load: bool = False) -> Query:
        query = super().apply_all(query, filters, order_column, order_direction, page,
                                  page_size, select_columns, outer_default_load)
        if select_columns or not self.list_loads or not page_size:
            # The API's selected columns are joined by FAB already; a single row (a detail
            # page, an edit that locks its row: no outer joins under FOR UPDATE on
            # PostgreSQL) loads its relations when it reads them.
            return query
        return query.options(*(related_load(self.obj, name) for name in self.list_loads))

    def _query_join_relation(self, query: Query, root_relation: str,
                             aliases_mapping: dict | None = None) -> Query:
        """FAB's join of a shown relation (`unit.name` in an API's columns), with the
        alias and its ON clause built once per process instead of on every call:
        adapting a fresh alias to the related model's columns was a fifth of a REST
        list's time. An alias holds no state of a request, so sharing it is safe."""
        if aliases_mapping is None:
            aliases_mapping = {}
        for model_relation, relation_join in self.get_related_model_and_join(root_relation):
            if not hasattr(relation_join, "clauses"):
                key = (self.obj, root_relation, model_relation)
                joined = _JOIN_ALIASES.get(key)
                if joined is None:
                    alias = aliased(model_relation, name=root_relation)
                    pk = self.get_pk(alias)
                    side = (relation_join.left if relation_join.left.foreign_keys
                            else relation_join.right)
                    joined = _JOIN_ALIASES[key] = (
                        alias, BinaryExpression(side, pk, relation_join.operator))
                model_relation, relation_join = joined
                aliases_mapping[root_relation] = model_relation
            query = query.join(model_relation, relation_join, isouter=True)
        return query

    def count_up_to(self, query: Query, filters: Any, cap: int,
                    select_columns: list[str] | None = None) -> CappedCount:
        """How many rows match, counting at most cap + 1 of them (an index walk that
        stops early, not a count over the whole scope). The shown columns' joins are left
        out unless a filter reads one of them: a count needs no names."""
        dotted = any("." in flt.column_name for flt in getattr(filters, "filters", None) or [])
        inner = self._apply_inner_all(query, filters,
                                      select_columns=select_columns if dotted else None,
                                      aliases_mapping={})
        return CappedCount(inner.limit(cap + 1).count(), cap)

    def query_count(self, query: Query, filters: Any = None,
                    select_columns: list[str] | None = None) -> int:
        cap = int(current_app.config.get("LIST_COUNT_CAP", DEFAULT_COUNT_CAP))
        return self.count_up_to(query, filters, cap, select_columns)

    def get_related_interface(self, col_name: str) -> "ScopedInterface":
        return self.__class__(self.get_related_model(col_name), self._session)
