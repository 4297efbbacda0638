"""What the second audit found on the citizen's side and the verification page (D7, D13–D16,
D19's display): the sign-in refuses an address the mailer would never send to; the citizen's
English dossier page names documents, the result and the fee in English and the Vietnamese one
writes the fee with its diacritics; a tampered file of ours is not said to be signed by a stranger;
a direction override in a citizen's words does not turn the page's own text round."""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import lxml.html

from sqlalchemy import func, select

from engine import clock
from engine.commands.reception import give_guidance
from engine.models import CitizenSignInCode, Dossier, OnlineApplication, OutgoingMail, ServiceRating
from engine.results import signing
from tests.test_electronic_result import issue, pki, result_ready, signing_settings, web  # noqa: F401
from tests.web.conftest import Browser, page_text
from tests.web.test_citizen_online_submission import citizen, submit_complete  # noqa: F401
from tests.web.test_citizen_rating import returned_online_dossier
from tests.web.test_fee_payment import app, gateway, ipn, open_gateway_page, waiting  # noqa: F401

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows it is drawn backwards



def only_dossier_id(demo) -> int:
    with demo.motcua.read_session() as s:
        return s.scalar(select(Dossier.id))


# --- D7: sign in only with an address the mailer sends to ------------------------------------------

def test_an_address_the_mailer_would_refuse_gets_no_code_and_is_refused_in_words(browser, demo):
    b = browser()
    address = f"an{RLO}nguyen@example.vn"  # the override hides in an address the old pattern passed
    response = b.post("/dang-nhap", {"email": address})
    assert response.status_code == 400 and "Địa chỉ thư điện tử không hợp lệ." in page_text(response)
    assert response.headers.get("Location") is None  # not sent on to "enter the code"
    b.english()
    response = b.post("/dang-nhap", {"email": address})
    assert response.status_code == 400 and "That is not a valid e-mail address." in page_text(response)
    with demo.motcua.read_session() as s:  # no code promised, no mail queued (nor given up)
        assert s.scalar(select(func.count()).select_from(CitizenSignInCode)) == 0
        assert s.scalar(select(func.count()).select_from(OutgoingMail)) == 0
    assert b.post("/dang-nhap", {"email": "an.nguyen@example.vn"}).headers["Location"] == "/dang-nhap/ma"


# --- D13: the supplement's items by the documents' English names -----------------------------------

def test_the_supplement_items_are_named_in_english_on_the_english_page(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier_id = only_dossier_id(demo)
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id,
                  missing=["Tờ khai đăng ký kết hôn"], note="")
    url = f"/cong-dan/ho-so/{dossier_id}"
    assert '<label for="sup-0">Tờ khai đăng ký kết hôn</label>' in b.text(url)
    b.english()
    page = b.text(url)
    assert '<label for="sup-0">Marriage registration declaration</label>' in page
    assert "Tờ khai đăng ký kết hôn" not in page
    # The scan sent for it still shows under it.
    form = {"action": "upload", "csrf_token": b.token(), "sup-0": (io.BytesIO(b"%PDF-1.4 to khai"), "to-khai.pdf")}
    assert b.client.post(f"{url}/bo-sung", data=form, content_type="multipart/form-data").status_code == 302
    assert "<bdi>to-khai.pdf</bdi>" in b.text(url)


# --- D14 and D19: the result in English; the citizen's comment isolated ------------------------------

