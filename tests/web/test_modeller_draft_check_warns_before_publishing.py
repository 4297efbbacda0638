"""Checking a draft says what publishing it would warn of (found by a browser audit of the
modeller's pages): a lane whose role nobody holds was "no errors: can publish" on saving, and only
publishing said, too late, to grant the role "before publishing". A partner not configured is
sent to the administration menu by the name the menu shows."""
from __future__ import annotations

from engine.models import ProcedureVersion
from tests.bpmn_samples import reference_xml

UNHELD_ROLE = reference_xml().replace('name="specialist"', 'name="chuyen_gia_ao"')




def test_a_role_nobody_holds_is_said_when_the_draft_is_checked(browser, demo):
    modeller = browser("thietke")
    saved = modeller.post_json("/procedures/drafts", {"xml": UNHELD_ROLE})
    assert saved.status_code == 200
    [warning] = saved.get_json()["problems"]
    assert warning["severity"] == "warning"
    assert "Chưa ai giữ vai trò «chuyen_gia_ao»" in warning["message"]
    # The editor opens the draft saying it again, in English on an English page.
    [warning] = modeller.english().get("/procedures/dang_ky_ket_hon/edit/source.json").get_json()["problems"]
    assert warning["message"].startswith("Nobody holds the role “chuyen_gia_ao” in any agency")
    with demo.motcua.read_session() as s:  # a check publishes nothing
        assert s.query(ProcedureVersion).join(ProcedureVersion.procedure).filter_by(key="dang_ky_ket_hon").count() == 1


def test_a_partner_not_configured_is_sent_to_the_menu_as_the_page_names_it(demo):
    """The English warning named the administration menu in Vietnamese, and the Vietnamese one by
    a name the menu does not show (Đối tác, for Đối tác liên thông)."""
    from engine.procedures.rules.holders import warnings
    manifest = {"partner_routes": {"ho_so_bhxh": {"code": "khong_co", "pool": "Cơ quan BHXH"}}}
    with demo.motcua.read_session() as s:
        [warning] = warnings(s, manifest, "thu_tuc.bpmn")
    assert "add the partner (Administration → Partner agencies) before publishing" in warning.message
    assert "hãy thêm đối tác (Quản trị → Đối tác liên thông) trước khi xuất bản" in warning.message_vi
