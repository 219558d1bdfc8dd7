"""`GET /health` for load balancers and uptime checks: 200 when the database answers,
503 when it does not. No sign-in, no session, nothing about the data."""
from __future__ import annotations

import logging

from flask import Blueprint, Flask, jsonify
from sqlalchemy import text

from app.extensions import csrf, db

log = logging.getLogger(__name__)
health = Blueprint("health", __name__)


@health.get("/health")
def check():
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not ready", logged for operators
        log.exception("health check: database unreachable")
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def install(app: Flask) -> None:
    app.register_blueprint(health)

    csrf.exempt(health)
    limiter = getattr(app.appbuilder.sm, "limiter", None)
    if limiter is not None:
        limiter.exempt(health)
