"""What Celery beat runs: the deadline tick and the purge of old finished jobs."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from app.models.base import local_now
from app.models.job import Job, JobPart
from app.tasks import AppTask, celery


@celery.task(name="desk.sla_tick", base=AppTask, ignore_result=False)
def sla_tick(now: str | None = None) -> dict[str, int]:
    """Warnings, escalations and the periodic jobs of the document types, like
    `flask sla tick`: each level happens once however many ticks run at the same time
    (the tick locks the timers it takes)."""
    from app.workflows.deadlines import tick
    from app.workflows.sla_commands import run_periodic_jobs

    moment = datetime.fromisoformat(now) if now else None
    result = tick(moment)
    changed = run_periodic_jobs(moment or local_now())
    return {"checked": result.checked, "warnings": result.warnings,
            "escalations": result.escalations, "periodic": changed}


@celery.task(name="desk.purge_jobs", base=AppTask)
def purge_jobs() -> int:
    """Finished jobs (and their files) are kept JOB_RETENTION_DAYS days."""
    session: Any = current_app.appbuilder.session
    cutoff = local_now() - timedelta(days=int(current_app.config["JOB_RETENTION_DAYS"]))
    old = select(Job.id).where(Job.finished_at < cutoff)
    session.execute(delete(JobPart).where(JobPart.job_id.in_(old)))
    removed = session.execute(delete(Job).where(Job.finished_at < cutoff)).rowcount
    session.commit()
    return removed
