"""Where each model lives: the application's tables in the scale database (read only, never
migrated), Django's own tables in `default`."""
from __future__ import annotations

SCALE_APP = "workorders"


class ScaleRouter:
    def db_for_read(self, model, **hints):
        return "scale" if model._meta.app_label == SCALE_APP else None

    def db_for_write(self, model, **hints):
        # The connection is read-only: a write fails in PostgreSQL, never lands elsewhere.
        return "scale" if model._meta.app_label == SCALE_APP else None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == "scale":
            return False  # never a table, a content type or a permission in our database
        return None
