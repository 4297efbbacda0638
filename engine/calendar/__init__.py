"""Working time: office hours, weekends, public holidays and swapped working days per calendar."""
from engine.calendar.working_time import OfficeHours, TimeLimit, WorkingCalendar, parse_time_limit

__all__ = ["OfficeHours", "TimeLimit", "WorkingCalendar", "parse_time_limit"]
