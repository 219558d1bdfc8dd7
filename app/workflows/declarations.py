"""Every document type's workflow, imported once so the engine's registry is complete."""
from app.workflows.revisit import RECTIFICATION, REVISIT  # noqa: F401
from app.workflows.work_order import WORK_ORDER  # noqa: F401
from app.workflows.complaint import COLLECTIVE, COMPLAINT  # noqa: F401
from app.workflows.service_record import SERVICE_RECORD  # noqa: F401
from app.workflows.compensation import COMPENSATION  # noqa: F401
