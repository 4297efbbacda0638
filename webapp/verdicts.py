"""The words for engine/statistics' classes, shared by the dossier page, the control slip and the
statistics pages (one wording for one verdict)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from engine import statistics as st

VERDICTS = {
    st.EARLY: _l("Trước hạn"), st.ON_TIME: _l("Đúng hạn"), st.LATE: _l("Trễ hạn"),
    st.WITHIN_TIME: _l("Đang xử lý, trong hạn"), st.OVERDUE: _l("Đang xử lý, quá hạn"),
    st.WITHDRAWN: _l("Công dân rút hồ sơ"), st.STOPPED: _l("Dừng xử lý"), st.REFUSED: _l("Từ chối, không tiếp nhận"),
    st.SUPPLEMENT_PENDING: _l("Chờ bổ sung"), st.WAITING_OBLIGATION: _l("Chờ thực hiện nghĩa vụ tài chính"),
    st.NO_TIME_LIMIT: _l("Không quy định thời hạn"),
}


def verdict_label(klass: str | None) -> str:
    return str(VERDICTS.get(klass, "—"))
