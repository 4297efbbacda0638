"""A statistics download said when it was made "(giờ Asia/Ho_Chi_Minh)", "(Asia/Ho_Chi_Minh time)":
a database's name for a time zone, not words for a reader. It now says "giờ Việt Nam, UTC+07:00"
("Vietnam time, UTC+07:00"); an agency in another zone gets its offset from UTC at that moment,
summer time included."""
from __future__ import annotations

import csv
from datetime import datetime, timezone

import pytest
from sqlalchemy import update

from engine.models import Agency
from tests.statistics_cases import NOVEMBER_QUERY
from tests.web.test_statistics_pages import csv_parts

SATURDAY = datetime(2026, 12, 5, 2, 0, tzinfo=timezone.utc)  # 09:00 in Vietnam, as november_cases has it


def heading_of(response) -> list[str]:
    """The heading lines of a downloaded CSV as a spreadsheet reads them (a line with a comma is
    quoted)."""
    heading, _table = csv_parts(response)
    return [cells[0] if cells else "" for cells in csv.reader(heading)]


@pytest.mark.parametrize("language, made", [
    ("vi", "Lập lúc: 05/12/2026 09:00 (giờ Việt Nam, UTC+07:00)"),
    ("en", "Produced: 05/12/2026 09:00 (Vietnam time, UTC+07:00)"),
], ids=["vi", "en"])
def test_a_download_says_vietnam_time_in_words(browser, demo, november_cases, language, made):
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    for download in (f"/statistics/export.csv?{NOVEMBER_QUERY}", f"/statistics/export.csv?{NOVEMBER_QUERY}&table=trend",
                     f"/statistics/units/export.csv?{NOVEMBER_QUERY}&agency_id={demo.commune}"):
        heading = heading_of(leader.get(download))
        assert heading[3] == made, download
        assert "Asia/Ho_Chi_Minh" not in "\n".join(heading)


@pytest.mark.parametrize("zone, now, language, made", [
    ("Asia/Tokyo", SATURDAY, "vi", "Lập lúc: 05/12/2026 11:00 (giờ UTC+09:00)"),
    ("Asia/Tokyo", SATURDAY, "en", "Produced: 05/12/2026 11:00 (UTC+09:00 time)"),
    # New York in July keeps summer time: four hours behind UTC, not five.
    ("America/New_York", datetime(2027, 7, 1, 16, 30, tzinfo=timezone.utc), "vi",
     "Lập lúc: 01/07/2027 12:30 (giờ UTC-04:00)"),
    ("Asia/Kolkata", SATURDAY, "en", "Produced: 05/12/2026 07:30 (UTC+05:30 time)"),
])
def test_another_zone_is_said_by_its_offset_at_that_moment(browser, demo, november_cases, frozen_clock, zone, now,
                                                            language, made):
    with demo.motcua.uow() as uow:
        uow.session.execute(update(Agency).where(Agency.id == demo.commune).values(timezone=zone))
        uow.commit()
    frozen_clock.current = now
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    heading = heading_of(leader.get(f"/statistics/export.csv?{NOVEMBER_QUERY}"))
    assert heading[3] == made
    assert zone not in "\n".join(heading)
