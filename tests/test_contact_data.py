"""An applicant's ID number, phone and e-mail are checked in their Vietnamese forms before anything
is written; mail that cannot be delivered is given up (at once when retrying cannot help) and kept
with its reason for the administrator."""
from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from engine import commands
from engine.commands import mail as mail_commands
from engine.commands.reception import Applicant
from engine.errors import FormInvalid, InvalidState, NotFound
from engine.models import Dossier, OutgoingMail, SupplementRequest
from engine.queries.mail import undelivered
from engine.scheduler.mail_delivery import MAX_ATTEMPTS
from engine.scheduler.runner import run_tick
from integrations.mail import SmtpMailer

ACCEPTED = {
    "applicant_id_number": ["001090012345", "079203000123", "012345678", "B1234567", "c7654321", "X12AB345", ""],
    "applicant_phone": ["0912345678", "0912 345 678", "091.234.5678", "+84 912 345 678", "84912345678",
                        "024 3825 1234", "(0206) 385 1234", ""],
    "applicant_email": ["an@example.vn", "an.nguyen+hoso@tanphong.gov.vn", "người@ví-dụ.vn", ""],
}
REFUSED = {
    "applicant_id_number": ["abc12", "12345", "1234567890", "123456789012", "00109001234", "0010900123456",
                            "B12", "１２３４５６７８９", "00109\n0012345"],
    "applicant_phone": ["không có", "0123456789", "091234567", "09123456789", "0612345678", "+1 202 555 0100",
                        "０９１２３４５６７８"],
    "applicant_email": ["an", "an@", "@example.vn", "an@example", "an@example.vn\r\nBcc: x@example.vn",
                        "an@example.vn, binh@example.vn", "An <an@example.vn>", "an@@example.vn",
                        "an@example.vn\n"],
}
FIELD = {"applicant_id_number": "id_number", "applicant_phone": "phone", "applicant_email": "email"}


def _applicant(field: str, value: str) -> Applicant:
    return Applicant(name="Nguyễn Văn An", **{FIELD[field]: value})


@pytest.mark.parametrize("field,value", [(f, v) for f, values in ACCEPTED.items() for v in values])
def test_the_vietnamese_forms_of_contact_data_pass(field, value):
    assert _applicant(field, value).problems() == {}


@pytest.mark.parametrize("field,value", [(f, v) for f, values in REFUSED.items() for v in values])
def test_malformed_contact_data_is_refused_with_a_message_for_its_field(field, value):
    problems = _applicant(field, value).problems()
    assert list(problems) == [field]
    assert "không hợp lệ" in problems[field][0]


def test_a_twelve_digit_id_must_start_with_a_province_code():
    [message] = _applicant("applicant_id_number", "999190012345").problems()["applicant_id_number"]
    assert "mã tỉnh" in message


def _count(motcua, model) -> int:
    with motcua.read_session() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("field", ["id_number", "phone", "email", "address", "name"])
def test_three_hundred_characters_are_refused_before_the_database_sees_them(demo, field):
    """Each of these once made the INSERT fail (a 500 at the counter); now: a message, nothing written."""
    long = {"id_number": "1" * 300, "phone": "0" * 300, "email": "a" * 290 + "@example.vn",
            "address": "Thôn " * 120, "name": "Nguyễn " * 50}[field]
    values = {"name": "Nguyễn Văn An", field: long}
    with pytest.raises(FormInvalid) as refused:
        commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                         procedure_key="dang_ky_ket_hon", applicant=Applicant(**values))
    assert list(refused.value.field_errors) == [f"applicant_{field}"]
    assert refused.value.field_errors[f"applicant_{field}"][0].startswith("Tối đa")
    with pytest.raises(FormInvalid):
        commands.give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], missing=["Tờ khai"],
                               walk_in=commands.reception.WalkIn(demo.commune, "dang_ky_ket_hon",
                                                                 Applicant(**values)))
    assert _count(demo.motcua, Dossier) == 0 and _count(demo.motcua, SupplementRequest) == 0


def test_control_characters_in_a_name_or_address_are_refused(demo):
    problems = Applicant(name="Nguyễn Văn An\r\nX", address="Thôn\tĐông").problems()
    assert set(problems) == {"applicant_name", "applicant_address"}


# --- mail that cannot be delivered ----------------------------------------------------------------


