"""The national public-service portal's view of our dossiers: every status change becomes a sync
record (the portal's own field names), queued in ``portal_outbox`` in the same transaction as the
change. The scheduler sends the queue in order per dossier (engine/scheduler/portal_delivery.py)
through the adapter in integrations/national_portal.py.

A record carries the dossier's header (code, procedure, channel, applicant, dates, status) and the
processing entries (``QuaTrinhXuLy``) recorded since the dossier's previous record, so each entry
reaches the portal once and in order. Dates are the agency's local time as ``yyyyMMddHHmmss``, the
portal's format.

The command queues the header, as the change left the dossier, and the id of the history event
that changed the status (``audit_upto``). The entries are read when the record is sent
(``record_to_send``): the history is append-only, so the events between the previous record's
``audit_upto`` and this one's are the same then as in the command, and the command, which every
officer waits for, does not read the dossier's history.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import aliased

from engine import clock
from engine.models import AuditEvent, PortalOutbox, User

# Audit actions that are bookkeeping of our own (who took a step from the queue, an alert seen),
# not steps of processing the portal tracks.
NOT_PROCESSING = frozenset({"claimed", "released", "escalation_acknowledged", "partner_retry", "timer_failed",
                            "portal_resend"})

# What each action means, in the words the portal shows the citizen (Vietnamese only: the portal's
# language). A step's own name follows where the action concerns one.
PROCESS_TEXT = {
    "received": "Tiếp nhận hồ sơ",
    "started": "Chuyển xử lý",
    "completed": "Hoàn thành",
    "sent_back": "Trả lại để xử lý lại",
    # Said of both a supervisor's reassignment and a send-back's hand-back to the officer who did
    # the step before (the entries carry no detail to tell them apart).
    "reassigned": "Phân công lại cán bộ xử lý",
    "withdrawn": "Công dân rút hồ sơ",
    "stopped": "Dừng xử lý",
    "failed": "Lỗi xử lý",
    "apology_issued": "Xin lỗi và hẹn lại ngày trả kết quả",
    "timer_fired": "Hết thời gian chờ theo quy trình",
    "partner_message": "Nhận kết quả liên thông",
    "result_returned_to_partner": "Trả kết quả cho cơ quan liên thông",
    "refused": "Từ chối tiếp nhận hồ sơ",
    "guidance_issued": "Hướng dẫn bổ sung, hoàn thiện hồ sơ",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "supplement_recorded": "Nhận hồ sơ bổ sung",
}


def status_changed(status_before, status_after) -> bool:
    """A new dossier (no status before) counts as a change: the portal learns of it then."""
    return status_before != status_after


# The dossier's processing entries a record carries: those after the event its previous record
# covered, up to the event that changed the status. One statement, built once.
_previous = aliased(PortalOutbox)
_ENTRIES = (
    select(AuditEvent.at, AuditEvent.action, AuditEvent.step_name, AuditEvent.status_after, User.full_name)
    .outerjoin(User, User.id == AuditEvent.actor_id)
    .where(AuditEvent.dossier_id == bindparam("dossier_id"), AuditEvent.id <= bindparam("upto"),
           AuditEvent.id > func.coalesce(select(func.max(_previous.audit_upto))
                                         .where(_previous.dossier_id == bindparam("dossier_id"),
                                                _previous.id < bindparam("outbox_id"))
                                         .scalar_subquery(), 0))
    .order_by(AuditEvent.id))
_INSERT = insert(PortalOutbox.__table__)
ENTRIES = "QuaTrinhXuLy"


def queue_status_change(session, dossier, event_id: int) -> None:
    """Queue the dossier's sync record after the audit event ``event_id`` changed its status
    (called by audit.record, inside the command's transaction, once the event's row is written).
    A plain INSERT on the command's connection: nothing of the command needs flushing first."""
    now = clock.now()
    session.connection().execute(_INSERT, {
        "dossier_id": dossier.id, "status": dossier.status, "audit_upto": event_id,
        "payload": sync_header(dossier, ZoneInfo(dossier.agency.timezone)),
        "created_at": now, "next_attempt_at": now, "attempts": 0})


def record_to_send(session, row, zone: ZoneInfo) -> dict:
    """The record as the portal takes it: the queued header with its processing entries. A row
    queued with its entries already in it (before they were read at sending) goes as it is."""
    if ENTRIES in row.payload:
        return row.payload
    entries = session.execute(_ENTRIES, {"dossier_id": row.dossier_id, "upto": row.audit_upto,
                                         "outbox_id": row.id}).all()
    return {**row.payload, ENTRIES: [{
        "NguoiXuLy": e.full_name or "Hệ thống",
        "ThoiDiemXuLy": portal_time(e.at, zone),
        "NoiDungXuLy": _process_text(e.action, e.step_name),
        "TrangThai": e.status_after,
    } for e in entries if e.action not in NOT_PROCESSING]}


def sync_header(dossier, zone: ZoneInfo) -> dict:
    from engine.runtime.host import procedure_of  # the runtime imports the audit, which imports us
    manifest = procedure_of(dossier).manifest
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": manifest.get("national_code", ""),
        "TenTTHC": manifest.get("name", ""),
        "DonViXuLy": dossier.agency.code,
        "KenhThucHien": int(dossier.channel),
        "ChuHoSo": dossier.applicant_name,
        "NgayTiepNhan": portal_time(dossier.received_at, zone),
        # Lateness is judged against the first appointment, whatever an apology moved it to.
        "NgayHenTra": portal_time(dossier.original_due_at or dossier.due_at, zone),
        "TrangThaiHoSo": int(dossier.status),
        "NgayKetThucXuLy": portal_time(dossier.finished_at, zone),
        "NgayTra": portal_time(dossier.returned_at, zone),
    }


def portal_time(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y%m%d%H%M%S") if moment is not None else ""


def _process_text(action: str, step_name: str | None) -> str:
    text = PROCESS_TEXT.get(action, "Cập nhật hồ sơ")
    return f"{text}: {step_name}" if step_name else text
