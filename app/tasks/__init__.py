"""Celery: the long work (batches of printed forms) and the minute tick run on worker
processes, never in a web worker.

The broker is `CELERY_BROKER_URL` (Redis in production, shared by every web and worker
host). Without one, jobs go through a folder of the instance (`filesystem://`), which a
local worker started by `bin/start` reads: a fresh machine needs nothing else. Tests run
tasks in the calling process (`CELERY_ALWAYS_EAGER`), but for the one that starts a real
worker on Redis.

Each task is one unit of work: it runs inside the app's context and commits what it did
itself (tasks are boundaries, like requests and commands). Tasks are acknowledged when
they finish, so one a worker was on when it died is handed to another worker.
"""
from __future__ import annotations

from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask, has_app_context

celery = Celery("desk")


class AppTask(Task):
    """Runs inside the Flask app's context, with a fresh database session each time."""

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        flask_app: Flask | None = getattr(self.app, "flask_app", None)
        if flask_app is None or has_app_context():
            return self.run(*args, **kwargs)  # eager, inside the caller's request or test
        with flask_app.app_context():
            session = flask_app.appbuilder.session
            try:
                return self.run(*args, **kwargs)
            finally:
                session.rollback()
                session.remove()


def init_celery(app: Flask) -> Celery:
    """Configure the one Celery app from the Flask app's config and import the tasks."""
    broker = app.config["CELERY_BROKER_URL"]
    options: dict[str, Any] = {}
    if broker.startswith("filesystem://"):
        folder = app.config["CELERY_BROKER_FOLDER"]
        for sub in ("out", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        options = {"data_folder_in": str(folder / "out"), "data_folder_out": str(folder / "out"),
                   "processed_folder": str(folder / "processed"), "store_processed": False,
                   "control_folder": str(folder / "control")}
    elif broker.startswith(("redis://", "rediss://")):
        # A task not acknowledged this long after delivery (its worker died) is delivered
        # again. The workers look for such tasks every tenth of that (at most every 10 s;
        # Kombu's own default is every 100 s), so a lost part waits little longer than
        # the timeout itself.
        timeout = int(app.config["CELERY_VISIBILITY_TIMEOUT"])
        options = {"visibility_timeout": timeout,
                   "unacked_restore_interval": min(10, max(1, timeout // 10)),
                   "unacked_restore_throttle": 1}
    celery.conf.update(
        broker_url=broker,
        result_backend=app.config.get("CELERY_RESULT_BACKEND"),
        broker_transport_options=options,
        broker_connection_retry_on_startup=True,
        task_always_eager=app.config["CELERY_ALWAYS_EAGER"],
        # Run in the caller's process (tests), a task's error reaches the caller's log.
        task_eager_propagates=app.config["CELERY_ALWAYS_EAGER"],
        task_ignore_result=True,  # results live in the job table, not a result backend
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a long part never waits behind another on a busy process
        worker_hijack_root_logger=False,
        task_default_queue="desk",
        timezone=app.config.get("TIMEZONE", "Asia/Shanghai"),
        beat_schedule=beat_schedule(app),
    )
    celery.flask_app = app
    # Kombu keeps its pooled connections to the broker it first spoke to, and Celery its
    # result backend; a process that configures Celery again (tests, a second app) must
    # use the ones it names now.
    celery._pool = None
    celery._backend_cache = None
    celery._local.__dict__.pop("backend", None)
    if "amqp" in celery.__dict__:
        celery.amqp._producer_pool = None
    from app.tasks import exports, periodic, printing  # noqa: F401 - registers the tasks

    return celery


def beat_schedule(app: Flask) -> dict[str, dict[str, Any]]:
    """What Celery beat sends: the deadline tick every minute (each warning and escalation
    happens once however many ticks run, see app/workflows/deadlines.py) and the purge of
    finished jobs every hour."""
    every = float(app.config["SLA_TICK_SECONDS"])
    return {
        "deadline-tick": {"task": "desk.sla_tick", "schedule": every,
                          "options": {"expires": every}},  # a late tick is replaced by the next
        "purge-jobs": {"task": "desk.purge_jobs", "schedule": 3600.0},
    }


@worker_process_init.connect
def _own_connections(**_kwargs: Any) -> None:
    """A forked worker process opens its own database connections: one inherited from the
    parent would be shared by two processes and mix their answers."""
    flask_app: Flask | None = getattr(celery, "flask_app", None)
    if flask_app is None:
        return
    from app.extensions import db

    with flask_app.app_context():
        db.engine.dispose(close=False)
