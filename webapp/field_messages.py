"""The engine's field messages, in the web layer's catalogue so an English page shows them in
English. The engine writes Vietnamese (engine/errors.py); ``translated`` looks each message up
by its Vietnamese text, so a message not listed here stays Vietnamese rather than disappear.
A message that carries a value (a limit, a field's title, a list of documents) is recognised by
its shape (``_WITH_VALUES``) and the value is put back into its translation as it is.
The lists exist for ``pybabel extract``; keep them in step with the engine's messages
(engine/contact.py, engine/documents.py, engine/procedures/forms.py and the FormInvalid field
messages of engine/commands/; tests/web/test_i18n.py lists them)."""
from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from webapp.i18n import format_number

ENGINE_FIELD_MESSAGES = (
    _l("Trường này là bắt buộc."),
    _l("Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy, ví dụ 02/09/2026."),
    _l("Không được chứa ký tự điều khiển (xuống dòng, tab…)."),
    _l("Số giấy tờ không hợp lệ: số định danh cá nhân (CCCD) gồm 12 chữ số, CMND gồm 9 hoặc 12 chữ số, "
       "hộ chiếu gồm một chữ cái và 7 chữ số."),
    _l("Số định danh cá nhân không hợp lệ: 3 chữ số đầu phải là mã tỉnh, thành phố."),
    _l("Số điện thoại không hợp lệ: số di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09; "
       "số cố định gồm 11 chữ số bắt đầu bằng 02."),
    _l("Địa chỉ email không hợp lệ: chỉ ghi một địa chỉ, dạng ten@ten-mien.vn."),
    # A step's form (engine/procedures/forms.py).
    _l("Giá trị phải là chuỗi ký tự."),
    _l("Giá trị phải là số nguyên."),
    _l("Giá trị phải là số."),
    _l("Giá trị phải là có/không."),
    _l("Giá trị phải là đối tượng."),
    _l("Giá trị phải là danh sách."),
    _l("Giá trị không nằm trong danh sách cho phép."),
    _l("Giá trị không đúng định dạng."),
    _l("Trường này không có trong biểu mẫu."),
    _l("Tên trường này được hệ thống dành riêng."),
    _l("Dữ liệu phải là một đối tượng JSON."),
    _l("Phải trước ngày hôm nay."),
    _l("Không được sau ngày hôm nay."),
    _l("Phải sau ngày hôm nay."),
    _l("Không được trước ngày hôm nay."),
    _l("Phải là ngày hôm nay."),
    _l("Không được là ngày hôm nay."),
    # Reception, supplements, sending back, documents.
    _l("Cần ghi rõ lý do từ chối (nêu căn cứ pháp lý)."),
    _l("Mỗi dòng tối đa 500 ký tự."),
    _l("Thủ tục khác với thủ tục trên phiếu hướng dẫn."),
    _l("Giấy tờ được đánh dấu không có trong danh mục của thủ tục đã chọn. "
       "Hãy đánh dấu lại theo danh mục của thủ tục này."),
    _l("Cần ghi ít nhất một giấy tờ hoặc nội dung cần bổ sung."),
    _l("Cần ghi rõ lý do yêu cầu bổ sung."),
    _l("Giấy tờ được đánh dấu không có trong phiếu yêu cầu bổ sung."),
    _l("Cần ghi rõ lý do trả lại."),
    _l("Cần ghi tên giấy tờ."),
    _l("Hình thức giấy tờ không hợp lệ."),
    # Supervision and escalations.
    _l("Cần ghi rõ lý do."),
    _l("Người nhận phải là cán bộ cùng cơ quan và cùng vai trò."),
    _l("Cần ghi rõ lý do chậm trả kết quả."),
    _l("Vui lòng nhập ngày (dd/mm/yyyy) và giờ (hh:mm) hẹn trả kết quả mới."),
    _l("Ngày hẹn mới phải là ngày làm việc, trong giờ làm việc của cơ quan."),
    # Accounts, preferences.
    _l("Mật khẩu không được trùng tên đăng nhập."),
    _l("Tên đăng nhập gồm 2–80 chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới."),
    _l("Hãy nhập họ và tên (tối đa 255 ký tự)."),
    _l("Mật khẩu hiện tại không đúng."),
    _l("Tên đăng nhập này đã có người dùng."),
    _l("Không thể tự khóa tài khoản của chính mình."),
    _l("Ngôn ngữ không được hỗ trợ."),
    # Administration: calendar, partners, procedures (units: webapp/admin_units.py).
    _l("Cần ghi tên ngày nghỉ."),
    _l("Chỉ thứ Bảy hoặc Chủ nhật mới cần đánh dấu là ngày làm việc."),
    _l("Giờ làm việc không hợp lệ. Ví dụ: 07:00-11:30,13:30-17:00 (các khoảng theo thứ tự, không chồng lên nhau)."),
    _l("Múi giờ không hợp lệ. Ví dụ: Asia/Ho_Chi_Minh."),
    _l("Cần mã đối tác (tối đa 60 ký tự)."),
    _l("Đã có đối tác mang mã này; sửa đối tác đó ở phần bên dưới."),
    _l("Cần tên đối tác."),
    _l("Địa chỉ phải bắt đầu bằng http:// hoặc https://."),
    _l("Cần mã của hệ thống mình mà đối tác dùng."),
    _l("Khóa bí mật cần ít nhất 32 ký tự."),
    _l("Sơ đồ cần đúng một quy trình, hoặc một cộng tác (collaboration)."),
    _l("Mã (id) của quy trình dài quá 120 ký tự."),
    _l("Biểu mẫu phải là các lược đồ JSON, theo tên tệp .json."),
    _l("Cần ghi lý do ngừng tiếp nhận."),
    _l("Không có phiên bản này."),
    _l("Phiên bản đích phải khác phiên bản nguồn."),
    # Citizens' accounts and online dossiers.
    _l("Số định danh cá nhân gồm 12 chữ số (hoặc số CMND 9 chữ số)."),
    _l("Số điện thoại không hợp lệ (ví dụ 0912345678)."),
    _l("Hãy chọn một mức từ 1 đến 5."),
    _l("Tệp rỗng."),
    _l("Hãy chọn cơ quan tiếp nhận hồ sơ."),
    _l("Hãy bổ sung họ và tên trong thông tin cá nhân trước khi nộp."),
    _l("Cần ghi rõ lý do rút hồ sơ."),
    _l("Giấy tờ không có trong danh mục của thủ tục."),
    _l("Nội dung không có trong phiếu yêu cầu bổ sung."),
)

