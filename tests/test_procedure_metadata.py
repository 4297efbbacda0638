"""What every procedure must tell the counter (its legal time limit, who may receive it, the
documents it needs, how a supplement moves its clock), and what ``motcua validate`` says when a
diagram gets it wrong."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import BPMN_DIR
from engine.errors import ProcedureInvalid
from engine.procedures.checker import check_file
from tests.bpmn_samples import FORMS, reference_xml, write
from webapp.cli import main

SHIPPED = sorted(BPMN_DIR.glob("*.bpmn"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_procedure_declares_its_limit_receivers_and_documents(path):
    meta = check_file(path, FORMS).manifest["metadata"]
    assert re.fullmatch(r"\d+(\.\d+)? working days", meta["time_limit"]), meta["time_limit"]
    assert meta["received_by"], path
    required = [d for d in meta["required_documents"] if not d["optional"]]
    assert required, path
    # Statistics: the periodic report's sector, index 3.3's online level.
    assert meta["sector"] and meta["online_level"] in ("full", "partial"), path


def _with(prop: str, value: str | None) -> str:
    """The reference procedure with one procedure property replaced (or removed when None)."""
    xml = reference_xml()
    pattern = rf'\s*<spiffworkflow:property name="{prop}" value="[^"]*" />'
    if value is None:
        return re.sub(pattern, "", xml, count=1)
    line = f'\n        <spiffworkflow:property name="{prop}" value="{value}" />'
    if re.search(pattern, xml):
        return re.sub(pattern, line, xml, count=1)
    return xml.replace('<spiffworkflow:property name="nationalCode" value="1.000894" />',
                       '<spiffworkflow:property name="nationalCode" value="1.000894" />' + line, 1)


@pytest.mark.parametrize("prop, value, words, vi", [
    ("timeLimit", None, "no legal time limit",
     "Thủ tục chưa có thời hạn giải quyết: hãy điền Thời hạn giải quyết theo dạng “15 ngày làm việc”"),
    ("timeLimit", "năm ngày", "The time limit (timeLimit) “năm ngày” is not a time limit",
     "Thời hạn giải quyết «năm ngày» không đúng dạng: hãy viết “15 ngày làm việc”"),
    ("receivedBy", None, "names no receiving agency", "Thủ tục chưa có nơi tiếp nhận: hãy điền Nơi tiếp nhận (receivedBy)"),
    ("receivedBy", " , ", "names no receiving agency", "Thủ tục chưa có nơi tiếp nhận"),
    ("receivedBy", "ubnd xã", "The receiving agency (receivedBy) “ubnd xã” is not an agency kind or code",
     "Nơi tiếp nhận (receivedBy): «ubnd xã» không phải loại cơ quan hay mã cơ quan"),
    ("requiredDocuments", "[1, 2", "not valid JSON",
     "Thành phần hồ sơ (requiredDocuments): không phải JSON hợp lệ (lỗi ở dòng 1, cột 6): hãy viết một danh sách JSON"),
    ("requiredDocuments", "{}", "must be a JSON array",
     "Thành phần hồ sơ (requiredDocuments): phải là một danh sách JSON"),
    ("requiredDocuments", '[{"name": "Tờ khai", "kind": "photo"}]', "the kind of document 1 must be one of",
     "loại (kind) của giấy tờ thứ 1 phải là “original” (bản chính), “certified_copy” (bản sao có chứng thực)"),
    ("requiredDocuments", '[{"name": "Tờ khai", "count": 0}]', "the count of document 1 must be a whole number",
     "số bản (count) của giấy tờ thứ 1 phải là số nguyên từ 1 đến 99."),
    ("requiredDocuments", '["Tờ khai", "tờ  khai"]', "document 2 “tờ khai” is listed twice", "giấy tờ thứ 2 «tờ khai» bị ghi hai lần"),
    ("requiredDocuments", '[{"kind": "copy"}]', "document 1 has no name", "giấy tờ thứ 1 chưa có tên (name)"),
    ("requiredDocuments", '[{"name": "Tờ khai", "optional": "có"}]', "optional of document 1 must be true",
     "optional của giấy tờ thứ 1 phải là true"),
    ("requiredDocuments", '[{"name": "Tờ khai", "copies": 2}]', "keys that cannot be used: copies",
     "giấy tờ thứ 1 có khóa không dùng được: copies"),
    ("supplementClock", "sometimes", "The supplement clock (supplementClock) must be “restart”",
     "Đồng hồ khi bổ sung hồ sơ (supplementClock) phải là “restart” (tính lại từ đầu) hoặc “pause”"),
    ("onlineLevel", "level 4", "The online level (onlineLevel) must be “full” or “partial”, not “level 4”",
     "Mức cung cấp trực tuyến (onlineLevel) phải là “full” (toàn trình) hoặc “partial” (một phần), không phải «level 4»"),
    ("sector", "x" * 201, "The sector (sector) is longer than 200 characters", "Lĩnh vực (sector) dài quá 200 ký tự"),
])
def test_validate_names_what_is_wrong_with_the_procedure_metadata(tmp_path, prop, value, words, vi):
    """In English for ``validate``, in Vietnamese for the editor's Vietnamese page (where these were
    English: "timeLimit: not a time limit: 'năm ngày' …", "requiredDocuments: not valid JSON:
    Expecting ',' delimiter …")."""
    path = write(tmp_path, "broken.bpmn", _with(prop, value.replace('"', "&quot;") if value else value))
    with pytest.raises(ProcedureInvalid) as info:
        check_file(path, FORMS)
    [problem] = [p for p in info.value.problems if p.element_id == "dang_ky_ket_hon" and words in p.message]
    assert vi in problem.text("vi"), problem.text("vi")
    assert problem.text("en") == problem.message and not re.search(r"Expecting|char \d|\\u|\\x", problem.message)


def test_none_is_the_explicit_no_limit_marker(tmp_path):
    path = write(tmp_path, "none.bpmn", _with("timeLimit", "none"))
    assert check_file(path, FORMS).manifest["metadata"]["time_limit"] == "none"


def test_the_validate_command_reports_a_missing_time_limit(tmp_path):
    path = write(tmp_path, "no_limit.bpmn", _with("timeLimit", None))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}: dang_ky_ket_hon: The procedure has no legal time limit" in result.output
