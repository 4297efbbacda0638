"""The lists behind a figure (dossiers, and a unit's steps) showed an empty cell where a value is
not there yet: a dossier not finished, a step without a due time, nobody who finished it. A reader
could not tell "none yet" from "not loaded". Such a cell now says "—", as every list of the app does. The status column said the status's
number before its words ("4 · Đang xử lý"): it says the words, as the dossier list does."""
from __future__ import annotations

import re

import pytest

from tests.statistics_cases import NOVEMBER_QUERY


def rows(page: str) -> dict[str, dict[str, str]]:
    """Each listed row, by its dossier code (and its step, when listed), as {column label: text}."""
    found = {}
    for body in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S):
        code = re.sub(r"<[^>]+>", "", body.split("</th>", 1)[0]).strip()
        cells = {label: re.sub(r"<[^>]+>", "", text).strip()
                 for label, text in re.findall(r'<td data-label="([^"]*)">(.*?)</td>', body, re.S)}
        found[code + "/" + cells.get("Bước", cells.get("Step", ""))] = cells
    return found


@pytest.mark.parametrize("language, finished", [("vi", "Kết thúc xử lý"), ("en", "Processing ended")])
def test_a_dossier_not_finished_says_so_in_the_list_behind_a_figure(browser, november_steps, language, finished):
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    listed = rows(leader.text(f"/statistics/dossiers?{NOVEMBER_QUERY}&figure=overdue"))
    assert {code.split("/")[0] for code in listed} == {"C5", "N14"}  # open at the end of November
    assert all(cells[finished] == "—" for cells in listed.values())
    assert all(text for cells in listed.values() for text in cells.values())  # no cell left empty


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_step_not_done_or_without_a_due_time_says_so_in_a_units_list(browser, november_steps, demo, language):
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    listed = rows(leader.text(f"/statistics/units/steps?{NOVEMBER_QUERY}&figure=received&agency_id={demo.commune}"))
    due, done, who = {"vi": ("Hạn của bước", "Xong lúc", "Người xử lý"),
                      "en": ("Step due", "Done at", "Assignee")}[language]
    open_step, unlimited = listed["C5/Bước T1"], listed["N16/Bước T7"]
    assert open_step[done] == "—" and open_step[who] == "—"
    assert unlimited[due] == "—" and unlimited[done] != "—"
    assert all(text for cells in listed.values() for text in cells.values())  # no cell left empty


@pytest.mark.parametrize("language, column, said", [("vi", "Trạng thái", "Đang xử lý"), ("en", "Status", "In processing")])
def test_a_listed_dossier_says_its_status_in_words_as_the_dossier_list_does(browser, november_steps, language,
                                                                           column, said):
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    listed = rows(leader.text(f"/statistics/dossiers?{NOVEMBER_QUERY}&figure=overdue"))
    assert [cells[column] for cells in listed.values()] == [said, said]  # C5 and N14, open at the end of November
