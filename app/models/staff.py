"""Staff profiles (R-ORG-3, R-ORG-4): who belongs where.

A FAB user holds roles (what they may do); the profile says where: departments and estates
for line staff, whole offices for directors, whole branches for branch managers. The scope
mechanism reads only this table, so admins change visibility without code.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import relationship

from app.models.base import TimestampMixin
from app.models.org import Branch, Department, Estate, Office

if TYPE_CHECKING:
    from app.security.scope import Scope


def _link(name: str, target: str) -> Table:
    return Table(
        f"staff_profile_{name}",
        Model.metadata,
        Column("profile_id", Integer, ForeignKey("staff_profile.id", ondelete="CASCADE"),
               primary_key=True),
        # Who works in a department or estate: read by the row scope, by the target.
        Column(f"{name}_id", Integer, ForeignKey(f"{target}.id", ondelete="CASCADE"),
               primary_key=True, index=True),
    )


profile_departments = _link("department", "org_department")
profile_estates = _link("estate", "org_estate")
profile_offices = _link("office", "org_office")
profile_branches = _link("branch", "org_branch")


class StaffProfile(TimestampMixin, Model):
    """Where one staff member works. Exactly one profile per user."""

    __tablename__ = "staff_profile"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False,
                     unique=True)
    user = relationship("User", backref="staff_profile_list")
    job_title = Column(String(100), nullable=True)
    phone = Column(String(40), nullable=True)
    departments = relationship(Department, secondary=profile_departments)
    estates = relationship(Estate, secondary=profile_estates)
    offices = relationship(Office, secondary=profile_offices)
    branches = relationship(Branch, secondary=profile_branches)

    @classmethod
    def scope_clause(cls, scope: "Scope"):
        # Directors may see the profiles of their own people; line staff only their own.
        return cls.user_id.in_(scope.visible_user_ids)

    def __repr__(self) -> str:
        return str(self.user) if self.user else f"#{self.id}"
