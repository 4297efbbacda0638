"""The engine's field messages, in the web layer's catalogue so an English page shows them in
English. The engine writes Vietnamese (engine/errors.py); ``translated`` looks each message up
by its Vietnamese text, so a message not listed here stays Vietnamese rather than disappear.
The list exists for ``pybabel extract``; keep it in step with engine/contact.py and
engine/procedures/forms.py."""
from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

ENGINE_FIELD_MESSAGES = (
    _l("Trường này là bắt buộc."),
    _l("Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy, ví dụ 02/09/2026."),
    _l("Tối đa 40 ký tự."),
    _l("Tối đa 255 ký tự."),
    _l("Tối đa 500 ký tự."),
    _l("Không được chứa ký tự điều khiển (xuống dòng, tab…)."),
    _l("Số giấy tờ không hợp lệ: số định danh cá nhân (CCCD) gồm 12 chữ số, CMND gồm 9 hoặc 12 chữ số, "
       "hộ chiếu gồm một chữ cái và 7 chữ số."),
    _l("Số định danh cá nhân không hợp lệ: 3 chữ số đầu phải là mã tỉnh, thành phố."),
    _l("Số điện thoại không hợp lệ: số di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09; "
       "số cố định gồm 11 chữ số bắt đầu bằng 02."),
    _l("Địa chỉ email không hợp lệ: chỉ ghi một địa chỉ, dạng ten@ten-mien.vn."),
)


def translated(field_errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The engine's field errors in the page's language."""
    return {field: [gettext(message) for message in messages] for field, messages in field_errors.items()}
