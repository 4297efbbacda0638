"""The task page: one work item, its dossier and the step's form, for someone allowed to see it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.commands._steps import SUPERVISOR, has_role
from engine.errors import NotFound
from engine.models import Agency, Dossier, User, WorkItem
from engine.procedures.catalogue import intake_schema
from engine.procedures.forms import starting_values
from engine.queries.case_data import Datum, case_data
from engine.queries.dossier import documents_of, people_in
from engine.queries.history import HistoryEntry, dossier_history
from engine.queries.online import scans_for_officer
from engine.runtime.host import step_data


@dataclass(frozen=True)
class DossierSummary:
    id: int
    code: str
    status: int
    procedure_name: str
    agency_name: str
    applicant_name: str
    applicant_id_number: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class TaskView:
    work_item_id: int
    step_id: str
    step_name: str
    role: str
    agency_name: str
    state: str
    assignee_id: int | None
    assignee_name: str | None
    created_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    form: dict | None
    starting_values: dict  # the form's fields filled from the step's data (forms.starting_values)
    can_send_back: bool
    dossier: DossierSummary
    data: list[Datum]  # what reception, earlier steps and partners recorded, as this step sees it
    documents: list
    scans: list  # engine.queries.online.Scan: what the citizen sent online
    history: list[HistoryEntry]
    people: dict[int, str]


def may_see(session, user_id: int, item: WorkItem) -> bool:
    """Holders of the step's (agency, role), and the agency's supervisors."""
    return (has_role(session, user_id, item.agency_id, item.role)
            or has_role(session, user_id, item.agency_id, SUPERVISOR))


def task_view(session, user_id: int, work_item_id: int, catalogue_dir: Path | None = None,
              language: str = "vi") -> TaskView:
    """The step's page; ``catalogue_dir`` gives the titles of an online submission's fields; the
    recorded data is labelled in ``language``."""
    item = session.get(WorkItem, work_item_id)
    if item is None or not may_see(session, user_id, item):
        # The same answer for "no such task" and "not yours": a URL reveals nothing.
        raise NotFound("Không tìm thấy hoặc bạn không có quyền.", "Not found or not permitted.")
    dossier: Dossier = item.dossier
    version = dossier.procedure_version
    step = version.manifest["steps"].get(item.step_id, {})
    form_name = step.get("form") or ""
    assignee = session.get(User, item.assignee_id) if item.assignee_id else None
    history = dossier_history(session, dossier.id)
    form = completion_form(version.forms.get(form_name) if form_name else None, step)
    data = step_data(session, dossier, item.task_id)
    summary = DossierSummary(
        id=dossier.id, code=dossier.code, status=dossier.status, procedure_name=version.procedure.name,
        agency_name=dossier.agency.name, applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number, applicant_address=dossier.applicant_address,
        applicant_phone=dossier.applicant_phone, applicant_email=dossier.applicant_email,
        received_at=dossier.received_at, due_at=dossier.due_at, finished_at=dossier.finished_at)
    return TaskView(
        work_item_id=item.id, step_id=item.step_id, step_name=item.step_name, role=item.role,
        agency_name=session.get(Agency, item.agency_id).name, state=item.state,
        assignee_id=item.assignee_id, assignee_name=assignee.full_name if assignee else None,
        created_at=item.created_at, due_at=item.due_at, finished_at=item.finished_at,
        form=form, starting_values=starting_values(form, data) if item.state == "open" else {},
        can_send_back=bool(step.get("properties", {}).get("sendBackData")),
        dossier=summary, data=case_data(version.manifest, version.forms, data,
                                        intake_schema(catalogue_dir, version.procedure.key), language),
        documents=documents_of(session, dossier.id), scans=scans_for_officer(session, user_id, dossier.id),
        history=history,
        people=people_in(session, history))


def completion_form(form: dict | None, step: dict) -> dict | None:
    """The step's form as the completion panel offers it: the choices that mean "send back" (the
    values the step's ``sendBackData`` sets) are left out, since the page has one send-back control
    of its own, with its one reason field (issue 12)."""
    raw = step.get("properties", {}).get("sendBackData")
    if not form or not raw:
        return form
    try:
        send_back = json.loads(raw)
    except ValueError:
        return form
    properties = dict(form.get("properties", {}))
    for name, value in send_back.items():
        prop = properties.get(name)
        if not isinstance(prop, dict) or not isinstance(value, str):
            continue
        if "oneOf" in prop:
            properties[name] = {**prop, "oneOf": [o for o in prop["oneOf"] if o.get("const") != value]}
        elif "enum" in prop:
            properties[name] = {**prop, "enum": [v for v in prop["enum"] if v != value]}
    return {**form, "properties": properties}
