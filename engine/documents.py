"""Papers received with a dossier: what kinds there are and what makes a line of the receipt valid."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_COPIES = 99


class DocumentKind(StrEnum):
    ORIGINAL = "original"
    CERTIFIED_COPY = "certified_copy"
    COPY = "copy"

    @property
    def label_vi(self) -> str:
        return {"original": "Bản chính", "certified_copy": "Bản sao có chứng thực", "copy": "Bản sao"}[self.value]

    @property
    def label_en(self) -> str:
        return {"original": "Original", "certified_copy": "Certified copy", "copy": "Copy"}[self.value]


@dataclass(frozen=True)
class ReceivedDocument:
    name: str
    kind: str = DocumentKind.ORIGINAL
    count: int = 1

    def problems(self, prefix: str) -> dict[str, list[str]]:
        """Field errors keyed ``{prefix}.name`` etc., so a form can show them on the right row."""
        errors = {}
        if not (self.name or "").strip():
            errors[f"{prefix}.name"] = ["Cần ghi tên giấy tờ."]
        elif len(self.name.strip()) > 500:
            errors[f"{prefix}.name"] = ["Tối đa 500 ký tự."]
        if self.kind not in {k.value for k in DocumentKind}:
            errors[f"{prefix}.kind"] = ["Hình thức giấy tờ không hợp lệ."]
        if isinstance(self.count, bool) or not isinstance(self.count, int) or not 1 <= self.count <= MAX_COPIES:
            errors[f"{prefix}.count"] = [f"Số lượng phải từ 1 đến {MAX_COPIES}."]
        return errors
