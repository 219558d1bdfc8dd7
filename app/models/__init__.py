"""All models, imported here so Alembic and the app see one complete metadata."""
# FAB's own models (User, Role) are named by our relationships: import them first, so a
# process that never builds the app (a scheduler calling deadlines.tick) can map them.
import flask_appbuilder.security.sqla.models  # noqa: F401

from app.models.audit import AuditLog
from app.models.auth import AccessEpoch, LoginFailure, RevokedCredential
from app.models.calendar import AdminAlert, CalendarDay, CalendarSettings
from app.models.communication import (  # noqa: F401
    CommunicationReport,
    CommunicationSummary,
    ImprovementAction,
    Suggestion,
)
from app.models.compensation import (
                                 ApprovalRule,
                                 CompensationClaim,
                                 CompensationEvidence,
)
from app.models.complaint import CollectiveCase, Complaint, RegisterSignOff
from app.models.job import Job, JobPart
from app.models.mail import MailBatch, MailItem
from app.models.newspaper import NewspaperSubscription
from app.models.notice import Notice
from app.models.org import Branch, Building, Company, Department, Estate, Office, Unit
from app.models.phone_installation import PhoneInstallation
from app.models.resident import Resident
from app.models.resident_pass import HouseholdPass, PassCard
from app.models.revisit import RectificationNotice, Revisit
from app.models.service_record import ServiceRecord
from app.models.settings import Setting
from app.models.staff import StaffProfile
from app.models.survey import Questionnaire, Survey, SurveyEstate, SurveyForm
from app.models.survey_follow_up import CorrectiveAction, OpenLetter  # noqa: F401
from app.models.visitor import Visitor
from app.models.work_order import WorkOrder, WorkOrderPhoto
from app.models.work_permit import WorkPermit, WorkPermitWorker
from app.models.workflow import (
                                 DeadlinePolicy,
                                 DeadlineTimer,
                                 Escalation,
                                 FormCounter,
                                 Notification,
                                 WorkflowHistory,
)

__all__ = ["AccessEpoch", "AdminAlert", "ApprovalRule", "AuditLog", "Branch", "Building",
           "CalendarDay", "CalendarSettings", "CollectiveCase", "Company", "CompensationClaim",
           "CompensationEvidence", "Complaint", "DeadlinePolicy", "DeadlineTimer", "Department",
           "Escalation", "Estate", "FormCounter", "HouseholdPass", "Job", "JobPart",
           "LoginFailure", "MailBatch", "MailItem", "NewspaperSubscription", "Notice",
           "Notification", "Office", "PassCard", "PhoneInstallation", "Questionnaire",
           "RectificationNotice", "RegisterSignOff", "Resident", "Revisit",
           "RevokedCredential", "ServiceRecord", "Setting", "StaffProfile", "Survey",
           "SurveyEstate", "SurveyForm", "Unit", "Visitor", "WorkOrder", "WorkOrderPhoto",
           "WorkPermit", "WorkPermitWorker", "WorkflowHistory"]
