"""Imported once by the fork server of tests/scratch_db.run_parallel, before it forks any
worker: builds the app once on an empty in-memory database (no schema, so no permission
sync), so that every module an app build imports, and every cache it fills, is ready in
the fork server. Each worker still builds its own app and engine on its own database;
without this, eight workers each spent over a second on the same imports, at once, on
two cores.

A failure here is not reported: the workers' own app builds fail the same way, and they
report it."""
from __future__ import annotations

try:
    from app import create_app
    from app.extensions import db

    _app = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://", FAB_UPDATE_PERMS=False)
    with _app.app_context():
        db.session.remove()
        db.engine.dispose()
    del _app
except Exception:  # noqa: BLE001 - see above
    pass
