"""The words of the procedure editor that its script shows (static/procedure_editor.js), in the
page's language: the kinds of BPMN element the properties panel names, and the texts of bpmn-js
itself (palette, context pad, the menu that changes an element's kind, search, messages).

bpmn-js asks its ``translate`` service for every text it shows, with its English as the key
(``translate("Create task")``). The page renders ``BPMN_JS`` into a template (English key →
text through ``_()``); the script's translate service looks the key up there and falls back to
bpmn-js's English only for a text this list lacks. The keys are bpmn-js 18's own strings
(``grep -rn "translate(" node_modules/bpmn-js/lib node_modules/diagram-js/lib``, and the labels of
``bpmn-js/lib/features/popup-menu/PopupEntries.js``); the English catalogue gives each its English
back, so an English page reads as bpmn-js wrote it. tests/browser/test_editor_speaks_plainly.py
reads the palette, the context pad and the change menu in both languages.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from engine.statuses import DossierStatus
from webapp.i18n import ROLE_LABELS, current_language, role_label, status_label

# The panel's title names what is selected: BPMN's element type (without "bpmn:") → its name.
ELEMENT_KINDS = {
    "Process": _l("Quy trình"),
    "Collaboration": _l("Quy trình liên thông"),
    "Participant": _l("Bể (cơ quan tham gia)"),
    "Lane": _l("Làn (vai trò)"),
    "Task": _l("Bước công việc"),
    "UserTask": _l("Bước xử lý của người"),
    "ManualTask": _l("Bước làm thủ công"),
    "ServiceTask": _l("Bước tự động (gọi dịch vụ)"),
    "ScriptTask": _l("Bước chạy đoạn lệnh"),
    "SendTask": _l("Bước gửi tin nhắn"),
    "ReceiveTask": _l("Bước chờ nhận tin nhắn"),
    "BusinessRuleTask": _l("Bước áp dụng quy tắc nghiệp vụ"),
    "CallActivity": _l("Gọi quy trình khác"),
    "SubProcess": _l("Quy trình con"),
    "AdHocSubProcess": _l("Quy trình con tự do"),
    "Transaction": _l("Giao dịch"),
    "StartEvent": _l("Sự kiện bắt đầu"),
    "EndEvent": _l("Sự kiện kết thúc"),
    "IntermediateCatchEvent": _l("Sự kiện chờ giữa quy trình"),
    "IntermediateThrowEvent": _l("Sự kiện phát giữa quy trình"),
    "BoundaryEvent": _l("Sự kiện gắn trên bước"),
    "ExclusiveGateway": _l("Cổng rẽ nhánh (chọn một nhánh)"),
    "InclusiveGateway": _l("Cổng rẽ nhánh (chọn một hoặc nhiều nhánh)"),
    "ParallelGateway": _l("Cổng song song"),
    "ComplexGateway": _l("Cổng phức hợp"),
    "EventBasedGateway": _l("Cổng chờ sự kiện"),
    "SequenceFlow": _l("Luồng tuần tự"),
    "MessageFlow": _l("Luồng tin nhắn"),
    "Association": _l("Liên kết"),
    "DataInputAssociation": _l("Liên kết dữ liệu"),
    "DataOutputAssociation": _l("Liên kết dữ liệu"),
    "DataObjectReference": _l("Đối tượng dữ liệu"),
    "DataStoreReference": _l("Kho dữ liệu"),
    "TextAnnotation": _l("Chú thích"),
    "Group": _l("Nhóm"),
}
# What the panel calls an element of a kind not listed above.
ANY_ELEMENT = _l("Phần tử")

# The units of a time limit (timeLimit, allotment, warnBefore) as the panel shows a stored value:
# the file keeps the English ("1.5 working days", engine/calendar/working_time.py), a Vietnamese
# page shows "1,5 ngày làm việc", and the parser takes back either. "ngày theo lịch", not the
# dossier pages' bare "ngày": the parser refuses a bare "ngày" (working or calendar days?).
TIME_UNITS = {
    "working days": _l("ngày làm việc"),
    "working hours": _l("giờ làm việc"),
    "calendar days": _l("ngày theo lịch"),
}


def time_units() -> dict:
    """The units in the page's language, and its decimal mark (Vietnamese writes 1,5)."""
    return {"units": {english: str(text) for english, text in TIME_UNITS.items()},
            "decimal_mark": "," if current_language() == "vi" else "."}


