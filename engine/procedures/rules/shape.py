"""The file's shape: one executable process, or one collaboration of executable pools."""
from __future__ import annotations

from engine.procedures.rules.model import Model, bpmn


def check(model: Model):
    if not model.processes:
        yield model.error("", "The file has no process: draw at least a start event, a step and an end event.",
                          "Tệp không có quy trình nào: hãy vẽ ít nhất một sự kiện bắt đầu, một bước và một sự kiện kết thúc.")
        return
    if model.collaboration is None and len(model.processes) > 1:
        ids = ", ".join(p.get("id") or "?" for p in model.processes)
        yield model.error("", f"The file holds {len(model.processes)} processes ({ids}) without a collaboration: "
                              "put them in pools of one collaboration, or one process per file.",
                          f"Tệp có {len(model.processes)} quy trình ({ids}) mà không có cộng tác (collaboration): "
                          "hãy đặt chúng vào các pool của một cộng tác, hoặc mỗi tệp một quy trình.")
    if model.root.findall(bpmn("collaboration"))[1:]:
        yield model.error("", "The file holds more than one collaboration: keep one per procedure.",
                          "Tệp có nhiều hơn một cộng tác: mỗi thủ tục chỉ một cộng tác.")
    for process in model.processes:
        if process.get("isExecutable") != "true":
            pid = process.get("id") or ""
            yield model.error(pid, 'The process is not marked executable: set isExecutable="true" on it '
                                   '(in the editor: the process\'s "Executable" box).',
                              'Quy trình chưa được đánh dấu thực thi được: đặt isExecutable="true" '
                              '(trong trình soạn thảo: ô "Executable" của quy trình).')
