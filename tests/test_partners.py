"""Hand-offs to a partner agency's own system: two live motcua instances on loopback, each with its
own database, exchanging signed messages (docs/PARTNERS.md).

Instance A (a commune committee) asks partner "B" to confirm a residence and works on while it
waits; instance B (the commune police) opens a dossier for the question, an officer answers, and
the answer continues A's dossier. The frozen engine clock is shared by both, as two servers with
synchronised clocks would be.
"""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from engine import clock, commands
from engine.commands.partners import retry_dead_letter, save_partner
from engine.commands.reception import Applicant
from engine.errors import NotFound
from engine.models import AuditEvent, Dossier, PartnerInbox, PartnerOutbox, PartnerReject
from engine.partners import signing
from engine.procedures.checker import check_file
from engine.queries.partners import dead_letters
from engine.scheduler import partner_delivery
from tests.partner_instances import Instance, _partner_template, partner_database_url  # noqa: F401 (fixtures)

HERE = Path(__file__).parent / "bpmn_partners"
FORMS = HERE / "forms"
KEY = "khoa-bi-mat-dung-chung-giua-A-va-B-0123456789"
OTHER_KEY = "mot-khoa-khac-ma-ke-gia-mao-dung-0123456789ab"


# ---------------------------------------------------------------- signing (unit level)

def test_a_signature_checks_out_only_with_the_same_key_timestamp_key_and_body():
    body = b'{"message": "xin_xac_nhan"}'
    given = signing.signature(KEY, "1795000000", "key-1", body)
    assert signing.verify((KEY, None), "1795000000", "key-1", body, given)
    assert not signing.verify((OTHER_KEY, None), "1795000000", "key-1", body, given)
    assert not signing.verify((KEY,), "1795000001", "key-1", body, given)
    assert not signing.verify((KEY,), "1795000000", "key-2", body, given)
    assert not signing.verify((KEY,), "1795000000", "key-1", body + b" ", given)
    # During a rotation the previous key still verifies.
    assert signing.verify((OTHER_KEY, KEY), "1795000000", "key-1", body, given)
    assert not signing.verify((None, ""), "1795000000", "key-1", body, given)


def test_the_manifest_routes_messages_to_and_from_partner_pools():
    ask = check_file(HERE / "partner_ask.bpmn", FORMS).manifest["partners"]
    answer = check_file(HERE / "partner_answer.bpmn", FORMS).manifest["partners"]
    assert ask == {"outgoing": {"xin_xac_nhan": "B"}, "incoming": {"tra_loi_xac_nhan": "B"}, "starts_on": []}
    assert answer == {"outgoing": {"tra_loi_xac_nhan": "A"}, "incoming": {"xin_xac_nhan": "A"},
                      "starts_on": ["xin_xac_nhan"]}


# ---------------------------------------------------------------- two live instances

@pytest.fixture
def pair(database_url, partner_database_url, frozen_clock):
    a = Instance("A", database_url, FORMS)
    b = Instance("B", partner_database_url, FORMS)
    procedures = sorted(HERE.glob("*.bpmn"))
    a.setup("000.31.21.H56", "UBND xã Tân Phong", "commune_committee",
            {"tiepnhan": "reception", "chuyenvien": "specialist", "giamsat": "supervisor"}, procedures, FORMS)
    b.setup("000.32.21.H56", "Công an xã Tân Phong", "commune_police", {"congan": "specialist"}, procedures, FORMS)
    save_partner(a.motcua.uow(), actor_id=a.users["admin"], code="B", name="Công an xã Tân Phong",
                 endpoint=b.endpoint, our_code="A", key=KEY)
    save_partner(b.motcua.uow(), actor_id=b.users["admin"], code="A", name="UBND xã Tân Phong",
                 endpoint=a.endpoint, our_code="B", key=KEY, agency_id=b.agency)
    yield a, b
    for instance in (a, b):
        instance.stop()
        instance.motcua.dispose()


def receive_at_a(a, name="Hoàng Thị Tám") -> Dossier:
    return commands.receive(a.motcua.uow(), actor_id=a.users["tiepnhan"], agency_id=a.agency,
                            procedure_key="partner_ask", applicant=Applicant(name=name),
                            data={"citizen_name": name})



def outbox(instance):
    return instance.read(lambda s: [(r.message, r.correlation, r.attempts, r.delivered_at is not None,
                                     r.dead_at is not None) for r in s.query(PartnerOutbox).order_by(PartnerOutbox.id)])


