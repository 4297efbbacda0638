"""Papers received with a dossier: what kinds there are and what makes a line of the receipt valid."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.contact import text_problem

MAX_COPIES = 99
MAX_NAME = 500


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
        name = (self.name or "").strip()
        if not name:
            errors[f"{prefix}.name"] = ["Cần ghi tên giấy tờ."]
        elif problem := text_problem(name, MAX_NAME):  # a tab or a line break pasted in: one line on the receipt
            errors[f"{prefix}.name"] = [problem]
        if self.kind not in {k.value for k in DocumentKind}:
            errors[f"{prefix}.kind"] = ["Hình thức giấy tờ không hợp lệ."]
        if isinstance(self.count, bool) or not isinstance(self.count, int) or not 1 <= self.count <= MAX_COPIES:
            errors[f"{prefix}.count"] = [f"Số lượng phải từ 1 đến {MAX_COPIES}."]
        return errors
