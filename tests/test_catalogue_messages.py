"""What an operator reads about a broken catalogue entry (workflows/catalogue/*.json) and what
`motcua procedure …` prints: whole sentences that say what to do next, the catalogue's in
Vietnamese (with its diacritics) and in English, the command line's in English as every other
command's."""
from __future__ import annotations

import json

import pytest

from engine.procedures import catalogue
from tests.page_text import VIETNAMESE_LETTER
from tests.test_checker_english_sentences import assert_sentence

BROKEN_ENTRIES = [
    [],
    {},
    {"name": {"vi": "Đăng ký kết hôn"}, "fee": {"amount": -1, "vi": "Miễn phí", "en": "Free"},
     "online_level": "maybe", "documents_en": ["Tờ khai"], "steps_en": {"Phê duyệt": ""},
     "diagram_en": {"Đủ hồ sơ": "Dossier\ncomplete"}, "forms": [{"id": "Bad Id"}, {"id": "to-khai", "fields": []}]},
    {"forms": {"id": "to-khai"}, "intake": "Tờ khai.json"},
]
# What each Vietnamese sentence asks of whoever edits the file.
WHAT_TO_DO = ("hãy ", "phải ", "cần ")


@pytest.mark.parametrize("entry", BROKEN_ENTRIES)
def test_every_catalogue_problem_is_a_sentence_in_vietnamese_and_in_english(entry, tmp_path):
    (tmp_path / "thu_tuc.json").write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    found = catalogue.read_dir(tmp_path)["thu_tuc"][1]
    assert found
    for en, vi in found:
        assert_sentence(en)
        assert vi[:1].isupper() and vi.endswith("."), vi
        assert VIETNAMESE_LETTER.search(vi), vi
        assert any(words in vi for words in WHAT_TO_DO), vi


def test_a_file_that_is_not_json_says_where_to_look(tmp_path):
    (tmp_path / "thu_tuc.json").write_text('{"name": ', encoding="utf-8")
    [(en, vi)] = catalogue.read_dir(tmp_path)["thu_tuc"][1]
    assert en == "The file thu_tuc.json cannot be read as JSON (line 1): correct it in a JSON editor."
    assert vi == "Không đọc được tệp thu_tuc.json dưới dạng JSON (dòng 1): hãy sửa tệp bằng một trình soạn JSON."


def test_a_missing_fee_says_what_to_write():
    entry = {"name": {"vi": "a", "en": "a"}, "field": {"vi": "a", "en": "a"}, "purpose": {"vi": "a", "en": "a"},
             "who": {"vi": "a", "en": "a"}, "online_level": "full"}
    assert catalogue.problems(entry) == [(
        'The fee (“fee”) needs an amount in VND as a whole number (0 when the procedure is free) and a text in '
        'Vietnamese and in English: write {"amount": 50000, "vi": …, "en": …}.',
        'Phí, lệ phí (“fee”) phải có số tiền bằng đồng, là số nguyên (ghi 0 khi không thu phí) và lời giải thích '
        'bằng tiếng Việt và tiếng Anh: hãy ghi {"amount": 50000, "vi": …, "en": …}.')]


def test_the_procedure_commands_print_sentences_that_say_what_comes_next(demo, monkeypatch):
    from click.testing import CliRunner
    from webapp.cli import main
    monkeypatch.setenv("DATABASE_URL", demo.motcua.settings.database_url)
    run = CliRunner().invoke
    unknown = run(main, ["procedure", "reinstate", "dang_ky_ket_hon", "--as", "nobody"])
    assert unknown.exit_code == 1
    assert "There is no user named “nobody”: give --as the username of an existing account." in unknown.output
    retired = run(main, ["procedure", "retire", "dang_ky_ket_hon", "--as", "admin", "--reason", "Hết hiệu lực"])
    assert retired.exit_code == 0
    assert retired.output.strip() == (
        "dang_ky_ket_hon is retired: it takes no new dossiers, and its open dossiers finish on their version. "
        "To take dossiers again: motcua procedure reinstate dang_ky_ket_hon --as USER.")
    again = run(main, ["procedure", "reinstate", "dang_ky_ket_hon", "--as", "admin"])
    assert again.exit_code == 0 and again.output.strip() == "dang_ky_ket_hon takes new dossiers again."
