"""An administrator's calendar change made by another process, for tests/test_calendar_cache.py.

    python -m tests._calendar_admin_child day-off <admin id> <calendar code> <yyyy-mm-dd> <name>
    python -m tests._calendar_admin_child office-hours <admin id> <agency id> <hours> <time zone>

The database comes from the environment (DATABASE_URL), as for the CLI. Goes through the same
commands as the administration pages.
"""
from __future__ import annotations

import sys
from datetime import date

from engine.bootstrap import Motcua
from engine.commands import calendar_admin
from engine.config import Settings


def main(action: str, *args: str) -> None:
    motcua = Motcua(Settings())
    try:
        if action == "day-off":
            admin, code, day, name = args
            calendar_admin.add_day_off(motcua.uow(), actor_id=int(admin), calendar_code=code,
                                       day=date.fromisoformat(day), name=name)
        elif action == "office-hours":
            admin, agency, hours, zone = args
            calendar_admin.set_office_hours(motcua.uow(), actor_id=int(admin), agency_id=int(agency),
                                            office_hours=hours, timezone=zone)
        else:
            raise SystemExit(f"unknown action {action!r}")
    finally:
        motcua.dispose()
    print("DONE", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