def test_a_question_goes_to_the_partner_and_its_answer_continues_the_waiting_dossier(pair):
    a, b = pair
    dossier = receive_at_a(a)
    # Written with the dossier's state, not sent yet: nothing at B before A's scheduler runs.
    assert outbox(a) == [("xin_xac_nhan", dossier.code, 0, False, False)]
    assert b.count(Dossier) == 0

    a.tick()
    assert outbox(a) == [("xin_xac_nhan", dossier.code, 1, True, False)]
    # B opened a dossier for the question, at the police, with the question in its step's data.
    [(b_dossier, step, _)] = b.open_items()
    assert step == "confirm"
    assert b.read(lambda s: s.get(Dossier, b_dossier).agency_id) == b.agency

    # A's officer completes "prepare" first: the dossier now waits for B.
    a.do_step("chuyenvien", "prepare", {"draft_note": "Chờ Công an xác nhận."})
    assert [step for _, step, _ in a.open_items()] == []

    b.do_step("congan", "confirm", {"confirmed": True, "note": "Có đăng ký thường trú tại Thôn Đông."})
    # B's answer carries A's dossier code, so it comes back to that dossier.
    assert outbox(b) == [("tra_loi_xac_nhan", dossier.code, 0, False, False)]
    b.tick()
    assert outbox(b)[0][3] is True
    assert [step for _, step, _ in a.open_items()] == ["return_result"]
    assert a.step_data(dossier.id, "return_result")["answer"] == {
        "confirmed": True, "note": "Có đăng ký thường trú tại Thôn Đông."}
    assert a.read(lambda s: [e.action for e in s.query(AuditEvent).filter_by(dossier_id=dossier.id)])[-1] == "partner_message"


def test_an_answer_that_arrives_before_the_dossier_waits_is_kept_and_handed_in_when_it_does(pair):
    a, b = pair
    dossier = receive_at_a(a)
    a.tick()
    b.do_step("congan", "confirm", {"confirmed": False, "note": "Không có đăng ký thường trú."})
    b.tick()
    # A's officer is still on "prepare": the answer is recorded and kept, the dossier unchanged.
    assert [step for _, step, _ in a.open_items()] == ["prepare"]
    assert a.count(PartnerInbox, PartnerInbox.delivered_at.is_(None), PartnerInbox.dossier_id == dossier.id) == 1
    a.tick()  # the scheduler's retry finds it still not waited for, and keeps it
    assert [step for _, step, _ in a.open_items()] == ["prepare"]

    a.do_step("chuyenvien", "prepare", {})
    # The step that made the dossier wait handed the answer in at once.
    assert [step for _, step, _ in a.open_items()] == ["return_result"]
    assert a.step_data(dossier.id, "return_result")["answer"]["confirmed"] is False
    assert a.count(PartnerInbox, PartnerInbox.delivered_at.is_(None)) == 0


def test_a_partner_that_is_down_gets_the_message_after_it_comes_back(pair, frozen_clock):
    a, b = pair
    b.stop()
    receive_at_a(a)
    a.tick()
    [(_, _, attempts, delivered, dead)] = outbox(a)
    assert (attempts, delivered, dead) == (1, False, False)
    assert "Error" in a.read(lambda s: s.query(PartnerOutbox).one().last_error)
    a.tick()  # the pause after a failure has not passed: no new attempt
    assert outbox(a)[0][2] == 1
    frozen_clock.advance(timedelta(minutes=1, seconds=1))
    a.tick()
    assert outbox(a)[0][2] == 2
    frozen_clock.advance(timedelta(minutes=1))
    a.tick()  # the pause grows: 2 minutes after the second failure
    assert outbox(a)[0][2] == 2

    b.start()
    frozen_clock.advance(timedelta(minutes=1, seconds=1))
    a.tick()
    assert outbox(a)[0][2:] == (3, True, False)
    assert [step for _, step, _ in b.open_items()] == ["confirm"]


def _signed_request(body: dict, *, key=KEY, partner="A", idempotency_key="k-1", timestamp=None):
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    timestamp = timestamp or str(int(clock.now().timestamp()))
    return raw, signing.signed_headers(our_code=partner, key=key, timestamp=timestamp,
                                       idempotency_key=idempotency_key, body=raw)


def post(instance, raw: bytes, headers: dict) -> tuple[int, dict]:
    from integrations.partners import HttpPartnerClient
    status, answer = HttpPartnerClient().post(instance.endpoint, raw, headers)
    return status, json.loads(answer)


QUESTION = {"message": "xin_xac_nhan", "correlation": "000.31.21.H56-261123-0042",
            "payload": {"question": "Xác nhận nơi cư trú", "citizen_name": "Lò Văn Mười"}}


