"""Reading the dossier list's filters from the query string: a bad value is reported beside its
field and left out, never a 500 (the list still shows, unfiltered by it)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from engine.procedures.forms import FIRST_YEAR, LAST_YEAR
from engine.queries.dossier_list import DossierFilters
from engine.statuses import DossierStatus
from webapp.days import read_day


def read_filters(args) -> tuple[DossierFilters, dict[str, str]]:
    errors: dict[str, str] = {}

    def number(name: str, allowed=None) -> int | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or (allowed is not None and value not in allowed):
            errors[name] = _("Giá trị không hợp lệ; bộ lọc này chưa được áp dụng.")
            return None
        return value

    def day(name: str) -> date | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        day = read_day(raw)
        if day is None:
            errors[name] = _("Ngày không hợp lệ; bộ lọc này chưa được áp dụng.")
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:  # 01/01/0001: before any time the database holds
            errors[name] = " ".join((_("Năm phải từ %(first)d đến %(last)d.", first=FIRST_YEAR, last=LAST_YEAR),
                                     _("Bộ lọc này chưa được áp dụng.")))
            return None
        return day

    filters = DossierFilters(
        search=(args.get("q") or "").strip()[:200],
        procedure_id=number("procedure_id"),
        status=number("status", {int(s) for s in DossierStatus}),
        agency_id=number("agency_id"),
        received_from=day("from"),
        received_to=day("to"))
    if filters.received_from and filters.received_to and filters.received_from > filters.received_to:
        # The same day is a valid one-day range: "không được trước", not "phải sau".
        errors["to"] = " ".join((_("Ngày kết thúc không được trước ngày bắt đầu."), _("Bộ lọc này chưa được áp dụng.")))
        filters = DossierFilters(**{**filters.__dict__, "received_to": None})
    return filters, errors