_NUMBER = r"(?P<n>-?[0-9]+(?:\.[0-9]+)?)"


def _figure(n: str) -> str:
    """A form's bound as the page's language writes figures (1.000.000.000.000, 1,000,000,000,000):
    the engine writes it as JSON Schema holds it."""
    return format_number(Decimal(n))

_NAME = r"«(?P<name>.*)»"
_WITH_VALUES = (
    (rf"Tối đa {_NUMBER} ký tự\.", lambda n: gettext("Tối đa %(n)s ký tự.", n=n)),
    (rf"Cần ít nhất {_NUMBER} ký tự\.", lambda n: gettext("Cần ít nhất %(n)s ký tự.", n=n)),
    (rf"Cần đúng {_NUMBER} chữ số\.", lambda n: gettext("Cần đúng %(n)s chữ số.", n=n)),
    (r"Cần từ (?P<fewest>[0-9]+) đến (?P<most>[0-9]+) chữ số\.",
     lambda fewest, most: gettext("Cần từ %(fewest)s đến %(most)s chữ số.", fewest=fewest, most=most)),
    (rf"Giá trị phải từ {_NUMBER} trở lên\.", lambda n: gettext("Giá trị phải từ %(n)s trở lên.", n=_figure(n))),
    (rf"Giá trị không được vượt quá {_NUMBER}\.",
     lambda n: gettext("Giá trị không được vượt quá %(n)s.", n=_figure(n))),
    (rf"Tối đa {_NUMBER} dòng\.", lambda n: gettext("Tối đa %(n)s dòng.", n=n)),
    (r"Năm phải từ (?P<first>[0-9]+) đến (?P<last>[0-9]+)\.",
     lambda first, last: gettext("Năm phải từ %(first)d đến %(last)d.", first=int(first), last=int(last))),
    (rf"Tối đa {_NUMBER} dòng, mỗi dòng tối đa 500 ký tự\.",
     lambda n: gettext("Tối đa %(n)s dòng, mỗi dòng tối đa 500 ký tự.", n=n)),
    (rf"Số lượng phải từ 1 đến {_NUMBER}\.", lambda n: gettext("Số lượng phải từ 1 đến %(n)s.", n=n)),
    (rf"Ghi chú tối đa {_NUMBER} ký tự\.", lambda n: gettext("Ghi chú tối đa %(n)s ký tự.", n=n)),
    (rf"Không có phiên bản {_NUMBER}\.", lambda n: gettext("Không có phiên bản %(n)s.", n=n)),
    (rf"Mật khẩu cần ít nhất {_NUMBER} ký tự\.", lambda n: gettext("Mật khẩu cần ít nhất %(n)s ký tự.", n=n)),
    (rf"Mật khẩu dài quá {_NUMBER} ký tự\.", lambda n: gettext("Mật khẩu dài quá %(n)s ký tự.", n=n)),
    (rf"Mỗi hồ sơ tối đa {_NUMBER} tệp\.", lambda n: gettext("Mỗi hồ sơ tối đa %(n)s tệp.", n=n)),
    (rf"Phải trước {_NAME}\.", lambda name: gettext("Phải trước «%(name)s».", name=name)),
    (rf"Không được sau {_NAME}\.", lambda name: gettext("Không được sau «%(name)s».", name=name)),
    (rf"Phải sau {_NAME}\.", lambda name: gettext("Phải sau «%(name)s».", name=name)),
    (rf"Không được trước {_NAME}\.", lambda name: gettext("Không được trước «%(name)s».", name=name)),
    (rf"Phải bằng {_NAME}\.", lambda name: gettext("Phải bằng «%(name)s».", name=name)),
    (rf"Phải khác {_NAME}\.", lambda name: gettext("Phải khác «%(name)s».", name=name)),
    (rf"Tệp {_NAME} lớn hơn 10 MB\.", lambda name: gettext("Tệp «%(name)s» lớn hơn 10 MB.", name=name)),
    (rf"Tệp {_NAME} không phải PDF, JPEG hoặc PNG\.",
     lambda name: gettext("Tệp «%(name)s» không phải PDF, JPEG hoặc PNG.", name=name)),
    (r"Sai định dạng (?P<name>.*)\.", lambda name: gettext("Sai định dạng %(name)s.", name=name)),
    (r"Sơ đồ không đọc được: (?P<name>.*)", lambda name: gettext("Sơ đồ không đọc được: %(name)s", name=name)),
    (r"(?P<agency>.*) không tiếp nhận thủ tục «(?P<procedure>.*)»\.",
     lambda agency, procedure: gettext("%(agency)s không tiếp nhận thủ tục «%(procedure)s».",
                                       agency=agency, procedure=procedure)),
    (r"Còn thiếu giấy tờ bắt buộc nên chưa thể tiếp nhận: (?P<items>.*)\. "
     r"Hãy lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ \(mẫu 02\)\.",
     lambda items: gettext("Còn thiếu giấy tờ bắt buộc nên chưa thể tiếp nhận: %(items)s. "
                           "Hãy lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02).", items=items)),
    (r"Chưa đủ nội dung đã yêu cầu bổ sung: (?P<items>.*)\. Chỉ ghi nhận khi công dân bổ sung đầy đủ\.",
     lambda items: gettext("Chưa đủ nội dung đã yêu cầu bổ sung: %(items)s. "
                           "Chỉ ghi nhận khi công dân bổ sung đầy đủ.", items=items)),
    (r"Chưa tải lên: (?P<items>.*)\.", lambda items: gettext("Chưa tải lên: %(items)s.", items=items)),
    (r"Ngày hẹn mới phải sau hạn hiện tại \((?P<due>[^)]*)\) và sau thời điểm hiện tại\.",
     lambda due: gettext("Ngày hẹn mới phải sau hạn hiện tại (%(due)s) và sau thời điểm hiện tại.", due=due)),
    (r"Ngày hẹn mới phải sau hạn hiện tại \((?P<due>[^)]*)\)\.",
     lambda due: gettext("Ngày hẹn mới phải sau hạn hiện tại (%(due)s).", due=due)),
)
_WITH_VALUES = tuple((re.compile(pattern, re.DOTALL), say) for pattern, say in _WITH_VALUES)


def in_page_language(message: str) -> str:
    """One engine field message in the page's language."""
    text = gettext(message)
    if text != message:
        return text
    for pattern, say in _WITH_VALUES:
        if match := pattern.fullmatch(message):
            return say(**match.groupdict())
    return message


def translated(field_errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The engine's field errors in the page's language."""
    return {field: [in_page_language(message) for message in messages] for field, messages in field_errors.items()}