def test_the_same_request_twice_has_one_effect_and_the_same_answer(pair):
    a, b = pair
    raw, headers = _signed_request(QUESTION)
    first = post(b, raw, headers)
    second = post(b, raw, headers)
    assert first[0] == 200 and first == second
    assert b.count(PartnerInbox) == 1
    assert b.count(Dossier) == 1
    assert len(b.open_items()) == 1
    # The outbox side: a message sent again (a crash after the POST, before it was marked) is one effect too.
    receive_at_a(a)
    a.tick()
    with a.motcua.uow() as uow:
        row = uow.session.query(PartnerOutbox).one()
        row.delivered_at, row.next_attempt_at = None, clock.now()
        uow.commit()
    a.tick()
    assert b.count(PartnerInbox) == 2
    assert b.count(Dossier) == 2


@pytest.mark.parametrize("case, status, reason", [
    ("forged", 401, "bad_signature"),
    ("stale", 401, "stale_timestamp"),
    ("future", 401, "stale_timestamp"),
    ("unknown partner", 401, "unknown_partner"),
    ("replay", 409, "replay"),
])
def test_a_forged_stale_or_replayed_request_is_refused_logged_and_changes_nothing(pair, case, status, reason):
    a, b = pair
    now = int(clock.now().timestamp())
    if case == "replay":
        raw, headers = _signed_request(QUESTION, idempotency_key="k-9")
        assert post(b, raw, headers)[0] == 200
        changed = dict(QUESTION, payload={"question": "Cấp giấy khác", "citizen_name": "Kẻ gian"})
        raw, headers = _signed_request(changed, idempotency_key="k-9")
    elif case == "forged":
        raw, headers = _signed_request(QUESTION, key=OTHER_KEY)
    elif case == "stale":
        raw, headers = _signed_request(QUESTION, timestamp=str(now - 6 * 60))
    elif case == "future":
        raw, headers = _signed_request(QUESTION, timestamp=str(now + 6 * 60))
    else:
        raw, headers = _signed_request(QUESTION, partner="Z")
    before = (b.count(PartnerInbox), b.count(Dossier))
    got_status, answer = post(b, raw, headers)
    assert (got_status, answer) == (status, {"accepted": False, "error": reason})
    assert (b.count(PartnerInbox), b.count(Dossier)) == before
    assert b.read(lambda s: [(r.reason, r.remote_addr) for r in s.query(PartnerReject)]) == [(reason, "127.0.0.1")]


def test_a_request_signed_with_the_previous_key_is_accepted_during_a_rotation(pair):
    a, b = pair
    save_partner(b.motcua.uow(), actor_id=b.users["admin"], code="A", name="UBND xã Tân Phong",
                 endpoint=a.endpoint, our_code="B", key=OTHER_KEY, agency_id=b.agency)
    raw, headers = _signed_request(QUESTION)  # A still signs with the old key
    assert post(b, raw, headers)[0] == 200
    # Once rotated twice, the oldest key is gone.
    save_partner(b.motcua.uow(), actor_id=b.users["admin"], code="A", name="UBND xã Tân Phong",
                 endpoint=a.endpoint, our_code="B", key=OTHER_KEY[::-1], agency_id=b.agency)
    raw, headers = _signed_request(QUESTION, idempotency_key="k-2")
    assert post(b, raw, headers)[0] == 401


def test_only_an_administrator_manages_partners(pair):
    a, _ = pair
    with pytest.raises(NotFound):
        save_partner(a.motcua.uow(), actor_id=a.users["giamsat"], code="C", name="Đối tác C",
                     endpoint="http://127.0.0.1:9/api/partner/messages", our_code="A", key=KEY)


def test_after_the_last_attempt_a_message_is_a_dead_letter_that_a_supervisor_sends_again(pair, frozen_clock):
    a, b = pair
    b.stop()
    dossier = receive_at_a(a)
    for attempt in range(1, partner_delivery.MAX_ATTEMPTS + 1):
        a.tick()
        assert outbox(a)[0][2] == attempt
        frozen_clock.advance(timedelta(hours=1, seconds=1))
    assert outbox(a)[0][3:] == (False, True)
    a.tick()  # a dead letter is not tried again by itself
    assert outbox(a)[0][2] == partner_delivery.MAX_ATTEMPTS
    letters = a.read(lambda s: dead_letters(s))
    assert [(d.dossier_code, d.partner_code, d.message, d.attempts) for d in letters] == [
        (dossier.code, "B", "xin_xac_nhan", partner_delivery.MAX_ATTEMPTS)]
    assert "Error" in letters[0].last_error

    with pytest.raises(NotFound):  # an officer without the supervisor role may not
        retry_dead_letter(a.motcua.uow(), actor_id=a.users["chuyenvien"], outbox_id=letters[0].id)
    b.start()
    retry_dead_letter(a.motcua.uow(), actor_id=a.users["giamsat"], outbox_id=letters[0].id)
    a.tick()
    assert outbox(a)[0][2:] == (1, True, False)
    assert a.read(lambda s: dead_letters(s)) == []
    assert [step for _, step, _ in b.open_items()] == ["confirm"]


