"""The engine's field messages, in the web layer's catalogue so an English page shows them in
English. The engine writes Vietnamese (engine/errors.py); ``translated`` looks each message up
by its Vietnamese text, so a message not listed here stays Vietnamese rather than disappear.
A message that carries a value (a limit, a field's title, a list of documents) is recognised by
its shape (``WITH_VALUES``) and the value is put back into its translation as it is.
The lists exist for ``pybabel extract``; keep them in step with the engine's messages
(engine/contact.py, engine/documents.py, engine/procedures/forms.py and the FormInvalid field
messages of engine/commands/; tests/web/test_i18n.py lists them)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from webapp.i18n import current_language, document_label, format_number, role_label

ENGINE_FIELD_MESSAGES = (
    _l("Trường này là bắt buộc."),
    _l("Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy, ví dụ 02/09/2026."),
    _l("Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."),
    _l("Chỉ được ghi trên một dòng: không xuống dòng, không dùng tab."),
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
    _l("Bạn đã gửi bổ sung này; Bộ phận một cửa đang kiểm tra. Muốn gửi thêm, hãy tải lên tệp mới."),
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
    _l("Giờ làm việc trong ngày phải cộng lại đúng 8 giờ. Ví dụ: 07:00-11:30,13:30-17:00."),
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


def N_(template: str) -> str:
    """Marks a message template for ``pybabel extract`` (one of its default keywords) without
    translating it: ``in_page_language`` translates it once it has the values."""
    return template


def Nn_(singular: str, plural: str) -> str:
    """Marks a message that counts something (``%(n)s`` characters, digits, lines) as an ngettext
    entry for ``pybabel extract`` (``-k Nn_:1,2``) without translating it: ``in_page_language``
    picks its English form by the count (1 character, 2 characters). Vietnamese has one form, so
    ``plural`` is the same text."""
    return singular


# The messages that count: a form's bound can be 1 (``"minLength": 1``), and "1 characters" is wrong.
COUNTED = (
    Nn_("Tối đa %(n)s ký tự.", "Tối đa %(n)s ký tự."),
    Nn_("Cần ít nhất %(n)s ký tự.", "Cần ít nhất %(n)s ký tự."),
    Nn_("Cần đúng %(n)s chữ số.", "Cần đúng %(n)s chữ số."),
    Nn_("Tối đa %(n)s dòng.", "Tối đa %(n)s dòng."),
    Nn_("Tối đa %(n)s dòng, mỗi dòng tối đa 500 ký tự.", "Tối đa %(n)s dòng, mỗi dòng tối đa 500 ký tự."),
)

# The messages that carry values, each as the engine writes it: ``_PATTERNS`` recognises a message
# by its literal parts and takes the values from where the placeholders stand.
WITH_VALUES = COUNTED + (
    N_("Cần từ %(fewest)s đến %(most)s chữ số."),
    N_("Giá trị phải từ %(n)s trở lên."),
    N_("Giá trị không được vượt quá %(n)s."),
    N_("Năm phải từ %(first)d đến %(last)d."),
    N_("Số lượng phải từ 1 đến %(n)s."),
    N_("Ghi chú tối đa %(n)s ký tự."),
    N_("Không có phiên bản %(n)s."),
    N_("Mật khẩu cần ít nhất %(n)s ký tự."),
    N_("Mật khẩu dài quá %(n)s ký tự."),
    N_("Mỗi hồ sơ tối đa %(n)s tệp."),
    # A date against the day the dossier was received (x-compare "$received", engine/procedures/forms.py).
    N_("Phải trước ngày tiếp nhận hồ sơ (%(day)s)."),
    N_("Không được sau ngày tiếp nhận hồ sơ (%(day)s)."),
    N_("Phải sau ngày tiếp nhận hồ sơ (%(day)s)."),
    N_("Không được trước ngày tiếp nhận hồ sơ (%(day)s)."),
    N_("Phải là ngày tiếp nhận hồ sơ (%(day)s)."),
    N_("Không được là ngày tiếp nhận hồ sơ (%(day)s)."),
    N_("Phải trước «%(name)s»."),
    N_("Không được sau «%(name)s»."),
    N_("Phải sau «%(name)s»."),
    N_("Không được trước «%(name)s»."),
    N_("Phải bằng «%(name)s»."),
    N_("Phải khác «%(name)s»."),
    N_("Tệp «%(name)s» lớn hơn 10 MB."),
    N_("Tệp «%(name)s» không phải PDF, JPEG hoặc PNG."),
    N_("Sai định dạng %(name)s."),
    N_("Sơ đồ không đọc được: %(name)s"),
    N_("%(agency)s không tiếp nhận thủ tục «%(procedure)s»."),
    N_("Còn thiếu giấy tờ bắt buộc nên chưa thể tiếp nhận: %(documents)s. "
       "Hãy lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)."),
    N_("Chưa đủ nội dung đã yêu cầu bổ sung: %(items)s. Chỉ ghi nhận khi công dân bổ sung đầy đủ."),
    N_("Chưa tải lên: %(documents)s."),
    N_("Ngày hẹn mới phải sau hạn hiện tại (%(due)s) và sau thời điểm hiện tại."),
    N_("Ngày hẹn mới phải sau hạn hiện tại (%(due)s)."),
    N_("Ngày %(day)s đã có trong lịch là ngày nghỉ «%(name)s»."),
    N_("Ngày %(day)s đã có trong lịch là ngày làm việc «%(name)s»."),
    # A unit's role clash (engine/commands/units.py) names the role by its lane: shown by its label.
    N_("Vai trò «%(role)s» đã thuộc bộ phận «%(unit)s» của cơ quan; mỗi vai trò chỉ thuộc một bộ phận."),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _pattern(template: str) -> re.Pattern:
    """What ``template`` matches: its literal parts as they are, each ``%(name)s`` as the group
    ``name`` (any text), each ``%(name)d`` as the group ``name`` (a whole number)."""
    parts = _PLACEHOLDER.split(template)  # literal, name, conversion, literal, name, conversion, …, literal
    pattern = ""
    for i in range(0, len(parts), 3):
        pattern += re.escape(parts[i])
        if i + 2 < len(parts):
            name, conversion = parts[i + 1], parts[i + 2]
            pattern += f"(?P<{name}>-?[0-9]+)" if conversion == "d" else f"(?P<{name}>.*)"
    return re.compile(pattern, re.DOTALL)


# The template with the most literal text first: "Tối đa 5 dòng, mỗi dòng tối đa 500 ký tự." is
# also "Tối đa %(n)s ký tự." with n = "5 dòng, mỗi dòng tối đa 500".
_PATTERNS = tuple((_pattern(template), template)
                  for template in sorted(WITH_VALUES, key=lambda t: -len(_PLACEHOLDER.sub("", t))))


def _figure(n: str) -> str:
    """A form's bound as the page's language writes figures (1.000.000.000.000, 1,000,000,000,000):
    the engine writes it as JSON Schema holds it."""
    try:
        return format_number(Decimal(n))
    except (InvalidOperation, ValueError):
        return n


def _documents(names: str) -> str:
    """Required documents the engine listed ("; " between them), each by its name in the page's
    language."""
    return "; ".join(document_label(name) for name in names.split("; "))


# How a value the engine wrote is shown: a role by its label, documents by their names in the
# page's language, a form's bound as a figure, a ``%(name)d`` as a number.
_SHOWN = {"role": role_label, "documents": _documents}
_FIGURES = frozenset({N_("Giá trị phải từ %(n)s trở lên."), N_("Giá trị không được vượt quá %(n)s.")})


def _values(template: str, found: dict[str, str]) -> dict:
    numbers = {name for name, conversion in _PLACEHOLDER.findall(template) if conversion == "d"}
    return {name: int(value) if name in numbers else _figure(value) if template in _FIGURES
            else _SHOWN.get(name, str)(value) for name, value in found.items()}


def in_page_language(message: str) -> str:
    """One engine field message in the page's language."""
    text = gettext(message)
    if text != message:
        return text
    for pattern, template in _PATTERNS:
        if match := pattern.fullmatch(message):
            found = match.groupdict()
            if current_language() == "en":  # a unit's English name (engine/errors.FieldMessage)
                found.update(getattr(message, "english_values", {}))
            values = _values(template, found)
            if template in COUNTED:  # one form for 1, the other for any other count
                return ngettext(template, template, 1 if match["n"] == "1" else 2, **values)
            return gettext(template, **values)
    return message


def translated(field_errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The engine's field errors in the page's language."""
    return {field: [in_page_language(message) for message in messages] for field, messages in field_errors.items()}