def statuses() -> list[list[str]]:
    """The dossier statuses a step may set (dossierStatus), each as "4 · Đang xử lý": the code is
    what the file keeps and what the national portal counts, the name what the officers read on
    the dossier's page (engine/statuses.py)."""
    return [[str(int(s)), f"{int(s)} · {status_label(int(s))}"] for s in DossierStatus]


def roles(codes) -> list[list[str]]:
    """A lane's role choices, each code with its name as the other pages show it ("Chuyên viên");
    a code with no name (a role only an agency's memberships use) stays itself."""
    return [[code, role_label(code) if code in ROLE_LABELS else code] for code in codes]

BPMN_JS = {
    # The palette.
    "Activate hand tool": _l("Kéo để di chuyển bản vẽ"),
    "Activate lasso tool": _l("Khoanh vùng để chọn nhiều phần tử"),
    "Activate create/remove space tool": _l("Kéo để thêm hoặc bớt khoảng trống"),
    "Activate global connect tool": _l("Nối hai phần tử với nhau"),
    "Create start event": _l("Thêm sự kiện bắt đầu"),
    "Create intermediate/boundary event": _l("Thêm sự kiện giữa quy trình hoặc gắn trên bước"),
    "Create end event": _l("Thêm sự kiện kết thúc"),
    "Create gateway": _l("Thêm cổng rẽ nhánh"),
    "Create task": _l("Thêm bước công việc"),
    "Create data object reference": _l("Thêm đối tượng dữ liệu"),
    "Create data store reference": _l("Thêm kho dữ liệu"),
    "Create expanded sub-process": _l("Thêm quy trình con (mở rộng)"),
    "Create pool/participant": _l("Thêm bể (cơ quan tham gia)"),
    "Create group": _l("Thêm nhóm"),
    # The context pad of a selected element.
    "Append end event": _l("Nối tiếp sự kiện kết thúc"),
    "Append gateway": _l("Nối tiếp cổng rẽ nhánh"),
    "Append task": _l("Nối tiếp bước công việc"),
    "Append intermediate/boundary event": _l("Nối tiếp sự kiện giữa quy trình"),
    "Append receive task": _l("Nối tiếp bước chờ nhận tin nhắn"),
    "Append message intermediate catch event": _l("Nối tiếp sự kiện chờ tin nhắn"),
    "Append timer intermediate catch event": _l("Nối tiếp sự kiện chờ hẹn giờ"),
    "Append conditional intermediate catch event": _l("Nối tiếp sự kiện chờ điều kiện"),
    "Append signal intermediate catch event": _l("Nối tiếp sự kiện chờ tín hiệu"),
    "Append compensation activity": _l("Nối tiếp bước bù trừ"),
    "Connect to other element": _l("Nối tới phần tử khác"),
    "Connect using association": _l("Nối bằng liên kết"),
    "Connect using data input association": _l("Nối bằng liên kết dữ liệu đầu vào"),
    "Change element": _l("Đổi loại phần tử"),
    "Delete": _l("Xóa phần tử"),
    "Add text annotation": _l("Thêm chú thích"),
    "Add lane above": _l("Thêm làn phía trên"),
    "Add lane below": _l("Thêm làn phía dưới"),
    "Divide into two lanes": _l("Chia thành hai làn"),
    "Divide into three lanes": _l("Chia thành ba làn"),
    "Align elements": _l("Căn thẳng các phần tử"),
    "Align elements left": _l("Căn theo mép trái"),
    "Align elements center": _l("Căn giữa theo chiều ngang"),
    "Align elements right": _l("Căn theo mép phải"),
    "Align elements top": _l("Căn theo mép trên"),
    "Align elements middle": _l("Căn giữa theo chiều dọc"),
    "Align elements bottom": _l("Căn theo mép dưới"),
    "Distribute elements horizontally": _l("Dàn đều theo chiều ngang"),
    "Distribute elements vertically": _l("Dàn đều theo chiều dọc"),
    # The change menu's toggles, search, the sub-process button, refused moves.
    "Parallel multi-instance": _l("Lặp nhiều lần song song"),
    "Sequential multi-instance": _l("Lặp nhiều lần lần lượt"),
    "Loop": _l("Lặp lại"),
    "Collection": _l("Tập hợp"),
    "Participant multiplicity": _l("Nhiều cơ quan cùng loại tham gia"),
    "Toggle non-interrupting": _l("Bật hoặc tắt: không ngắt bước đang làm"),
    "Search in diagram": _l("Tìm trong bản vẽ"),
    "Open {element}": _l("Mở {element}"),
    "flow elements must be children of pools/participants": _l("Các phần tử của luồng phải nằm trong một bể"),
    "Data object must be placed within a pool/participant.": _l("Đối tượng dữ liệu phải nằm trong một bể."),
    # The change menu's entries: tasks and sub-processes.
    "Task": _l("Bước công việc"),
    "User task": _l("Bước xử lý của người"),
    "Service task": _l("Bước tự động (gọi dịch vụ)"),
    "Send task": _l("Bước gửi tin nhắn"),
    "Receive task": _l("Bước chờ nhận tin nhắn"),
    "Manual task": _l("Bước làm thủ công"),
    "Business rule task": _l("Bước áp dụng quy tắc nghiệp vụ"),
    "Script task": _l("Bước chạy đoạn lệnh"),
    "Call activity": _l("Gọi quy trình khác"),
    "Transaction": _l("Giao dịch"),
    "Event sub-process": _l("Quy trình con theo sự kiện"),
    "Sub-process": _l("Quy trình con"),
    "Sub-process (collapsed)": _l("Quy trình con (thu gọn)"),
    "Sub-process (expanded)": _l("Quy trình con (mở rộng)"),
    "Ad-hoc sub-process": _l("Quy trình con tự do"),
    "Ad-hoc sub-process (collapsed)": _l("Quy trình con tự do (thu gọn)"),
    "Ad-hoc sub-process (expanded)": _l("Quy trình con tự do (mở rộng)"),
    # Gateways, flows, data, pools.
    "Exclusive gateway": _l("Cổng rẽ nhánh (chọn một nhánh)"),
    "Parallel gateway": _l("Cổng song song"),
    "Inclusive gateway": _l("Cổng rẽ nhánh (chọn một hoặc nhiều nhánh)"),
    "Complex gateway": _l("Cổng phức hợp"),
    "Event-based gateway": _l("Cổng chờ sự kiện"),
    "Sequence flow": _l("Luồng tuần tự"),
    "Default flow": _l("Luồng mặc định"),
    "Conditional flow": _l("Luồng có điều kiện"),
    "Data store reference": _l("Kho dữ liệu"),
    "Data object reference": _l("Đối tượng dữ liệu"),
    "Expanded pool/participant": _l("Bể (mở rộng)"),
    "Empty pool/participant": _l("Bể trống"),
    "Empty pool/participant (removes content)": _l("Bể trống (xóa nội dung bên trong)"),
    # Events.
    "Start event": _l("Sự kiện bắt đầu"),
    "Intermediate throw event": _l("Sự kiện phát giữa quy trình"),
    "Boundary event": _l("Sự kiện gắn trên bước"),
    "End event": _l("Sự kiện kết thúc"),
    "Message start event": _l("Bắt đầu khi nhận tin nhắn"),
    "Timer start event": _l("Bắt đầu theo hẹn giờ"),
    "Conditional start event": _l("Bắt đầu khi thỏa điều kiện"),
    "Signal start event": _l("Bắt đầu khi có tín hiệu"),
    "Error start event": _l("Bắt đầu khi có lỗi"),
    "Escalation start event": _l("Bắt đầu khi có báo cáo lên cấp trên"),
    "Compensation start event": _l("Bắt đầu bù trừ"),
    "Message start event (non-interrupting)": _l("Bắt đầu khi nhận tin nhắn (không ngắt)"),
    "Timer start event (non-interrupting)": _l("Bắt đầu theo hẹn giờ (không ngắt)"),
    "Conditional start event (non-interrupting)": _l("Bắt đầu khi thỏa điều kiện (không ngắt)"),
    "Signal start event (non-interrupting)": _l("Bắt đầu khi có tín hiệu (không ngắt)"),
    "Escalation start event (non-interrupting)": _l("Bắt đầu khi có báo cáo lên cấp trên (không ngắt)"),
    "Message intermediate catch event": _l("Chờ nhận tin nhắn"),
    "Message intermediate throw event": _l("Gửi tin nhắn"),
    "Timer intermediate catch event": _l("Chờ hẹn giờ"),
    "Escalation intermediate throw event": _l("Báo cáo lên cấp trên"),
    "Conditional intermediate catch event": _l("Chờ thỏa điều kiện"),
    "Link intermediate catch event": _l("Điểm nối đến"),
    "Link intermediate throw event": _l("Điểm nối đi"),
    "Compensation intermediate throw event": _l("Yêu cầu bù trừ"),
    "Signal intermediate catch event": _l("Chờ tín hiệu"),
    "Signal intermediate throw event": _l("Phát tín hiệu"),
    "Message boundary event": _l("Khi nhận tin nhắn (gắn trên bước)"),
    "Timer boundary event": _l("Khi hết giờ (gắn trên bước)"),
    "Escalation boundary event": _l("Khi có báo cáo lên cấp trên (gắn trên bước)"),
    "Conditional boundary event": _l("Khi thỏa điều kiện (gắn trên bước)"),
    "Error boundary event": _l("Khi có lỗi (gắn trên bước)"),
    "Cancel boundary event": _l("Khi hủy giao dịch (gắn trên bước)"),
    "Signal boundary event": _l("Khi có tín hiệu (gắn trên bước)"),
    "Compensation boundary event": _l("Khi cần bù trừ (gắn trên bước)"),
    "Message boundary event (non-interrupting)": _l("Khi nhận tin nhắn (gắn trên bước, không ngắt)"),
    "Timer boundary event (non-interrupting)": _l("Khi hết giờ (gắn trên bước, không ngắt)"),
    "Escalation boundary event (non-interrupting)": _l("Khi có báo cáo lên cấp trên (gắn trên bước, không ngắt)"),
    "Conditional boundary event (non-interrupting)": _l("Khi thỏa điều kiện (gắn trên bước, không ngắt)"),
    "Signal boundary event (non-interrupting)": _l("Khi có tín hiệu (gắn trên bước, không ngắt)"),
    "Message end event": _l("Kết thúc bằng gửi tin nhắn"),
    "Escalation end event": _l("Kết thúc bằng báo cáo lên cấp trên"),
    "Error end event": _l("Kết thúc do lỗi"),
    "Cancel end event": _l("Kết thúc bằng hủy giao dịch"),
    "Compensation end event": _l("Kết thúc bằng yêu cầu bù trừ"),
    "Signal end event": _l("Kết thúc bằng phát tín hiệu"),
    "Terminate end event": _l("Kết thúc toàn bộ quy trình"),
}