class Server:
    """A real SMTP server on loopback that refuses some recipients for good (550)."""

    def __init__(self, refuse: set[str] = frozenset()):
        self.refuse, self.messages = set(refuse), []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp():
    server = Server()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    server.port = port
    yield server
    controller.stop()


def _received(demo, email="an@example.vn") -> int:
    dossier_id = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                                  procedure_key="dang_ky_ket_hon",
                                  applicant=Applicant(name="Nguyễn Văn An", email=email)).id
    # The receipt's own mail (engine/citizen_alerts.py) went out before: these tests are about the next one.
    with demo.motcua.uow() as uow:
        uow.session.execute(update(OutgoingMail).values(sent_at=OutgoingMail.created_at, next_attempt_at=None))
        uow.commit()
    return dossier_id


def _withdraw(demo, dossier_id):
    commands.withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id,
                      reason="Công dân xin rút hồ sơ", requested_by="Nguyễn Văn An")


def _mail(demo) -> OutgoingMail:
    with demo.motcua.read_session() as s:
        return s.execute(select(OutgoingMail).where(~OutgoingMail.dedupe_key.like("status-%"))).scalar_one()


def test_an_address_with_a_line_break_stored_earlier_is_never_tried_and_the_admin_sees_why(demo, smtp):
    dossier_id = _received(demo)
    with demo.motcua.uow() as uow:  # as an import or an older version could have stored it
        uow.session.execute(update(Dossier).values(applicant_email="an@example.vn\r\nBcc: x@example.vn"))
        uow.commit()
    _withdraw(demo, dossier_id)
    demo.motcua.mailer = SmtpMailer("127.0.0.1", smtp.port)
    assert run_tick(demo.motcua).mails_sent == 0
    assert smtp.messages == []
    mail = _mail(demo)
    assert (mail.attempts, mail.next_attempt_at, mail.failed_at is not None) == (0, None, True)
    with demo.motcua.read_session() as s:
        [shown] = undelivered(s, demo.users["admin"])
    assert shown.kind == "invalid_address" and "rút" in shown.subject
    with pytest.raises(InvalidState):  # sending again cannot help: the address must be corrected
        mail_commands.resend(demo.motcua.uow(), actor_id=demo.users["admin"], mail_id=mail.id)


def test_a_recipient_the_server_refuses_for_good_is_given_up_after_one_try(demo, smtp, frozen_clock):
    smtp.refuse.add("khongco@example.vn")
    _withdraw(demo, _received(demo, "khongco@example.vn"))
    demo.motcua.mailer = SmtpMailer("127.0.0.1", smtp.port)
    run_tick(demo.motcua)
    mail = _mail(demo)
    assert (mail.attempts, mail.next_attempt_at, mail.sent_at) == (1, None, None)
    assert mail.failed_at == frozen_clock.current
    with demo.motcua.read_session() as s:
        [shown] = undelivered(s, demo.users["admin"])
    assert shown.kind == "refused" and "550" in shown.detail
    frozen_clock.advance(timedelta(days=1))
    run_tick(demo.motcua)
    assert _mail(demo).attempts == 1  # not retried

    smtp.refuse.clear()  # the mailbox exists now: the administrator sends it again
    mail_commands.resend(demo.motcua.uow(), actor_id=demo.users["admin"], mail_id=mail.id)
    assert run_tick(demo.motcua).mails_sent == 1
    assert smtp.messages == [["khongco@example.vn"]]
    with demo.motcua.read_session() as s:
        assert undelivered(s, demo.users["admin"]) == []


def test_a_server_that_stays_down_is_tried_a_bounded_number_of_times(demo, frozen_clock):
    _withdraw(demo, _received(demo))
    demo.motcua.mailer = SmtpMailer("127.0.0.1", 1)  # nothing listens there
    for _ in range(MAX_ATTEMPTS + 5):
        run_tick(demo.motcua)
        frozen_clock.advance(timedelta(hours=2))
    mail = _mail(demo)
    assert (mail.attempts, mail.next_attempt_at, mail.sent_at) == (MAX_ATTEMPTS, None, None)
    assert mail.failed_at is not None and "ConnectionRefusedError" in mail.last_error
    with demo.motcua.read_session() as s:
        [shown] = undelivered(s, demo.users["admin"])
    assert shown.kind == "gave_up"


def test_only_administrators_see_undelivered_mail(demo):
    with demo.motcua.read_session() as s, pytest.raises(NotFound):  # as if the page did not exist
        undelivered(s, demo.users["tiepnhan"])
