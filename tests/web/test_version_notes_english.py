"""A version published before migration 0038 kept what changed only in Vietnamese words
(``change_note``; ``changes`` NULL). An English versions' list never shows those words: it finds
what changed again from the version's predecessor, as publishing found it, and says it in English;
words it cannot take apart it does not show, and says so in English."""
from __future__ import annotations

from engine.commands import procedures as lifecycle
from engine.models import ProcedureVersion
from tests.bpmn_samples import FORMS, reference_xml
from tests.page_text import table_rows

# The approval gets a longer allotment (its name, "Phê duyệt", has its English: "Approve").
LONGER_APPROVAL = reference_xml().replace('<spiffworkflow:property name="allotment" value="1 working days" />',
                                          '<spiffworkflow:property name="allotment" value="2 working days" />', 1)
RENAMED = LONGER_APPROVAL.replace('name="Thẩm định hồ sơ"', 'name="Thẩm định hồ sơ (mẫu mới)"')
PAGE = "/procedures/dang_ky_ket_hon"


def in_language(b, locale):
    b.post("/language", {"locale": locale})
    return b


def change_cells(b, locale) -> dict[str, str]:
    """The versions' list: version number → its "what changed" cell."""
    rows = table_rows(in_language(b, locale).text(PAGE), table_class="versions")
    return {row[0].split()[0]: row[3] for row in rows}


def as_before_0038(demo, number, **columns):
    """The row as a database published before migration 0038 holds it: no ``changes``."""
    with demo.motcua.uow() as uow:
        version = (uow.session.query(ProcedureVersion).join(ProcedureVersion.procedure)
                   .filter_by(key="dang_ky_ket_hon").filter(ProcedureVersion.number == number).one())
        version.changes = None
        for name, value in columns.items():
            setattr(version, name, value)
        uow.commit()


def publish(demo, xml, note):
    lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=xml, forms_dir=FORMS, note=note)


def test_an_english_page_says_what_an_old_version_changed_in_english(browser, demo):
    publish(demo, LONGER_APPROVAL, note="")
    publish(demo, RENAMED, note="Đổi tên bước — theo góp ý")
    modeller = browser("thietke")
    kept = change_cells(modeller, "en")
    assert kept["2"] == "changed 1 element (Approve)"

    as_before_0038(demo, 2)
    as_before_0038(demo, 3)
    english = change_cells(modeller, "en")
    # The same words as for a version published since: the parts found again, in English; the
    # modeller's own note as written.
    assert english == kept
    assert english["3"] == "Đổi tên bước — theo góp ý — changed 1 element (Thẩm định hồ sơ (mẫu mới))"
    assert english["1"] == "—"  # installed from the command line: nothing was recorded
    assert not any("phần tử" in cell or "sửa" in cell for cell in english.values())
    # A Vietnamese page still shows the words as stored.
    vietnamese = change_cells(modeller, "vi")
    assert vietnamese["2"] == "sửa 1 phần tử (Phê duyệt)"
    assert vietnamese["3"] == "Đổi tên bước — theo góp ý — sửa 1 phần tử (Thẩm định hồ sơ (mẫu mới))"


def test_words_that_do_not_match_what_changed_are_not_shown_on_an_english_page(browser, demo):
    publish(demo, LONGER_APPROVAL, note="")
    # Stored words that are not what publishing writes for this change: where a note would end is
    # unknown, so an English page shows none of them.
    as_before_0038(demo, 2, change_note="Ghi chú cũ — sửa 3 phần tử (Phê duyệt, Thẩm định hồ sơ, Ghi sổ)")
    modeller = browser("thietke")
    english = change_cells(modeller, "en")
    assert english["2"] == "Recorded in Vietnamese only; compare with the previous version to see what changed."
    assert change_cells(modeller, "vi")["2"] == "Ghi chú cũ — sửa 3 phần tử (Phê duyệt, Thẩm định hồ sơ, Ghi sổ)"
