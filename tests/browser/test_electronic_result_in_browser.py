"""The leader signs and issues the electronic result from the dossier page, then opens the page
its QR code leads to, at a desk's and a phone's width, in Vietnamese and English."""
from __future__ import annotations

import dataclasses

import pytest
from playwright.sync_api import expect

from engine.results.pki import make_pki
from tests.browser.test_dossier_whole_life import no_page_scroll
from tests.test_electronic_result import PASSPHRASE, result_ready


@pytest.fixture
def settings(settings, tmp_path):
    """The suite's settings with a signing certificate made by this test's own CA."""
    pki = make_pki(tmp_path / "pki" / "agency.p12", tmp_path / "pki" / "ca.pem", "UBND xã Tân Phong",
                   PASSPHRASE.encode(), ca_name="motcua test CA")
    return dataclasses.replace(settings, signing_p12=pki.p12, signing_passphrase=PASSPHRASE, signing_trust=pki.ca_pem)


def test_the_leader_issues_the_signed_result_and_its_check_page_reads_well_everywhere(officer, demo):
    dossier_id = result_ready(demo)
    leader = officer("lanhdao")
    leader.goto(f"/dossiers/{dossier_id}")
    leader.get_by_role("button", name="Ký số và phát hành kết quả điện tử").click()
    expect(leader.get_by_role("status").or_(leader.locator(".flash-success"))).to_contain_text(
        "Đã ký số và phát hành kết quả điện tử")
    with leader.expect_download() as download:
        leader.get_by_role("link", name="Tải kết quả điện tử (PDF đã ký số)").click()
    assert download.value.suggested_filename == "ket-qua-000.31.21.H56-261123-0001.pdf"

    leader.get_by_role("link", name="Trang kiểm tra văn bản").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Kiểm tra văn bản điện tử")
    expect(leader.locator("dl.issued-document")).to_contain_text("UBND xã Tân Phong")
    for width in (1280, 390):
        leader.set_viewport_size({"width": width, "height": 844})
        no_page_scroll(leader)
    check_page = leader.url
    leader.get_by_role("button", name="English").click()
    leader.goto(check_page)
    expect(leader.get_by_role("heading", level=1)).to_have_text("Check an electronic document")
    expect(leader.locator("dl.issued-document")).to_contain_text("Digitally signed by")
    no_page_scroll(leader)
