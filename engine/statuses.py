"""Dossier statuses: the national portal's codes (docs/RULES.md). Keep the numbers in exports."""
from enum import IntEnum


class DossierStatus(IntEnum):
    NEWLY_REGISTERED = 1
    RECEIVED = 2
    NOT_RECEIVED = 3
    IN_PROCESSING = 4
    WAITING_FOR_SUPPLEMENT = 5
    WAITING_FOR_FINANCIAL_OBLIGATION = 6
    WITHDRAWN = 7
    STOPPED = 8
    RESULT_READY = 9
    RESULT_RETURNED = 10

    @property
    def label_vi(self) -> str:
        return LABELS_VI[self]

    @property
    def label_en(self) -> str:
        return LABELS_EN[self]

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL


LABELS_VI = {
    DossierStatus.NEWLY_REGISTERED: "Mới đăng ký",
    DossierStatus.RECEIVED: "Được tiếp nhận",
    DossierStatus.NOT_RECEIVED: "Không được tiếp nhận",
    DossierStatus.IN_PROCESSING: "Đang xử lý",
    DossierStatus.WAITING_FOR_SUPPLEMENT: "Yêu cầu bổ sung",
    DossierStatus.WAITING_FOR_FINANCIAL_OBLIGATION: "Chờ thực hiện nghĩa vụ tài chính",
    DossierStatus.WITHDRAWN: "Công dân rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.RESULT_READY: "Đã xử lý xong",
    DossierStatus.RESULT_RETURNED: "Đã trả kết quả",
}

LABELS_EN = {
    DossierStatus.NEWLY_REGISTERED: "Newly registered",
    DossierStatus.RECEIVED: "Received",
    DossierStatus.NOT_RECEIVED: "Not received",
    DossierStatus.IN_PROCESSING: "In processing",
    DossierStatus.WAITING_FOR_SUPPLEMENT: "Waiting for supplement",
    DossierStatus.WAITING_FOR_FINANCIAL_OBLIGATION: "Waiting for financial obligation",
    DossierStatus.WITHDRAWN: "Withdrawn",
    DossierStatus.STOPPED: "Processing stopped",
    DossierStatus.RESULT_READY: "Result ready",
    DossierStatus.RESULT_RETURNED: "Result returned",
}

# Terminal for statistics (docs/RULES.md). Commands refuse to act on these.
TERMINAL = frozenset({
    DossierStatus.NOT_RECEIVED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED,
    DossierStatus.RESULT_READY, DossierStatus.RESULT_RETURNED,
})
# Result-ready is terminal for statistics but the dossier still has its return step open.
CLOSED = frozenset({
    DossierStatus.NOT_RECEIVED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED,
    DossierStatus.RESULT_RETURNED,
})


class Channel(IntEnum):
    COUNTER = 1  # trực tiếp
    ONLINE = 2   # trực tuyến
    POST = 3     # bưu chính công ích