def test_the_result_is_named_in_the_pages_language_and_the_comment_cannot_turn_the_page_round(
        citizen, demo, frozen_clock, signing_settings):
    b = citizen()
    dossier_id = returned_online_dossier(b, demo, frozen_clock)
    with ThreadPoolExecutor(1) as pool:  # pyHanko's own event loop, apart from any a test left running
        document = pool.submit(issue, demo, signing_settings, dossier_id).result()
    with demo.motcua.uow() as uow:  # stored before the rating form refused such characters
        dossier = uow.session.get(Dossier, dossier_id)
        uow.session.add(ServiceRating(dossier_id=dossier_id, agency_id=dossier.agency_id,
                                      citizen_id=_citizen_of(uow.session, dossier_id),
                                      score=5, comment=f"Rất tốt {RLO}abc", created_at=clock.now()))
        uow.commit()
    url = f"/cong-dan/ho-so/{dossier_id}"
    page = b.text(url)
    assert "<p>Đăng ký kết hôn · ký số bởi" in page
    assert f"Bạn đã đánh giá: 5/5. «<bdi>Rất tốt {RLO}abc</bdi>»" in page  # the override ends inside <bdi>
    b.english()
    page = b.text(url)
    assert "<p>Marriage registration · signed by" in page and "Đăng ký kết hôn" not in page
    visitor = Browser(b.client.application)
    visitor.english()
    page = visitor.text(f"/xac-minh/{document.token}")
    assert "<dt>Document</dt><dd>Marriage registration</dd>" in page
    assert document.title == "Đăng ký kết hôn"  # what was issued (and printed on the PDF) stays


def _citizen_of(session, dossier_id: int) -> int:
    return session.scalar(select(OnlineApplication.citizen_id).where(OnlineApplication.dossier_id == dossier_id))


# --- D15: the receipt's description with its diacritics, or in English ------------------------------

def paid_for(page: str) -> list[str]:
    """The receipts' descriptions as read (the dossier's code inside one is marked up to stay whole)."""
    return [" ".join(dd.text_content().split())
            for dd in lxml.html.fromstring(page).xpath('//section[contains(@class, "receipt")]//dd')]


def test_the_receipt_says_what_was_paid_for_in_the_pages_language(waiting, demo, gateway):
    b, dossier_id = waiting
    txn_ref = open_gateway_page(b, dossier_id, gateway)
    assert ipn(b, gateway.notice(txn_ref, paid=True))["RspCode"] == "00"
    with demo.motcua.read_session() as s:
        code = s.get(Dossier, dossier_id).code
    url = f"/cong-dan/ho-so/{dossier_id}"
    page = b.text(url)
    assert f"Nộp phí hồ sơ {code}" in paid_for(page) and "Nop phi" not in page
    b.english()
    assert f"Fee for dossier {code}" in paid_for(b.text(url))  # needs the catalogue's English entry
    assert gateway.orders[txn_ref]["vnp_OrderInfo"] == f"Nop phi ho so {code}"  # the gateway's ASCII stays


# --- D16: a tampered file of ours is broken, not signed by a stranger ---------------------------------

def test_a_tampered_file_is_not_said_to_have_an_untrusted_signer(demo, web, pki, signing_settings):
    ours, forger = pki
    dossier_id = result_ready(demo)
    with ThreadPoolExecutor(1) as pool:
        document = pool.submit(issue, demo, signing_settings, dossier_id).result()
    tampered = bytearray(document.pdf)
    tampered[document.pdf.index(b"stream", 200) + 20] ^= 0xFF
    tampered = bytes(tampered)
    with ThreadPoolExecutor(1) as pool:
        ours_checked = pool.submit(signing.check, tampered, [ours.ca_pem]).result()
        strangers = pool.submit(signing.check, tampered, [forger.ca_pem]).result()
    assert (ours_checked.intact, ours_checked.trusted, ours_checked.genuine) == (False, True, False)
    assert strangers.trusted is False  # checked against roots that are not the signer's: untrusted

    visitor = Browser(web)

    def verdict():
        response = visitor.post(f"/xac-minh/{document.token}", {"document": (io.BytesIO(tampered), "ket-qua.pdf")},
                                content_type="multipart/form-data")
        assert response.status_code == 200
        return page_text(response)

    text = verdict()
    assert "Chữ ký số không còn nguyên vẹn: nội dung đã bị thay đổi sau khi ký." in text
    assert "Chứng thư số của người ký không thuộc cơ quan được tin cậy." not in text
    visitor.english()
    text = verdict()
    assert "The digital signature is broken" in text and "trusted agency" not in text