def test_a_partner_cannot_push_a_message_into_a_dossier_its_diagram_does_not_expect_from_it(pair):
    """C is a configured, correctly signing partner, but A's diagram expects the answer from B:
    knowing A's dossier code is not enough to continue that dossier."""
    a, b = pair
    save_partner(a.motcua.uow(), actor_id=a.users["admin"], code="C", name="Cơ quan C",
                 endpoint="http://127.0.0.1:9/api/partner/messages", our_code="A", key=OTHER_KEY)
    dossier = receive_at_a(a)
    a.do_step("chuyenvien", "prepare", {})  # A now waits for the answer
    answer = {"message": "tra_loi_xac_nhan", "correlation": dossier.code,
              "payload": {"confirmed": True, "note": "Giả mạo"}}
    raw, headers = _signed_request(answer, key=OTHER_KEY, partner="C", idempotency_key="c-1")
    assert post(a, raw, headers)[0] == 200  # recorded: the request itself is genuine
    a.tick()
    assert [step for _, step, _ in a.open_items()] == []
    assert a.read(lambda s: [(r.delivered_at, r.next_attempt_at, r.dossier_id, r.last_error)
                             for r in s.query(PartnerInbox)]) == [
        (None, None, None, "this partner does not send this message to this dossier")]
    # Nothing happened to the dossier: its last history entry is still the officer's step.
    assert a.read(lambda s: [e.action for e in s.query(AuditEvent).filter_by(dossier_id=dossier.id)])[-1] == "completed"


@pytest.mark.parametrize("which, kind, procedure", [("thue", "tax_office", "thue_nghia_vu_tai_chinh"),
                                                    ("bhxh", "social_insurance", "bhxh_cap_the_bhyt")])
def test_the_partner_demo_loads_a_partner_agencys_own_system_and_is_safe_to_run_twice(tmp_path, monkeypatch,
                                                                                    which, kind, procedure):
    from click.testing import CliRunner
    from sqlalchemy import create_engine, text
    from engine.demo import DEMO_PARTNER_KEY, PARTNER_DEMOS
    from webapp.cli import main
    url = f"sqlite:///{tmp_path / which}.sqlite"
    monkeypatch.setenv("DATABASE_URL", url)
    for _ in range(2):
        result = CliRunner().invoke(main, ["demo", "--as", which])
        assert result.exit_code == 0, result.output
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT kind FROM agencies")).scalars().all() == [kind]
        assert conn.execute(text("SELECT key FROM procedures")).scalars().all() == [procedure]
        # It knows the main demo's agency that sends it dossiers, at the main demo's address.
        assert conn.execute(text("SELECT code, our_code, endpoint, key FROM partners")).all() == [
            (PARTNER_DEMOS[which].asked_by, PARTNER_DEMOS[which].code,
             "http://127.0.0.1:5000/api/partner/messages", DEMO_PARTNER_KEY)]
    engine.dispose()


def test_partner_routes_of_a_version_deployed_before_they_were_in_its_manifest_are_read_from_its_bpmn():
    from engine.config import PROJECT_ROOT
    from engine.procedures.partner_routes import partner_routes
    path = PROJECT_ROOT / "workflows" / "bpmn" / "dang_ky_bien_dong_dat.bpmn"
    manifest = check_file(path, PROJECT_ROOT / "workflows" / "forms").manifest
    stored = partner_routes(manifest, lambda: pytest.fail("the manifest has the routes"))
    older = {k: v for k, v in manifest.items() if k != "partner_routes"}
    assert partner_routes(older, path.read_text) == stored
    out, back = stored["thong_tin_nghia_vu_tai_chinh"], stored["thong_bao_nghia_vu_tai_chinh"]
    assert (out.outgoing, out.pool, out.code, out.allotment, out.reply) == (
        True, "Cơ quan thuế", "THUE", "3 working days", "thong_bao_nghia_vu_tai_chinh")
    assert (back.outgoing, back.lane, back.what) == (False, "specialist", "Thông báo nộp nghĩa vụ tài chính")
