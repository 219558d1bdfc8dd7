"""Who reviews and who approves a claim (R-CO-2..4): its liable parts, the approval
rules as data, and their defaults."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.compensation import (
    LIABILITIES,
    PART_ATTRS,
    PART_LIABILITIES,
    ApprovalRule,
    CompensationClaim,
)
from app.security import permissions as P
from app.workflows.money import money_text


def _part(claim: CompensationClaim, liability: str) -> Decimal:
    value = getattr(claim, PART_ATTRS[liability])
    return Decimal(str(value)) if value not in (None, "") else Decimal("0")


def liable_parts(claim: CompensationClaim) -> list[tuple[str, Decimal]]:
    """(liability, amount) of each liable part: a single liability carries the whole amount;
    a split claim carries its non-zero parts."""
    if claim.liability == "split":
        return [(name, _part(claim, name)) for name in PART_LIABILITIES
                if _part(claim, name) > 0]
    return [(claim.liability, Decimal(str(claim.amount)))]


# --- routing (R-CO-2..4) ---------------------------------------------------------------------

@dataclass(frozen=True)
class PartRoute:
    liability: str
    amount: Decimal
    rule_id: int
    reviewer_role: str | None
    approver_role: str | None
    forward_to_developer: bool


@dataclass(frozen=True)
class Route:
    """Who decides a claim: the strictest of its parts."""

    parts: tuple[PartRoute, ...]
    reviewer_role: str | None
    approver_role: str | None
    forward_to_developer: bool


class NoRule(LookupError):
    """No approval rule covers a part; str() is the translated reason."""


def rule_for(session: Session, liability: str, amount: Decimal) -> ApprovalRule | None:
    """The rule of `liability` with the smallest limit at or above `amount` (a rule without
    a limit comes last)."""
    rules = session.scalars(select(ApprovalRule).where(ApprovalRule.liability == liability))
    fitting = [r for r in rules if r.max_amount is None or amount <= r.max_amount]
    if not fitting:
        return None
    return min(fitting, key=lambda r: (r.max_amount is None, r.max_amount or 0, r.id))


def strictest(roles: Iterable[str | None]) -> str | None:
    """Of several roles, the one that includes the others in the role hierarchy (the deputy
    general manager over the CS centre manager); the first of equals."""
    best: str | None = None
    for role in roles:
        if role and (best is None or len(P.included_roles(role)) > len(P.included_roles(best))):
            best = role
    return best


def route_for(claim: CompensationClaim, session: Session) -> Route:
    """Read the approval rules for each liable part of `claim`; the claim needs a review if
    any part does, goes to the strictest approver of its parts, and is forwarded to the
    developer as a whole when any part is (R-CO-4). Raises NoRule."""
    parts: list[PartRoute] = []
    for liability, amount in liable_parts(claim):
        rule = rule_for(session, liability, amount)
        if rule is None or (not rule.forward_to_developer and not rule.approver_role):
            raise NoRule(_(
                "No approval rule covers a %(liability)s part of %(amount)s. An "
                "administrator adds one in Administration → Approval rules.",
                liability=str(LIABILITIES.get(liability, liability)).lower(),
                amount=money_text(amount, getattr(claim.estate, "currency", None))))
        parts.append(PartRoute(liability, amount, rule.id, rule.reviewer_role or None,
                               rule.approver_role or None, bool(rule.forward_to_developer)))
    if any(p.forward_to_developer for p in parts):
        return Route(tuple(parts), None, None, True)
    approver = strictest(p.approver_role for p in parts)
    reviewer = strictest(p.reviewer_role for p in parts)
    if reviewer == approver:
        reviewer = None
    return Route(tuple(parts), reviewer, approver, False)


DEFAULT_RULES = (
    # liability, max_amount, reviewer, approver, forward, rule id
    ("contractor", Decimal("20000.00"), None, P.ROLE_CS_CENTRE_MANAGER, False, "R-CO-2"),
    ("contractor", None, P.ROLE_CS_CENTRE_MANAGER, P.ROLE_DEPUTY_GM, False, "R-CO-2"),
    ("company", Decimal("10000.00"), None, P.ROLE_CS_CENTRE_MANAGER, False, "R-CO-3"),
    ("company", None, P.ROLE_CS_CENTRE_MANAGER, P.ROLE_DEPUTY_GM, False, "R-CO-3"),
    ("developer", None, None, None, True, "R-CO-4"),
)


def seed_approval_rules(session: Session) -> int:
    """Create the RULES.md §6 default rules of each liability that has no rule yet; rules
    an administrator changed, added or removed are kept (idempotent)."""
    have = set(session.scalars(select(ApprovalRule.liability)))
    added = 0
    for liability, limit, reviewer, approver, forward, rule in DEFAULT_RULES:
        if liability not in have:
            session.add(ApprovalRule(liability=liability, max_amount=limit,
                                     reviewer_role=reviewer, approver_role=approver,
                                     forward_to_developer=forward, rule=rule))
            added += 1
    session.flush()
    return added
