"""The document-type registry: one declaration per type builds everything else."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.security import permissions as P
from app.security.roles import role_permissions
from app.workflows.registry import document_types

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_toy_type_gets_everything_from_its_declaration():
    """tests/toy_type_check.py declares a permit type and nothing else: menu, grants, REST
    with transitions, queue rows, a seeded deadline policy, a printed form and row scope.
    It runs in its own process on its own database so its model stays out of this one:
    a copy of this run's SQLite template when there is one (tests/scratch_db.py)."""
    from tests.scratch_db import built_template

    with tempfile.TemporaryDirectory(prefix="toy-type-") as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/toy.db", "APP_ENV": "test"}
        template = built_template("sqlite://")
        if template is not None:
            env.update(TOY_TEMPLATE=make_url(template.url).database,
                       TOY_WORLD=json.dumps(template.world.ids))
        result = subprocess.run([sys.executable, "-m", "tests.toy_type_check"], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "every check passed" in result.stdout


def test_every_type_is_declared_once_with_what_the_app_needs():
    types = document_types()
    assert {"work_order", "revisit", "rectification", "service_record", "complaint",
            "collective_case", "compensation"} <= set(types)
    for code, document in types.items():
        assert document.model.__workflow__ == code
        assert document.view and document.api and document.menu, code
        for form in document.print_forms:
            assert form.doc_type == code and form.endpoint.endswith(".show")


def test_no_central_list_names_a_type():
    """The core and the app factory learn types from the registry only."""
    core = ["app/workflows/engine.py", "app/workflows/deadlines.py", "app/workflows/queues.py",
            "app/printing/forms.py", "app/security/permissions.py", "app/views/__init__.py",
            "app/commands.py"]
    for path in core:
        text = (ROOT / path).read_text(encoding="utf-8")
        for module in ("work_order", "complaint", "compensation", "service_record",
                       "revisit"):
            assert f"app.workflows.{module}" not in text, f"{path} imports {module}"
            assert f"app.views.{module}" not in text, f"{path} imports {module} views"


def test_role_hierarchy_is_declared_once():
    roles = role_permissions()
    assert set(roles) == set(P.ROLE_NAMES)
    for role in P.ROLE_PARENTS:
        assert role in P.ROLE_NAMES
