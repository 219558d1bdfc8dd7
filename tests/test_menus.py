"""Each role sees a menu entry exactly when it may open what the entry shows (R-ORG-3)."""
from __future__ import annotations

import pytest

from app.security import permissions as P

SEEN = {
    "agent_a": ["Work orders", "My work", "Complaints", "Customer-service register",
                "Compensation claims", "Notifications"],
    "manager_a": ["Approval queue", "Compensation claims", "Department queue"],
    "director_a": ["Register sign-off", "Approval queue", "Department queue"],
    "tech_a": ["Work orders", "My work"],
}
HIDDEN = {
    "tech_a": ["Compensation claims", "Approval queue", "Register sign-off",
               "Department queue", "Audit log"],
    "agent_a": ["Approval queue", "Register sign-off", "Audit log", "Deadline policies"],
}


@pytest.mark.parametrize("username", sorted(SEEN))
def test_menu_shows_what_the_role_may_open(app, world, as_user, username):
    page = as_user(username).get("/").get_data(as_text=True)
    for label in SEEN[username]:
        assert label in page, (username, label)
    for label in HIDDEN.get(username, []):
        assert label not in page, (username, label)


def test_every_menu_item_has_a_category_and_a_permission():
    assert set(P.MENU_ITEMS) == set(P.MENU_CATEGORY_OF)
