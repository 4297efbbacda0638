"""An officer whose browser speaks American English still reads and types days dd/mm/yyyy: the
day fields are motcua's own, not the browser's date input (which would show mm/dd/yyyy)."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from engine import commands
from engine.commands.reception import Applicant
from engine.models import Dossier


def test_an_american_english_browser_filters_dossiers_by_a_day_typed_dd_mm_yyyy(officer, demo):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    with demo.motcua.read_session() as s:
        received = s.get(Dossier, dossier.id).received_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    page = officer("tiepnhan", browser_locale="en-US")
    page.get_by_role("button", name="English").click()
    page.goto("/dossiers")
    since = page.get_by_label("Received from")
    expect(since).to_have_attribute("placeholder", "dd/mm/yyyy")
    typed = received.strftime("%d/%m/%Y")
    since.fill(typed)
    since.press("Enter")  # the filter form is sent from the keyboard
    expect(page.get_by_label("Received from")).to_have_value(typed)
    expect(page.locator("main")).to_contain_text(dossier.code)
    expect(page.locator("main")).not_to_contain_text("Not a valid date")
    # The day after: the dossier is left out, and the field still reads day first.
    later = received + timedelta(days=1)
    page.get_by_label("Received from").fill(later.strftime("%d/%m/%Y"))
    page.get_by_label("Received from").press("Enter")
    expect(page.get_by_label("Received from")).to_have_value(later.strftime("%d/%m/%Y"))
    expect(page.locator("main")).not_to_contain_text(dossier.code)
    # Typed month first, the American way: told plainly, in the page's language.
    page.get_by_label("Received from").fill(received.strftime("%m/%d/%Y") if received.day > 12 else "13/13/2026")
    page.get_by_label("Received from").press("Enter")
    expect(page.locator("main")).to_contain_text("Not a valid date")
