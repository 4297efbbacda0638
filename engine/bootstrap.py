"""Wiring in one place: settings → database → unit-of-work factory. Web, CLI, scheduler and
tests all start from ``Motcua(settings)``."""
from __future__ import annotations

from engine.config import Settings
from engine.db import is_sqlite, make_engine, make_read_session_factory, make_session_factory, read_only
from engine.procedures import catalogue
from engine.runtime import script_limits
from engine.unit_of_work import UnitOfWork


class Motcua:
    def __init__(self, settings: Settings | None = None, *, mailer=None, partner_client=None, portal_client=None,
                 sms_gateway=None, payment_gateway=None):
        self.settings = settings or Settings()
        self.mailer = mailer or _mailer(self.settings)
        self.sms_gateway = sms_gateway or _sms_gateway(self.settings)
        self.payment_gateway = payment_gateway or _payment_gateway(self.settings)
        self.partner_client = partner_client or _partner_client()
        # None when no national portal is configured: its records then wait in the outbox.
        self.portal_client = portal_client or _portal_client(self.settings)
        self.db = make_engine(self.settings.database_url, pool_size=self.settings.db_pool_size,
                              max_overflow=self.settings.db_max_overflow,
                              connect_timeout=self.settings.db_connect_timeout,
                              lock_timeout=self.settings.db_lock_timeout,
                              statement_timeout=self.settings.db_statement_timeout)
        script_limits.configure(seconds=self.settings.script_seconds)
        self.sqlite = is_sqlite(self.db)
        self._sessions = make_session_factory(self.db, info={catalogue.SESSION_KEY: self.settings.catalogue_dir})
        self.read_session = make_read_session_factory(self.db)
        # A plain connection for a read of a few columns that needs no ORM object: cheaper than a
        # read session around the same statement (the session check on every request uses it).
        self.read_connection = read_only(self.db).connect

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self._sessions, row_locks=not self.sqlite)

    def dispose(self) -> None:
        self.db.dispose()


def _mailer(settings: Settings):
    from integrations.mail import NullMailer, SmtpMailer
    if not settings.smtp_host:
        return NullMailer()
    return SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from)


def _partner_client():
    from integrations.partners import HttpPartnerClient
    return HttpPartnerClient()


def _portal_client(settings: Settings):
    if not settings.portal_url:
        return None
    from integrations.national_portal import HttpPortalClient
    return HttpPortalClient(settings.portal_url, settings.portal_session)


def _sms_gateway(settings: Settings):
    from integrations.sms import HttpSmsGateway, NullSmsGateway
    if not settings.sms_url:
        return NullSmsGateway()
    return HttpSmsGateway(settings.sms_url, settings.sms_key, settings.sms_sender)


def _payment_gateway(settings: Settings):
    from integrations.payment import gateway_from_settings
    return gateway_from_settings(settings)
