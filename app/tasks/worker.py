"""The worker's entry point: `celery -A app.tasks.worker worker -B`.

It builds the app from the same environment as the web (DATABASE_URL, APP_ENV,
CELERY_BROKER_URL) and never prints on its own processes: a long document is laid out in
parts, one per task, so the parts of one batch spread over every worker process."""
from __future__ import annotations

import os

from app import create_app

# Permissions are synced by `flask roles sync` and the web app, never by a worker.
flask_app = create_app(os.environ.get("APP_ENV", "development"), PRINT_PROCESSES=1,
                       FAB_UPDATE_PERMS=False)
celery = flask_app.extensions["celery"]
