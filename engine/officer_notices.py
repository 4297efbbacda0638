"""Telling officers about ordinary events of their work (issue 12): a step assigned or reassigned
to them, sent back to them, a dossier they handled sent back or returned to the citizen, a
partner hand-off that failed.

A notification in the app for each; a mail too when the officer has an address and wants mail
(``users.notify_by_mail``). Written in the caller's transaction, so a notice exists exactly when
its cause was committed; the scheduler sends the mail later (engine/scheduler/mail_delivery.py).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, insert, select

from engine import clock
from engine.models import Membership, Notification, OutgoingMail, User, WorkItem
from engine.statuses import DossierStatus


def tell(session, users: Iterable[User], *, dossier_id: int | None, key: str, message_vi: str,
         message_en: str) -> int:
    """One notification per user (each user once), and a mail to those who want one.
    ``key`` names the event: the same event never mails the same officer twice."""
    now = clock.now()
    seen, notifications, mails = set(), [], []
    for user in users:
        if user is None or user.id in seen or not user.is_active:
            continue
        seen.add(user.id)
        notifications.append(dict(user_id=user.id, dossier_id=dossier_id, created_at=now,
                                  message_vi=message_vi, message_en=message_en))
        if user.email and user.notify_by_mail:
            mails.append(dict(dedupe_key=f"{key}-user-{user.id}"[:120], to_address=user.email,
                              subject=f"[Một cửa] {message_vi}"[:255], body=f"{message_vi}\n\n{message_en}\n",
                              created_at=now, next_attempt_at=now, attempts=0))
    if notifications:
        session.execute(insert(Notification), notifications)
    if mails:
        existing = set(session.execute(select(OutgoingMail.dedupe_key).where(
            OutgoingMail.dedupe_key.in_([m["dedupe_key"] for m in mails]))).scalars())
        mails = [m for m in mails if m["dedupe_key"] not in existing]
        if mails:
            session.execute(insert(OutgoingMail), mails)
    return len(notifications)


def unit(session, agency_id: int, role: str) -> list[User]:
    """The active officers holding ``role`` in the agency."""
    return list(session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.agency_id == agency_id, Membership.role == role, User.is_active.is_(True))
        .order_by(User.id)).scalars())


def supervisors(session, agency_id: int) -> list[User]:
    return unit(session, agency_id, "supervisor")


def holds(session, user_id: int, agency_id: int, role: str) -> bool:
    return session.execute(select(Membership.id).where(
        Membership.user_id == user_id, Membership.agency_id == agency_id, Membership.role == role)).first() is not None


def handlers(session, dossier_id: int) -> list[User]:
    """The officers who finished a step of the dossier."""
    return list(session.execute(_HANDLERS, {"dossier_id": dossier_id}).scalars())


# One statement, built once (it runs in the command that hands the result over).
_HANDLERS = select(User).where(User.id.in_(
    select(WorkItem.finished_by_id).where(WorkItem.dossier_id == bindparam("dossier_id"),
                                          WorkItem.finished_by_id.is_not(None)))).order_by(User.id)


def on_status_change(session, dossier, status_before: int | None, actor_id: int | None) -> None:
    """Called with every entry of the dossier's history (engine/audit.py): when the result has just
    been returned to the citizen (status 10), everyone who finished a step of it hears so, except
    the officer who handed it over."""
    if dossier.status != DossierStatus.RESULT_RETURNED or status_before == DossierStatus.RESULT_RETURNED:
        return
    tell(session, [u for u in handlers(session, dossier.id) if u.id != actor_id], dossier_id=dossier.id,
         key=f"returned-{dossier.id}",
         message_vi=f"Hồ sơ {dossier.code} bạn đã xử lý đã được trả kết quả cho công dân.",
         message_en=f"Dossier {dossier.code}, which you worked on, has been returned to the citizen "
                    f"(result handed over).")
