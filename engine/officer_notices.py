"""Telling officers about ordinary events of their work (issue 12): a step assigned or reassigned
to them, sent back to them, a dossier they handled sent back or returned to the citizen, a
partner hand-off that failed.

A notification in the app for each; a mail too when the officer has an address and wants mail
(``users.notify_by_mail``). Written in the caller's transaction, so a notice exists exactly when
its cause was committed; the scheduler sends the mail later (engine/scheduler/mail_delivery.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Integer, String, Text, bindparam, cast, exists, insert, literal, select

from engine import clock
from engine.models import Membership, Notification, OutgoingMail, User, UtcDateTime, WorkItem
from engine.statuses import DossierStatus


@dataclass(frozen=True)
class HandlersOf:
    """Whom to tell: the officers who finished a step of the dossier, but those in ``but``."""
    dossier_id: int
    but: tuple[int, ...] = ()


def tell(session, users: Iterable[User | None] | HandlersOf, *, dossier_id: int | None, key: str, message_vi: str,
         message_en: str) -> int:
    """One notification per active user (each user once), and a mail to those who want one.
    ``users``: User rows, or ``HandlersOf`` a dossier (then they are found by the database, not
    loaded). ``key`` names the event: the same event never mails the same officer twice (a mail
    whose dedupe key exists is not written again). Two INSERT … SELECT statements, built once."""
    if isinstance(users, HandlersOf):
        statements, params = _TELL_HANDLERS, {"of_dossier": users.dossier_id, "but": list(users.but)}
    else:
        ids = sorted({user.id for user in users if user is not None})
        if not ids:
            return 0
        statements, params = _TELL_IDS, {"ids": ids}
    params.update(about=dossier_id, now=clock.now(), vi=message_vi, en=message_en, key=f"{key}-user-"[:100],
                  subject=f"[Một cửa] {message_vi}"[:255], body=f"{message_vi}\n\n{message_en}\n")
    # On the command's connection, as plain statements: what they read (users, the steps finished
    # before this command) needs nothing of the command flushed first.
    notify, mail = statements
    connection = session.connection()
    count = connection.execute(notify, params).rowcount
    if count:
        connection.execute(mail, params)
    return count


def _tell_statements(who) -> tuple:
    """The notifications, then the mails, for the active users whose ids ``who`` selects."""
    told = (User.id.in_(who), User.is_active.is_(True))
    now = bindparam("now", type_=UtcDateTime())
    notify = insert(Notification).from_select(
        ["user_id", "dossier_id", "created_at", "message_vi", "message_en"],
        select(User.id, bindparam("about", type_=Integer), now, bindparam("vi", type_=Text), bindparam("en", type_=Text))
        .where(*told))
    dedupe_key = bindparam("key", type_=String) + cast(User.id, String)
    mail = insert(OutgoingMail).from_select(
        ["dedupe_key", "to_address", "subject", "body", "created_at", "next_attempt_at", "attempts"],
        select(dedupe_key, User.email, bindparam("subject", type_=String), bindparam("body", type_=Text), now, now,
               literal(0, Integer))
        .where(*told, User.email.is_not(None), User.email != "", User.notify_by_mail.is_(True),
               ~exists().where(OutgoingMail.dedupe_key == dedupe_key)))
    return notify, mail


_TELL_IDS = _tell_statements(bindparam("ids", expanding=True))
_TELL_HANDLERS = _tell_statements(
    select(WorkItem.finished_by_id).where(WorkItem.dossier_id == bindparam("of_dossier"),
                                          WorkItem.finished_by_id.is_not(None),
                                          WorkItem.finished_by_id.not_in(bindparam("but", expanding=True))))


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


def on_status_change(session, dossier, status_before: int | None, actor_id: int | None) -> None:
    """Called with every entry of the dossier's history (engine/audit.py): when the result has just
    been returned to the citizen (status 10), everyone who finished a step of it hears so, except
    the officer who handed it over."""
    if dossier.status != DossierStatus.RESULT_RETURNED or status_before == DossierStatus.RESULT_RETURNED:
        return
    tell(session, HandlersOf(dossier.id, but=(actor_id,) if actor_id else ()), dossier_id=dossier.id,
         key=f"returned-{dossier.id}",
         message_vi=f"Hồ sơ {dossier.code} bạn đã xử lý đã được trả kết quả cho công dân.",
         message_en=f"Dossier {dossier.code}, which you worked on, has been returned to the citizen "
                    f"(result handed over).")
