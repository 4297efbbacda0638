"""One label per concept: the words every page, printed form and export uses for the things a
dossier is made of (its code, applicant, procedure, dates, agency, documents…).

Before this list each template wrote its own, and they drifted: the date of reception was "Ngày
tiếp nhận" on the dossier and "Tiếp nhận" in the inbox, the result's due date "Hẹn trả" on the
citizen's page; the ID number was "Số giấy tờ tùy thân" on the task page. Templates read ``labels.<concept>`` (a Jinja
global), Python code ``LABELS["<concept>"]``; tests/web/test_one_label_per_concept.py renders the
pages with demo data in both languages and fails when a value is labelled with words that are not
its concept's.

The texts of the state's printed forms (form 01 "Tiếp nhận hồ sơ của", form 06's column headings)
are the law's and stay as the form prescribes; the fields those forms share with the pages (the
code, the procedure, the channel) use these labels.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l, lazy_pgettext

LABELS = {
    # The dossier and its applicant.
    "dossier_code": _l("Mã hồ sơ"),
    "applicant": _l("Người nộp"),
    "id_number": _l("Số định danh cá nhân / CCCD"),
    "address": _l("Địa chỉ"),
    "phone": _l("Số điện thoại"),
    "email": _l("Thư điện tử"),
    "procedure": _l("Thủ tục"),
    "status": _l("Trạng thái"),
    "channel": _l("Kênh nộp hồ sơ"),
    "receiving_agency": _l("Cơ quan tiếp nhận"),
    "received_at": _l("Ngày tiếp nhận"),
    "due_at": _l("Hẹn trả kết quả"),
    "original_due_at": _l("Hạn ban đầu"),
    "finished_at": _l("Kết thúc xử lý"),
    "submitted_at": _l("Nộp lúc"),
    "documents": _l("Thành phần hồ sơ"),
    "document_name": _l("Tên giấy tờ"),
    "document_kind": _l("Hình thức"),
    "document_count": _l("Số lượng"),
    "row_number": _l("STT"),
    # Where the dossier is and who works on it.
    "agency": _l("Cơ quan"),
    "unit": _l("Bộ phận"),
    "step": _l("Bước"),
    "step_due": _l("Hạn của bước"),
    "assignee": _l("Người xử lý"),
    "step_started": _l("Bắt đầu"),
    "step_finished": lazy_pgettext("column", "Hoàn thành"),  # a time, not the button "Complete"
    "handed_over_at": _l("Thời gian giao nhận"),
    "at": _l("Thời gian"),
    # Money.
    "amount": _l("Số tiền"),
}


def label(concept: str) -> str:
    """The concept's label in the request's language (for Python code: exports, charts)."""
    return str(LABELS[concept])


def init_app(app) -> None:
    app.jinja_env.globals["labels"] = LABELS
