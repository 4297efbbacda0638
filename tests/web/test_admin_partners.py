"""Partner administration: adding, editing and rotating a partner's key (the old key still opens
the door until the next rotation), deactivating; dead letters sent again from the administrator's
page and the supervisor's; refused requests listed. Administrators only: others get a 404."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import clock
from engine.models import Dossier, Partner, PartnerOutbox
from engine.partners import inbox, signing
from tests.page_text import table_rows
from webapp.admin import REJECT_REASONS

OLD_KEY = "k" * 31 + "OLD1"
NEW_KEY = "n" * 31 + "NEW2"
ENDPOINT = "https://tinh-b.example.vn/api/partner/messages"


@pytest.fixture
def admin(browser):
    return browser("admin")


def partner(demo, code="B") -> Partner | None:
    with demo.motcua.read_session() as s:
        return s.execute(select(Partner).where(Partner.code == code)).scalar_one_or_none()


def add(admin, demo, **changes):
    form = {"code": "B", "name": "Sở Tư pháp tỉnh B", "endpoint": ENDPOINT, "our_code": "A", "key": OLD_KEY,
            "agency_id": str(demo.commune), **changes}
    return admin.post("/admin/partners", form)


def send_signed(app, *, key: str, idempotency_key: str):
    """A request from partner B to our endpoint, signed with ``key``."""
    raw = json.dumps({"correlation": "B-0001", "message": "tra_loi", "payload": {}}).encode()
    headers = signing.signed_headers(our_code="B", key=key, timestamp=str(int(clock.now().timestamp())),
                                     idempotency_key=idempotency_key, body=raw)
    return app.test_client().post("/api/partner/messages", data=raw, headers=headers)


def test_an_administrator_adds_a_partner_and_sees_only_the_end_of_its_key(admin, demo):
    response = add(admin, demo)
    assert response.status_code == 302
    page = admin.text("/admin/partners")
    assert "Đã thêm đối tác B." in page
    assert "Sở Tư pháp tỉnh B" in page and ENDPOINT in page and "UBND xã Tân Phong" in page
    assert "…OLD1" in page and OLD_KEY not in page and OLD_KEY[:20] not in page
    saved = partner(demo)
    assert (saved.key, saved.previous_key, saved.our_code, saved.agency_id, saved.active) == (
        OLD_KEY, None, "A", demo.commune, True)


@pytest.mark.parametrize("field, value, message", [
    ("endpoint", "ftp://tinh-b.example.vn/x", "Địa chỉ phải bắt đầu bằng http:// hoặc https://."),
    ("endpoint", "tinh-b.example.vn/api", "Địa chỉ phải bắt đầu bằng http:// hoặc https://."),
    ("key", "ngắn", "Khóa bí mật cần ít nhất 32 ký tự."),
])
def test_a_bad_address_or_short_key_is_refused_next_to_its_field(admin, demo, field, value, message):
    response = add(admin, demo, **{field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Sở Tư pháp tỉnh B" in page  # the form keeps what was typed
    assert value not in page or field != "key"  # a typed key is never sent back
    assert partner(demo) is None


def test_adding_a_partner_with_a_code_already_taken_is_refused_and_leaves_that_partner_as_it_was(admin, demo):
    """The add form with an existing code ('B', or 'b') replaced that partner's name, address and
    key (and switched a stopped partner back on), saying 'Đã thêm đối tác B.'."""
    add(admin, demo)
    before = partner(demo)
    admin.post(f"/admin/partners/{before.id}/active", {"active": "0"})
    for code in ("B", "b", " B "):
        response = add(admin, demo, code=code, name="Đối tác khác", endpoint="https://khac.example.vn/api", key=NEW_KEY)
        assert response.status_code == 422, code
        page = response.get_data(as_text=True)
        assert "Đã có đối tác mang mã này; sửa đối tác đó ở phần bên dưới." in page
        assert 'value="Đối tác khác"' in page  # what was typed stays
    after = partner(demo)
    assert (after.name, after.endpoint, after.key, after.previous_key, after.active) == (
        before.name, before.endpoint, OLD_KEY, None, False)
    assert partner(demo, "b") is None
    admin.post("/language", {"locale": "en"})
    response = add(admin, demo, key=NEW_KEY)
    assert "There is already a partner with this code" in response.get_data(as_text=True)


def test_over_long_partner_fields_are_refused_beside_them(admin, demo):
    response = add(admin, demo, name="N" * 10_000, endpoint="https://tinh-b.example.vn/" + "e" * 10_000,
                   our_code="O" * 10_000, key="k" * 10_000)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("Tối đa") == 4 and partner(demo) is None


def test_editing_keeps_the_key_and_a_new_key_rotates_the_old_one_which_still_verifies(admin, demo, app):
    add(admin, demo)
    b = partner(demo)
    # An edit with the key left blank changes the rest and keeps the key.
    response = admin.post(f"/admin/partners/{b.id}", {"name": "Sở Tư pháp tỉnh B (mới)",
                                                     "endpoint": "http://10.0.0.7/api/partner/messages",
                                                     "our_code": "A", "agency_id": "", "key": ""})
    assert response.status_code == 302
    b = partner(demo)
    assert (b.name, b.endpoint, b.agency_id, b.key, b.previous_key) == (
        "Sở Tư pháp tỉnh B (mới)", "http://10.0.0.7/api/partner/messages", None, OLD_KEY, None)

    admin.post(f"/admin/partners/{b.id}", {"name": b.name, "endpoint": b.endpoint, "our_code": "A", "key": NEW_KEY})
    b = partner(demo)
    assert (b.key, b.previous_key) == (NEW_KEY, OLD_KEY)
    page = admin.text("/admin/partners")
    assert "…NEW2" in page and "khóa trước: …OLD1" in page
    assert NEW_KEY not in page and OLD_KEY not in page

    # During the rotation both keys open the door; any other key does not.
    assert send_signed(app, key=OLD_KEY, idempotency_key="k-old").status_code == 200
    assert send_signed(app, key=NEW_KEY, idempotency_key="k-new").status_code == 200
    assert send_signed(app, key="x" * 40, idempotency_key="k-forged").status_code == 401


def test_a_deactivated_partner_is_refused_until_it_is_activated_again(admin, demo, app):
    add(admin, demo)
    b = partner(demo)
    admin.post(f"/admin/partners/{b.id}/active", {"active": "0"})
    assert partner(demo).active is False
    assert "Đã ngừng" in admin.text("/admin/partners")
    assert send_signed(app, key=OLD_KEY, idempotency_key="k-1").status_code == 401
    admin.post(f"/admin/partners/{b.id}/active", {"active": "1"})
    assert partner(demo).active is True
    assert send_signed(app, key=OLD_KEY, idempotency_key="k-2").status_code == 200


@pytest.mark.parametrize("url", ["/admin/partners", "/admin/partners/messages"])
def test_the_partner_pages_do_not_exist_for_other_officers(browser, demo, url):
    assert browser("giamsat").get(url).status_code == 404
    assert browser("giamsat").post("/admin/partners", {"code": "X"}).status_code == 404


def dead_letter(demo, admin, receive_dossier) -> tuple[int, str]:
    """A message to partner B that gave up after its last attempt."""
    add(admin, demo)
    code, _ = receive_dossier()
    with demo.motcua.uow() as uow:
        dossier_id = uow.session.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
        row = PartnerOutbox(idempotency_key="out-1", partner_id=partner(demo).id, dossier_id=dossier_id,
                            message="xin_xac_nhan", correlation=code, payload={}, created_at=clock.now(),
                            next_attempt_at=None, attempts=8, dead_at=clock.now() + timedelta(hours=3),
                            last_error="HTTP 503")
        uow.session.add(row)
        uow.commit()
        return row.id, code


def outbox_state(demo, outbox_id):
    with demo.motcua.read_session() as s:
        row = s.get(PartnerOutbox, outbox_id)
        return row.dead_at is not None, row.attempts, row.next_attempt_at is not None


def test_a_dead_letter_is_shown_with_its_error_and_sent_again(admin, demo, receive_dossier):
    outbox_id, code = dead_letter(demo, admin, receive_dossier)
    page = admin.text("/admin/partners/messages")
    # Why, in a sentence; the raw error folded as technical detail; the message's key never shown.
    assert code in page and "Máy nhận đang gặp sự cố (mã 503)." in page and "HTTP 503" in page
    assert "Tin nhắn liên thông" in page and "xin_xac_nhan" not in page
    assert "Gửi lại" in page and "Không có thư nào đang chờ gửi." in page
    assert outbox_state(demo, outbox_id) == (True, 8, False)

    response = admin.post(f"/admin/partners/messages/{outbox_id}/retry")
    assert response.status_code == 302
    assert outbox_state(demo, outbox_id) == (False, 0, True)
    page = admin.text("/admin/partners/messages")
    assert "Thư sẽ được gửi lại cho đối tác trong vài phút tới." in page
    assert "Không có thư nào gửi thất bại." in page
    assert code in page  # now among the messages waiting to be sent
    # The dossier code links to the dossier's page.
    with demo.motcua.read_session() as s:
        dossier_id = s.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
    assert f'/dossiers/{dossier_id}"' in page


def test_a_supervisor_of_the_agency_sees_and_retries_its_dead_letters(browser, admin, demo, receive_dossier):
    outbox_id, code = dead_letter(demo, admin, receive_dossier)
    supervisor = browser("giamsat")
    page = supervisor.text("/supervise")
    assert "Thư gửi thất bại" in page and code in page and "HTTP 503" in page
    assert "Sở Tư pháp tỉnh B" in page  # the partner by its name, not by the systems' code
    # An officer of another agency sees none of it and cannot send it again.
    police = browser("congan")
    assert code not in police.text("/supervise")
    police.post(f"/supervise/partner-messages/{outbox_id}/retry")
    assert outbox_state(demo, outbox_id) == (True, 8, False)

    assert supervisor.post(f"/supervise/partner-messages/{outbox_id}/retry").status_code == 302
    assert outbox_state(demo, outbox_id) == (False, 0, True)
    assert code not in supervisor.text("/supervise")


def test_refused_requests_are_listed_with_partner_and_reason(admin, demo, app):
    add(admin, demo)
    send_signed(app, key="x" * 40, idempotency_key="k-forged")
    raw = b"{}"
    app.test_client().post("/api/partner/messages", data=raw, headers=signing.signed_headers(
        our_code="Z", key=OLD_KEY, timestamp=str(int(clock.now().timestamp())), idempotency_key="k-z", body=raw))
    page = admin.text("/admin/partners/messages")
    assert "Yêu cầu bị từ chối gần đây" in page
    assert "Chữ ký không đúng" in page and "(bad_signature)" in page
    assert "Đối tác không có hoặc đã ngừng" in page and "(unknown_partner)" in page
    codes = [row[1] for row in table_rows(page, "rejects-title")]
    assert "Z" in codes and "B" in codes


def test_every_reason_to_refuse_a_partner_has_words_for_the_administrator():
    assert set(inbox.REFUSALS) <= set(REJECT_REASONS)
