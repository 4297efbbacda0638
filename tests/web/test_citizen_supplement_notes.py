"""The online supplement as the citizen answers it: a line the counter typed beside the documents
it asks ("the copy is blurred, take it again") is an instruction to read, not a file to upload;
the refusal names what is missing without a doubled period; after sending, the page says what
"Tải lên" and "Gửi bổ sung" each do."""
from __future__ import annotations

import re
from datetime import timedelta

from engine.commands.reception import give_guidance
from tests.web.conftest import page_text
from tests.web.test_citizen_dossier_page import dossier_of, upload
from tests.web.test_citizen_online_submission import PDF, app, citizen, submit_complete  # noqa: F401

FORM_ = "Tờ khai đăng ký kết hôn"
ID_COPY = "Bản sao Căn cước của hai bên nam, nữ"
NOTE = "Bản sao giấy tờ pháp lý bị mờ, đề nghị chụp lại rõ nét."


def file_fields(page: str) -> list[str]:
    return re.findall(r'<input type="file" id="sup-\d+" name="(sup-\d+)"', page)


def refusals(text: str) -> list[str]:
    return re.findall(r'<p class="error" role="alert">(.*?)</p>', text)


def ask_with_a_note(demo, dossier, frozen_clock):
    """An hour after submission (a scan counts for the supplement when uploaded after the request),
    the counter keeps the form, asks again for the ID copies and says why in a typed line."""
    frozen_clock.current += timedelta(hours=1)
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id, checklist=[FORM_],
                  missing=[NOTE], note="")


def test_a_typed_note_is_shown_to_read_and_asks_no_file(citizen, demo, frozen_clock):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    ask_with_a_note(demo, dossier, frozen_clock)
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert "Bộ phận một cửa lưu ý:" in page and NOTE in page
    assert f">{ID_COPY}</label>" in page and f">{NOTE}</label>" not in page
    assert file_fields(page) == ["sup-0"]  # one upload field: the ID copies
    assert "“Tải lên” chỉ lưu tệp vào hồ sơ; “Gửi bổ sung” báo Bộ phận một cửa rằng bạn đã bổ sung xong." in page
    # Sending before uploading names the document only.
    response = upload(b, dossier.id, {}, action="send")
    assert response.status_code == 400 and refusals(page_text(response)) == [f"Chưa tải lên: {ID_COPY}."]
    # The ID copies alone complete the supplement.
    response = upload(b, dossier.id, {"sup-0": ("can-cuoc-ro.pdf", PDF + b"clear")}, action="send")
    assert response.status_code == 302, page_text(response)
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert "Bạn đã gửi bổ sung lúc" in page
    assert f"{ID_COPY}: <a" in page and f"{NOTE}: <a" not in page  # the documents list
    # Sending again is allowed with a new file: the page says how.
    assert "Quên tệp? Chọn tệp và bấm “Tải lên” để thêm vào hồ sơ, rồi bấm “Gửi bổ sung” để báo lại Bộ phận một cửa." \
        in page


def test_the_note_and_the_hints_read_english(citizen, demo, frozen_clock):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    ask_with_a_note(demo, dossier, frozen_clock)
    b.client.post("/language", data={"locale": "en", "csrf_token": b.token()})
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert "Notes from the one-stop counter:" in page and NOTE in page  # the officer's words as written
    assert "“Upload” only saves the files to the dossier; “Send the supplement” tells the one-stop counter " \
           "you have finished." in page
    response = upload(b, dossier.id, {}, action="send")
    assert response.status_code == 400 and "Not uploaded yet: " in page_text(response)
    assert upload(b, dossier.id, {"sup-0": ("can-cuoc-ro.pdf", PDF + b"clear")}, action="send").status_code == 302
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert "Forgot a file? Choose it and press “Upload” to add it to the dossier, then press “Send the supplement” " \
           "to tell the one-stop counter again." in page


def test_an_item_ending_its_sentence_gets_one_period(citizen, demo, frozen_clock):
    """With typed lines only, the lines are what is asked (nothing else names it): each takes a
    file, and the refusal does not end in "..\""""
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    frozen_clock.current += timedelta(hours=1)
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id, missing=[NOTE])
    page = b.text(f"/cong-dan/ho-so/{dossier.id}")
    assert file_fields(page) == ["sup-0"]
    response = upload(b, dossier.id, {}, action="send")
    assert response.status_code == 400 and refusals(page_text(response)) == [f"Chưa tải lên: {NOTE}"]
