"""The tables, one module per concept; import them from here (``from engine.models import Dossier``).

- base: the column types and the declarative base;
- organisation: agencies, their calendars, officers, roles, units, sign-ins and sessions;
- procedures: procedures, their published versions, drafts and history;
- dossiers: a dossier, its workflow state, search keys, history, documents and results;
- work_items: the inbox (one row per human step) and escalations;
- messages: what leaves and reaches the system (notifications, mail, SMS, partners, portal);
- citizens: citizens' accounts, online applications, payments and ratings;
- operations: what the running system keeps about itself.

Schema changes go through Alembic (engine/migrations); a test checks the two agree. Every module
is imported here, so the metadata is complete and the mapper events are registered once this
package is imported.
"""
from engine.models.base import UtcDateTime, Base, SearchText
from engine.models.organisation import (
    Agency, CalendarDay, User, Membership, Unit, UnitRole, UnitEvent, AccountEvent, UserSession,
    LoginAttempt,
)
from engine.models.procedures import Procedure, ProcedureVersion, ProcedureEvent, ProcedureDraft
from engine.models.dossiers import (
    DossierCodeSequence, Dossier, DossierState, DossierSearchKey, DossierStepAgency, WorkflowArchive,
    AuditEvent, DossierDocument, SupplementRequest, Apology, ResultDocument,
)
from engine.models.work_items import WorkItem, note_step_agency, Escalation
from engine.models.messages import (
    Notification, OutgoingMail, OutgoingSms, Partner, Delivery, PartnerOutbox, PortalOutbox,
    PartnerInbox, PartnerReject,
)
from engine.models.citizens import (
    Citizen, CitizenSignInCode, OnlineApplication, ApplicationFile, Payment, PaymentNoticeLog,
    ServiceRating,
)
from engine.models.operations import SchedulerTick

__all__ = [
    "UtcDateTime", "Base", "SearchText", "Agency", "CalendarDay", "User", "Membership", "Unit",
    "UnitRole", "UnitEvent", "AccountEvent", "UserSession", "LoginAttempt", "Procedure",
    "ProcedureVersion", "ProcedureEvent", "ProcedureDraft", "DossierCodeSequence", "Dossier",
    "DossierState", "DossierSearchKey", "DossierStepAgency", "WorkflowArchive", "AuditEvent",
    "DossierDocument", "SupplementRequest", "Apology", "ResultDocument", "WorkItem", "note_step_agency",
    "Escalation", "Notification", "OutgoingMail", "OutgoingSms", "Partner", "Delivery", "PartnerOutbox",
    "PortalOutbox", "PartnerInbox", "PartnerReject", "Citizen", "CitizenSignInCode",
    "OnlineApplication", "ApplicationFile", "Payment", "PaymentNoticeLog", "ServiceRating",
    "SchedulerTick",
]
